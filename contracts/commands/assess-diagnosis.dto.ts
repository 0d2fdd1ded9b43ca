import { Type } from 'class-transformer';
import { IsEmail, IsIn, IsObject, IsOptional, IsString, IsUrl, Matches, MaxLength, ValidateNested } from 'class-validator';
import type { AssessmentDecision } from '../events/diagnosis.events';
import { ID_FORMAT } from './register-diagnosis.dto';
import { IsNotBlank } from './not-blank';

export const ASSESSMENT_DECISIONS: AssessmentDecision[] = ['rare', 'not-rare', 'has-association'];

/** The patient association an applicant is referred to (an organisation, not a person). */
export class PatientAssociationDto {
  @IsString()
  @IsNotBlank()
  @MaxLength(200)
  name!: string;

  @IsOptional()
  @IsEmail({}, { message: 'must be an email address' })
  @MaxLength(254)
  email?: string;

  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true }, { message: 'must be an http(s) URL' })
  @MaxLength(500)
  url?: string;
}

/** POST /commands/assess-diagnosis (secretariat): decides a proposed diagnosis. */
export class AssessDiagnosisDto {
  @IsString()
  @Matches(ID_FORMAT, { message: 'must be a diagnosis id (uuid)' })
  diagnosisId!: string;

  /** rare: a group opens · not-rare: applicants are declined · has-association: applicants are referred. */
  @IsIn(ASSESSMENT_DECISIONS, { message: 'must be one of rare, not-rare, has-association' })
  decision!: AssessmentDecision;

  @IsString()
  @IsNotBlank()
  @MaxLength(4000)
  rationale!: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  prevalenceEstimate?: string;

  /** Required (with its name) for has-association; not allowed with another decision. */
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => PatientAssociationDto)
  association?: PatientAssociationDto;
}
