import { Controller, Get, Header, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiResponse } from '@nestjs/swagger';
import { Clock } from '../domain/clock';
import { MemberOnly } from '../http/access';
import type { RequestWithMember } from '../http/access.guard';
import { commandContextOf } from '../http/command-context';
import { ProblemException } from '../http/problem';
import { MemberRoutes } from '../member-access/member-routes';
import { ContactListViewing, type MyContactLists } from './contact-list-viewing';
import { MyContactListsResponse } from './contact-list-viewing.responses';

@MemberRoutes()
@Controller('me')
export class ContactListViewingController {
  constructor(
    private readonly viewing: ContactListViewing,
    private readonly clock: Clock,
  ) {}

  @Get('contact-lists')
  @MemberOnly()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'The signed-in member’s group contact list, as it stands now.',
    description: 'Each answer that shows a list is a disclosure: it is recorded in the disclosure log (channel portal) before it is sent.',
  })
  @ApiOkResponse({ type: MyContactListsResponse })
  @ApiResponse({ status: 503, description: 'The contact lists are being brought up to date: try again in a moment (/problems/contact-lists-catching-up).' })
  async contactLists(@Req() request: RequestWithMember): Promise<MyContactLists> {
    const lists = await this.viewing.view(request.caller.memberId, commandContextOf(request, this.clock));
    if (!lists) throw new ProblemException(503, 'contact-lists-catching-up', 'Service Unavailable', 'The contact lists are being brought up to date; try again in a moment.');
    return lists;
  }
}
