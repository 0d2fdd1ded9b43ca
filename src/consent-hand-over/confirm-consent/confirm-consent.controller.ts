import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ConfirmConsentDto, RecordConsentConfirmationDto } from '../../../contracts/commands/confirm-consent.dto';
import { Clock } from '../../domain/clock';
import { Public, StaffOnly } from '../../http/access';
import type { RequestWithCaller } from '../../http/access.guard';
import { commandContextOf } from '../../http/command-context';
import { ConfirmConsentCommand, type ConfirmConsentResult } from './confirm-consent.command';

const ANSWERS =
  'Answers 200 {memberId, confirmedAt}: the consent is now the young person’s own. 409 when it was confirmed already, ' +
  'when the 60 days have run out (the membership has then ended) or when the membership was withdrawn.';

@ApiTags('membership')
@Controller('commands')
export class ConfirmConsentController {
  constructor(
    private readonly commands: CommandBus,
    private readonly clock: Clock,
  ) {}

  @Post('confirm-consent')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'The young person confirms the consent a relative gave for them, with the link from the consent hand-over email.',
    description: `${ANSWERS} 400 for a link that is not valid, or an unknown consent text version.`,
  })
  confirm(@Body() body: ConfirmConsentDto, @Req() request: RequestWithCaller): Promise<ConfirmConsentResult> {
    return this.commands.execute(new ConfirmConsentCommand({ token: body.token }, body.textVersion, commandContextOf(request, this.clock)));
  }

  @Post('record-consent-confirmation')
  @StaffOnly('secretariat')
  @ApiBearerAuth()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Record that the young person confirmed the handed-over consent by letter, phone or email (secretariat).',
    description: `${ANSWERS} 404 for an unknown member, 409 too when no hand-over was asked of the member.`,
  })
  record(@Body() body: RecordConsentConfirmationDto, @Req() request: RequestWithCaller): Promise<ConfirmConsentResult> {
    return this.commands.execute(new ConfirmConsentCommand({ memberId: body.memberId, channel: body.channel }, body.textVersion, commandContextOf(request, this.clock)));
  }
}
