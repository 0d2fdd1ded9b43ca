import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { RIGHTS_REQUEST_STATUSES, RightsRequestsQueryDto } from '../../contracts/queries/rights-requests.query';
import { dateInDenmark } from '../../src/domain/calendar';
import { Clock } from '../../src/domain/clock';
import { StaffOnly } from '../../src/http/access';
import { RightsRequests, type RightsRequestView } from './rights-requests.queries';
import { RightsRequestResponse } from './rights-requests.responses';

@ApiTags('rights requests')
@ApiBearerAuth()
@Controller('rights-requests')
export class RightsRequestsController {
  constructor(
    private readonly requests: RightsRequests,
    private readonly clock: Clock,
  ) {}

  @Get()
  @StaffOnly('secretariat', 'dpo')
  @ApiOperation({ summary: 'The register of rights requests, the most urgent first, each with its deadline, the days left and whether it is overdue today (secretariat, dpo).' })
  @ApiQuery({ name: 'status', enum: RIGHTS_REQUEST_STATUSES, required: false, description: 'open (overdue ones included), overdue, or completed; unset: all.' })
  @ApiOkResponse({ type: [RightsRequestResponse] })
  list(@Query() query: RightsRequestsQueryDto): Promise<RightsRequestView[]> {
    return this.requests.list(query.status, dateInDenmark(this.clock.now()));
  }
}
