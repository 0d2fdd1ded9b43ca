import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { RecordAssociationDto } from '../../../contracts/commands/record-association.dto';
import { Clock } from '../../domain/clock';
import { StaffOnly } from '../../http/access';
import type { RequestWithCaller } from '../../http/access.guard';
import { commandContextOf } from '../../http/command-context';
import { RecordAssociationCommand, type RecordAssociationResult } from './record-association.command';

@ApiTags('associations')
@ApiBearerAuth()
@Controller('commands')
export class RecordAssociationController {
  constructor(
    private readonly commands: CommandBus,
    private readonly clock: Clock,
  ) {}

  @Post('record-association')
  @StaffOnly('secretariat')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Record that a group became its own patient association (secretariat).',
    description:
      'Answers 201 {diagnosisId, status: "has-association"}. The group’s admitted members are told by mail in their language; from now on ' +
      'applicants for the diagnosis are referred to the association. The members stay in the network as they are.',
  })
  @ApiResponse({ status: 404, description: 'No such diagnosis.' })
  @ApiResponse({ status: 409, description: 'The diagnosis has no open group (pending, not rare, an association already) or is the undiagnosed group.' })
  record(@Body() body: RecordAssociationDto, @Req() request: RequestWithCaller): Promise<RecordAssociationResult> {
    return this.commands.execute(new RecordAssociationCommand(body, commandContextOf(request, this.clock)));
  }
}
