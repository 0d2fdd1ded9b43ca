import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { canonicalOrphaCode } from '../../src/diagnoses/diagnosis-codes';
import { Public, StaffOnly } from '../../src/http/access';
import { OrphanetCatalogue, type OrphanetEntry } from '../../src/orphanet/orphanet-catalogue';
import { type Group, type PendingAssessment, type PublicDiagnosis, DiagnosisCatalogue } from './diagnosis-catalogue.queries';
import { GroupResponse, PendingAssessmentResponse, PublicDiagnosisResponse } from './diagnosis-catalogue.responses';

@ApiTags('diagnoses')
@Controller()
export class DiagnosisCatalogueController {
  constructor(
    private readonly catalogue: DiagnosisCatalogue,
    private readonly orphanet: OrphanetCatalogue,
  ) {}

  @Get('diagnoses')
  @Public()
  @ApiOperation({ summary: 'The diagnoses that have an open group: id, name and codes (never sizes).' })
  @ApiOkResponse({ type: [PublicDiagnosisResponse] })
  diagnoses(): Promise<PublicDiagnosis[]> {
    return this.catalogue.openDiagnoses();
  }

  @Get('groups')
  @StaffOnly('secretariat')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Every diagnosis (group) with its status, association, clusters and size (secretariat).' })
  @ApiOkResponse({ type: [GroupResponse] })
  groups(): Promise<Group[]> {
    return this.catalogue.groups();
  }

  @Get('assessments/pending')
  @StaffOnly('secretariat')
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Proposed diagnoses awaiting assessment, with the applicants waiting for each (secretariat).',
    description: 'A diagnosis with an ORPHAcode in the imported Orphanet catalogue shows its prevalence and the estimated number of people in Denmark against the rule of thumb (at most about 1,000).',
  })
  @ApiOkResponse({ type: [PendingAssessmentResponse] })
  async pendingAssessments(): Promise<Array<PendingAssessment & { orphanet: OrphanetEntry | null }>> {
    const pending = await this.catalogue.pendingAssessments();
    const orphanet = await this.orphanet.byCodes(pending.map((diagnosis) => diagnosis.orphaCode));
    return pending.map((diagnosis) => ({ ...diagnosis, orphanet: orphanet.get(canonicalOrphaCode(diagnosis.orphaCode) ?? '') ?? null }));
  }
}
