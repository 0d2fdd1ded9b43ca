import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { LinkDiagnosesDto } from '../../../contracts/commands/link-diagnoses.dto';
import { Clock } from '../../domain/clock';
import { StaffOnly } from '../../http/access';
import type { RequestWithCaller } from '../../http/access.guard';
import { commandContextOf } from '../../http/command-context';
import { LinkDiagnosesCommand, type LinkDiagnosesResult } from './link-diagnoses.command';

@ApiTags('diagnoses')
@ApiBearerAuth()
@Controller('commands')
export class LinkDiagnosesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly clock: Clock,
  ) {}

  @Post('link-diagnoses')
  @StaffOnly('secretariat')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Gather open diagnosis groups into a cluster (secretariat).',
    description:
      'Answers 201 {clusterId}. Without clusterId a new cluster is made from at least two diagnoses; with it, the diagnoses are added ' +
      'to that cluster (404 if it does not exist). Every diagnosis must exist and have an open group (400 naming diagnosisIds).',
  })
  link(@Body() body: LinkDiagnosesDto, @Req() request: RequestWithCaller): Promise<LinkDiagnosesResult> {
    return this.commands.execute(new LinkDiagnosesCommand(body, commandContextOf(request, this.clock)));
  }
}
