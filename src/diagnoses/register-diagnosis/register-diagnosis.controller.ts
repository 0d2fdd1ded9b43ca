import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RegisterDiagnosisDto } from '../../../contracts/commands/register-diagnosis.dto';
import { Clock } from '../../domain/clock';
import { StaffOnly } from '../../http/access';
import type { RequestWithCaller } from '../../http/access.guard';
import { commandContextOf } from '../../http/command-context';
import { RegisterDiagnosisCommand, type RegisterDiagnosisResult } from './register-diagnosis.command';

@ApiTags('diagnoses')
@ApiBearerAuth()
@Controller('commands')
export class RegisterDiagnosisController {
  constructor(
    private readonly commands: CommandBus,
    private readonly clock: Clock,
  ) {}

  @Post('register-diagnosis')
  @StaffOnly('secretariat')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Register a diagnosis and open its group (secretariat).',
    description:
      'Answers 201 {diagnosisId}. ORPHAcode as ORPHA:558 or 558 (stored as ORPHA:558), ICD-10 as Q87.4. ' +
      'A diagnosis the network already knows by ORPHAcode or name (case and spacing ignored) is refused with 409.',
  })
  register(@Body() body: RegisterDiagnosisDto, @Req() request: RequestWithCaller): Promise<RegisterDiagnosisResult> {
    return this.commands.execute(new RegisterDiagnosisCommand(body, commandContextOf(request, this.clock)));
  }
}
