import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { IsNotBlank } from './not-blank';

/** An ORPHAcode as the Orphanet nomenclature writes it (ORPHA:558), or its number alone (558). */
export const ORPHA_CODE_FORMAT = /^(ORPHA:)?\d{1,7}$/;
/** An ICD-10 code: a letter, two digits, and optionally a dot and a subdivision (Q87.4). */
export const ICD10_FORMAT = /^[A-Z]\d{2}(\.\d{1,2}[A-Z0-9]?)?$/;
/** The ids of diagnoses, clusters and members: lower-case UUIDs. */
export const ID_FORMAT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const ORPHA_CODE_MESSAGE = 'must be an ORPHAcode, e.g. ORPHA:558 or 558';
export const ICD10_MESSAGE = 'must be an ICD-10 code, e.g. Q87.4';

/** POST /commands/register-diagnosis (secretariat): opens a group for a diagnosis. */
export class RegisterDiagnosisDto {
  @IsString()
  @IsNotBlank()
  @MaxLength(200)
  name!: string;

  @IsOptional()
  @IsString()
  @Matches(ORPHA_CODE_FORMAT, { message: ORPHA_CODE_MESSAGE })
  orphaCode?: string;

  @IsOptional()
  @IsString()
  @Matches(ICD10_FORMAT, { message: ICD10_MESSAGE })
  icd10?: string;

  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string;
}
