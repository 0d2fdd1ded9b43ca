import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { VerifyEmailDto } from '../../../contracts/commands/verify-email.dto';
import { Clock } from '../../domain/clock';
import { Public } from '../../http/access';
import type { RequestWithCaller } from '../../http/access.guard';
import { commandContextOf } from '../../http/command-context';
import { VerifyEmailCommand, type VerifyEmailResult } from './verify-email.command';

@ApiTags('membership')
@Controller('commands')
export class VerifyEmailController {
  constructor(
    private readonly commands: CommandBus,
    private readonly clock: Clock,
  ) {}

  @Post('verify-email')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Use the one-time link from a verification email.',
    description: 'A sign-up becomes admitted, awaiting-assessment, referred or declined; a changed address takes effect.',
  })
  verify(@Body() body: VerifyEmailDto, @Req() request: RequestWithCaller): Promise<VerifyEmailResult> {
    return this.commands.execute(new VerifyEmailCommand(body.token, commandContextOf(request, this.clock)));
  }
}
