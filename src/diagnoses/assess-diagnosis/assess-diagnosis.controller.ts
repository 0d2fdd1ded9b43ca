import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AssessDiagnosisDto } from '../../../contracts/commands/assess-diagnosis.dto';
import { Clock } from '../../domain/clock';
import { StaffOnly } from '../../http/access';
import type { RequestWithCaller } from '../../http/access.guard';
import { commandContextOf } from '../../http/command-context';
import { AssessDiagnosisCommand, type AssessDiagnosisResult } from './assess-diagnosis.command';

@ApiTags('diagnoses')
@ApiBearerAuth()
@Controller('commands')
export class AssessDiagnosisController {
  constructor(
    private readonly commands: CommandBus,
    private readonly clock: Clock,
  ) {}

  @Post('assess-diagnosis')
  @StaffOnly('secretariat')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Assess a proposed diagnosis (secretariat).',
    description:
      'Answers 200 {diagnosisId, status}. rare opens the group and admits the waiting applicants; has-association (with association.name) ' +
      'refers them; not-rare declines them. 404 for an unknown id, 409 when the diagnosis is not awaiting assessment.',
  })
  assess(@Body() body: AssessDiagnosisDto, @Req() request: RequestWithCaller): Promise<AssessDiagnosisResult> {
    return this.commands.execute(new AssessDiagnosisCommand(body, commandContextOf(request, this.clock)));
  }
}
