import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { UNDIAGNOSED_DIAGNOSIS_ID } from '../../contracts/events/diagnosis.events';
import { DiagnosisCatalogue, type Group } from '../../projections/diagnosis-catalogue/diagnosis-catalogue.queries';
import { AppConfig } from '../config/app-config';
import { StaffOnly } from '../http/access';

export interface ReadyForAssociation {
  /** ASSOCIATION_READY_SIZE: admitted members from which a group is listed. */
  threshold: number;
  /** Open groups of that size or more, the largest first. */
  groups: Group[];
}

@ApiTags('associations')
@ApiBearerAuth()
@Controller('associations')
export class ReadyForAssociationController {
  constructor(
    private readonly catalogue: DiagnosisCatalogue,
    private readonly config: AppConfig,
  ) {}

  @Get('ready')
  @StaffOnly('secretariat')
  @ApiOperation({
    summary: 'Groups ready to start their own patient association (secretariat): open groups with ASSOCIATION_READY_SIZE (default 15) admitted members or more.',
    description: 'The group for the undiagnosed is never listed. When a group has started one, record it with POST /commands/record-association.',
  })
  @ApiOkResponse({ description: '`{threshold, groups: [...]}`, each group as GET /groups shows it.' })
  async ready(): Promise<ReadyForAssociation> {
    const threshold = this.config.ASSOCIATION_READY_SIZE;
    const groups = (await this.catalogue.groups()).filter((group) => group.status === 'open' && group.diagnosisId !== UNDIAGNOSED_DIAGNOSIS_ID && group.memberCount >= threshold);
    return { threshold, groups: groups.sort((a, b) => b.memberCount - a.memberCount) };
  }
}
