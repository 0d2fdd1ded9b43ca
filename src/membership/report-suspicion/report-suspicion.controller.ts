import { Body, Controller, Post, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ReportSuspicionDto } from '../../../contracts/commands/report-suspicion.dto';
import { Clock } from '../../domain/clock';
import { StaffOnly } from '../../http/access';
import type { RequestWithCaller } from '../../http/access.guard';
import { commandContextOf } from '../../http/command-context';
import { ReportSuspicionCommand, type ReportSuspicionResult } from './report-suspicion.command';

@ApiTags('members')
@ApiBearerAuth()
@Controller('commands')
export class ReportSuspicionController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly clock: Clock,
  ) {}

  @Post('report-suspicion')
  @StaffOnly('secretariat')
  @ApiOperation({
    summary: 'Record a suspicion that a member joined under false pretences; the member is restricted (left off every list) while it is examined.',
  })
  @ApiBody({ type: ReportSuspicionDto, description: '`{memberId, note}`; the note is stored sealed under the reported member’s key.' })
  @ApiResponse({ status: 201, description: '`{memberId, status, restricted: true}`' })
  @ApiResponse({ status: 404, description: 'Unknown member.' })
  @ApiResponse({ status: 409, description: 'The member has withdrawn or was erased; or a concurrent change.' })
  reportSuspicion(@Body() body: ReportSuspicionDto, @Req() request: RequestWithCaller): Promise<ReportSuspicionResult> {
    return this.commandBus.execute(new ReportSuspicionCommand(body.memberId, body.note, commandContextOf(request, this.clock)));
  }
}
