import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CreateMeetupDto } from '../../../contracts/commands/create-meetup.dto';
import { Clock } from '../../domain/clock';
import { StaffOnly } from '../../http/access';
import type { RequestWithCaller } from '../../http/access.guard';
import { commandContextOf } from '../../http/command-context';
import { CreateMeetupCommand, type CreateMeetupResult } from './create-meetup.command';

@ApiTags('meet-ups')
@ApiBearerAuth()
@Controller('commands')
export class CreateMeetupController {
  constructor(
    private readonly commands: CommandBus,
    private readonly clock: Clock,
  ) {}

  @Post('create-meetup')
  @StaffOnly('secretariat')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Plan a meet-up, Sjældne-træf (secretariat): its time, a place and/or an online link, a Markdown description per language (da required).',
    description: 'Answers 201 {meetupId, startsAt}. Invite members with POST /commands/invite-to-meetup.',
  })
  @ApiResponse({ status: 400, description: 'An invalid field, a time in the past, or neither place nor onlineLink.' })
  create(@Body() body: CreateMeetupDto, @Req() request: RequestWithCaller): Promise<CreateMeetupResult> {
    return this.commands.execute(new CreateMeetupCommand(body, commandContextOf(request, this.clock)));
  }
}
