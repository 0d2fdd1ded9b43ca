import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { InviteToMeetupDto } from '../../../contracts/commands/create-meetup.dto';
import { Clock } from '../../domain/clock';
import { StaffOnly } from '../../http/access';
import type { RequestWithCaller } from '../../http/access.guard';
import { commandContextOf } from '../../http/command-context';
import { InviteToMeetupCommand, type InviteToMeetupResult } from './invite-to-meetup.command';

@ApiTags('meet-ups')
@ApiBearerAuth()
@Controller('commands')
export class InviteToMeetupController {
  constructor(
    private readonly commands: CommandBus,
    private readonly clock: Clock,
  ) {}

  @Post('invite-to-meetup')
  @StaffOnly('secretariat')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Invite the admitted members with the meet-up opt-in (secretariat): of the groups in diagnosisIds, or of every group.',
    description:
      'Answers 201 {meetupId, diagnosisIds}; the invitations go out in the background, in each member’s language, with yes/no links and a ' +
      'one-click unsubscribe link. Asked again (e.g. for more groups), nobody is invited twice to the same meet-up.',
  })
  @ApiResponse({ status: 400, description: 'diagnosisIds names no group.' })
  @ApiResponse({ status: 404, description: 'No such meet-up.' })
  @ApiResponse({ status: 409, description: 'The meet-up has begun or is over.' })
  invite(@Body() body: InviteToMeetupDto, @Req() request: RequestWithCaller): Promise<InviteToMeetupResult> {
    return this.commands.execute(new InviteToMeetupCommand(body, commandContextOf(request, this.clock)));
  }
}
