import { Type } from 'class-transformer';
import {
  ArrayUnique,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import type { ContactField, Country, Language, Relation, Role } from '../events/membership.events';
import { IsNotBlank } from './not-blank';

export const COUNTRIES: Country[] = ['DK', 'SE', 'NO', 'GL', 'FO'];
export const LANGUAGES: Language[] = ['da', 'sv', 'nb', 'en'];
export const CONTACT_FIELDS: ContactField[] = ['address', 'phone', 'email'];

export class AddressDto {
  @IsString()
  @IsNotBlank()
  @MaxLength(200)
  street!: string;

  @IsString()
  @IsNotBlank()
  @MaxLength(12)
  postalCode!: string;

  @IsString()
  @IsNotBlank()
  @MaxLength(100)
  city!: string;

  /** DK, SE, NO, GL or FO. */
  @IsIn(COUNTRIES, { message: 'must be one of DK, SE, NO, GL, FO' })
  country!: Country;
}

/** Either an existing diagnosis by id, or the name (and codes) of one the network does not have yet. */
export class DiagnosisChoiceDto {
  // Whichever of the two is given is checked (both, if both are); one of them is required.
  @ValidateIf((choice: DiagnosisChoiceDto) => choice.diagnosisId !== undefined || choice.name === undefined)
  @IsString()
  @Matches(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, { message: 'must be a diagnosis id (uuid)' })
  diagnosisId?: string;

  @ValidateIf((choice: DiagnosisChoiceDto) => choice.name !== undefined || choice.diagnosisId === undefined)
  @IsString()
  @IsNotBlank()
  @MaxLength(200)
  name?: string;

  @IsOptional()
  @Matches(/^(ORPHA:)?\d{1,7}$/, { message: 'must be an ORPHAcode, e.g. ORPHA:558 or 558' })
  orphaCode?: string;

  @IsOptional()
  @Matches(/^[A-Z]\d{2}(\.\d{1,2}[A-Z0-9]?)?$/, { message: 'must be an ICD-10 code, e.g. Q87.4' })
  icd10?: string;
}

export class ConsentDto {
  @IsString()
  @IsNotBlank()
  @MaxLength(20)
  textVersion!: string;

  /** Must be true: joining is the consent. */
  @IsBoolean()
  given!: boolean;

  @IsOptional()
  @IsIn(CONTACT_FIELDS, { each: true, message: 'each must be one of address, phone, email' })
  @ArrayUnique()
  sharedFields?: ContactField[];

  @IsOptional()
  @IsIn(['group', 'cluster'])
  scope?: 'group' | 'cluster';

  @IsOptional()
  @IsBoolean()
  allowTransferToGreenland?: boolean;
}

export class JoinNetworkDto {
  @IsIn(['patient', 'relative'], { message: 'must be patient or relative' })
  role!: Role;

  /** Required for a patient: decides whether they may consent themself. */
  @ValidateIf((dto: JoinNetworkDto) => dto.role === 'patient' || dto.birthYear !== undefined)
  @IsInt()
  @Min(1900)
  @Max(2100)
  birthYear?: number;

  @IsOptional()
  @IsIn(['parent', 'guardian', 'partner', 'other'])
  relation?: Relation;

  @IsOptional()
  @IsInt()
  @Min(1900)
  @Max(2100)
  patientBirthYear?: number;

  @IsString()
  @IsNotBlank()
  @MaxLength(200)
  name!: string;

  /** Optional only for paper or phone sign-ups entered by the secretariat. */
  @ValidateIf((dto: JoinNetworkDto) => dto.email !== undefined || !(dto.channel === 'paper' || dto.channel === 'phone'))
  @IsEmail({}, { message: 'must be an email address' })
  @MaxLength(254)
  email?: string;

  @IsString()
  @IsNotBlank()
  @MaxLength(30)
  phone!: string;

  @IsObject()
  @ValidateNested()
  @Type(() => AddressDto)
  address!: AddressDto;

  @IsIn(LANGUAGES, { message: 'must be one of da, sv, nb, en' })
  language!: Language;

  @IsObject()
  @ValidateNested()
  @Type(() => DiagnosisChoiceDto)
  diagnosis!: DiagnosisChoiceDto;

  @IsObject()
  @ValidateNested()
  @Type(() => ConsentDto)
  consent!: ConsentDto;

  @IsOptional()
  @IsBoolean()
  wantsFacebookInvite?: boolean;

  @IsOptional()
  @IsBoolean()
  wantsMeetupInvites?: boolean;

  @IsOptional()
  @IsBoolean()
  wantsNewsletter?: boolean;

  /** Only with a secretariat key: a sign-up the staff entered, consent attested by them. */
  @IsOptional()
  @IsIn(['paper', 'phone', 'email'])
  channel?: 'paper' | 'phone' | 'email';
}
