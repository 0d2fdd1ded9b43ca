import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { OrphanetQueryDto } from '../../contracts/queries/orphanet.query';
import { StaffOnly } from '../http/access';
import { OrphanetCatalogue, type OrphanetEntry } from './orphanet-catalogue';
import { OrphanetEntryResponse } from './orphanet.responses';

@ApiTags('diagnoses')
@ApiBearerAuth()
@Controller('orphanet')
export class OrphanetController {
  constructor(private readonly catalogue: OrphanetCatalogue) {}

  @Get()
  @StaffOnly('secretariat')
  @ApiOperation({
    summary: 'Look up the imported Orphanet catalogue by ORPHAcode or by name (secretariat).',
    description: 'For registering and assessing diagnoses: names, ICD-10 references, prevalence records and the estimated number of people in Denmark. Empty until `npm run import-orphanet` has run.',
  })
  @ApiOkResponse({ type: [OrphanetEntryResponse] })
  search(@Query() query: OrphanetQueryDto): Promise<OrphanetEntry[]> {
    return this.catalogue.search(query.query);
  }
}
