import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public, StaffOnly } from '../../src/http/access';
import { type Group, type PendingAssessment, type PublicDiagnosis, DiagnosisCatalogue } from './diagnosis-catalogue.queries';
import { GroupResponse, PendingAssessmentResponse, PublicDiagnosisResponse } from './diagnosis-catalogue.responses';

@ApiTags('diagnoses')
@Controller()
export class DiagnosisCatalogueController {
  constructor(private readonly catalogue: DiagnosisCatalogue) {}

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
  @ApiOperation({ summary: 'Proposed diagnoses awaiting assessment, with the applicants waiting for each (secretariat).' })
  @ApiOkResponse({ type: [PendingAssessmentResponse] })
  pendingAssessments(): Promise<PendingAssessment[]> {
    return this.catalogue.pendingAssessments();
  }
}
