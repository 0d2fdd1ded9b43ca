import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { SendNewsletterDto } from '../../../contracts/commands/compose-newsletter.dto';
import { Clock } from '../../domain/clock';
import { StaffOnly } from '../../http/access';
import type { RequestWithCaller } from '../../http/access.guard';
import { commandContextOf } from '../../http/command-context';
import { SendNewsletterCommand, type SendNewsletterResult } from './send-newsletter.command';

@ApiTags('newsletters')
@ApiBearerAuth()
@Controller('commands')
export class SendNewsletterController {
  constructor(
    private readonly commands: CommandBus,
    private readonly clock: Clock,
  ) {}

  @Post('send-newsletter')
  @StaffOnly('secretariat')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Send a newsletter (secretariat) to every admitted member with the newsletter opt-in, in their language.',
    description:
      'Answers 201 {newsletterId, sendRequestedAt}; the mails go out in the background, each with a one-click unsubscribe link ' +
      '(List-Unsubscribe, RFC 8058). GET /newsletters/:newsletterId counts the sends.',
  })
  @ApiResponse({ status: 404, description: 'No such newsletter.' })
  @ApiResponse({ status: 409, description: 'The newsletter has been sent already.' })
  send(@Body() body: SendNewsletterDto, @Req() request: RequestWithCaller): Promise<SendNewsletterResult> {
    return this.commands.execute(new SendNewsletterCommand(body.newsletterId, commandContextOf(request, this.clock)));
  }
}
