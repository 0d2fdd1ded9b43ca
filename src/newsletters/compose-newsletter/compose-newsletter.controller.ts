import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ComposeNewsletterDto } from '../../../contracts/commands/compose-newsletter.dto';
import { Clock } from '../../domain/clock';
import { StaffOnly } from '../../http/access';
import type { RequestWithCaller } from '../../http/access.guard';
import { commandContextOf } from '../../http/command-context';
import { ComposeNewsletterCommand, type ComposeNewsletterResult } from './compose-newsletter.command';

@ApiTags('newsletters')
@ApiBearerAuth()
@Controller('commands')
export class ComposeNewsletterController {
  constructor(
    private readonly commands: CommandBus,
    private readonly clock: Clock,
  ) {}

  @Post('compose-newsletter')
  @StaffOnly('secretariat')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Write a newsletter (secretariat): a subject and a Markdown body per language (da required; sv, nb, en optional).',
    description: 'Answers 201 {newsletterId, languages}. With newsletterId it rewrites that newsletter, as long as it has not been sent.',
  })
  @ApiResponse({ status: 404, description: 'newsletterId names no newsletter.' })
  @ApiResponse({ status: 409, description: 'The newsletter has been sent already.' })
  compose(@Body() body: ComposeNewsletterDto, @Req() request: RequestWithCaller): Promise<ComposeNewsletterResult> {
    return this.commands.execute(new ComposeNewsletterCommand(body, commandContextOf(request, this.clock)));
  }
}
