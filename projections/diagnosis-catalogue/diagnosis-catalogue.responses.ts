import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { OrphanetEntryResponse } from '../../src/orphanet/orphanet.responses';
import type { Group, PendingAssessment, PublicDiagnosis } from './diagnosis-catalogue.queries';

/** OpenAPI descriptions of the catalogue's answers (the shapes are the query service's types). */
export class PublicDiagnosisResponse implements PublicDiagnosis {
  @ApiProperty({ format: 'uuid' }) diagnosisId!: string;
  @ApiProperty({ example: 'Alström syndrom' }) name!: string;
  @ApiPropertyOptional({ example: 'ORPHA:64' }) orphaCode?: string;
  @ApiPropertyOptional({ example: 'E34.8' }) icd10?: string;
  @ApiPropertyOptional() description?: string;
}

class PatientAssociationResponse {
  @ApiProperty() name!: string;
  @ApiPropertyOptional() email?: string;
  @ApiPropertyOptional() url?: string;
}

export class GroupResponse extends PublicDiagnosisResponse implements Group {
  @ApiProperty({ enum: ['pending', 'open', 'not-rare', 'has-association'] }) status!: Group['status'];
  @ApiPropertyOptional({ type: PatientAssociationResponse }) association?: PatientAssociationResponse;
  @ApiProperty({ type: [String] }) clusterIds!: string[];
  @ApiProperty({ description: 'Admitted members whose consent stands.' }) memberCount!: number;
}

export class PendingAssessmentResponse extends PublicDiagnosisResponse implements PendingAssessment {
  @ApiProperty({ format: 'date-time' }) proposedAt!: string;
  @ApiProperty() waitingCount!: number;
  @ApiProperty({ type: [String], description: 'Applicants waiting for this assessment, oldest first.' }) waitingMemberIds!: string[];
  @ApiProperty({ type: OrphanetEntryResponse, nullable: true, description: 'The imported Orphanet entry of the ORPHAcode, if any: its prevalence and the people it stands for in Denmark.' })
  orphanet!: OrphanetEntryResponse | null;
}
