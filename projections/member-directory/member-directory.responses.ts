import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PostalAddressResponse } from '../group-roster/group-roster.responses';

export class MemberConsentResponse {
  @ApiProperty()
  textVersion!: string;

  @ApiProperty({ format: 'date-time' })
  givenAt!: string;

  @ApiProperty({ enum: ['self', 'relative'] })
  givenBy!: string;

  @ApiProperty({ description: 'A paper, phone or email sign-up: the consent was attested by staff.' })
  attestedByStaff!: boolean;

  @ApiProperty({ enum: ['group', 'cluster'] })
  scope!: string;

  @ApiProperty({ enum: ['address', 'phone', 'email'], isArray: true })
  sharedFields!: string[];

  @ApiProperty()
  allowTransferToGreenland!: boolean;
}

export class OptInsResponse {
  @ApiProperty()
  newsletter!: boolean;

  @ApiProperty()
  meetups!: boolean;

  @ApiProperty()
  facebookInvite!: boolean;
}

export class MembershipResponse {
  @ApiProperty({ format: 'uuid' })
  diagnosisId!: string;

  @ApiProperty({ enum: ['awaiting-verification', 'awaiting-assessment', 'admitted', 'referred', 'declined', 'withdrawn'] })
  status!: string;
}

export class PersonalDataResponse {
  @ApiProperty()
  name!: string;

  @ApiPropertyOptional({ description: 'Absent for a member served by post.' })
  email?: string;

  @ApiProperty({ description: 'E.164' })
  phone!: string;

  @ApiProperty({ type: PostalAddressResponse })
  address!: PostalAddressResponse;

  @ApiPropertyOptional()
  birthYear?: number;

  @ApiPropertyOptional()
  patientBirthYear?: number;
}

export class MemberRecordResponse {
  @ApiProperty({ format: 'uuid' })
  memberId!: string;

  @ApiProperty({
    enum: ['awaiting-verification', 'awaiting-assessment', 'admitted', 'referred', 'declined', 'withdrawn', 'consent-lapsed', 'erased'],
    description: 'consent-lapsed: a consent handed over at coming of age was not confirmed in time (left like a withdrawal). erased: personal data and memberships are gone.',
  })
  status!: string;

  @ApiProperty({ description: 'Restricted (GDPR Art. 18): left off every contact list.' })
  restricted!: boolean;

  @ApiProperty({ enum: ['patient', 'relative'] })
  role!: string;

  @ApiProperty({ type: String, enum: ['parent', 'guardian', 'partner', 'other'], nullable: true })
  relation!: string | null;

  @ApiProperty({ enum: ['web', 'paper', 'phone', 'email'] })
  channel!: string;

  @ApiProperty({ enum: ['DK', 'SE', 'NO', 'GL', 'FO'] })
  country!: string;

  @ApiProperty({ enum: ['da', 'sv', 'nb', 'en'] })
  language!: string;

  @ApiProperty({ type: MemberConsentResponse })
  consent!: MemberConsentResponse;

  @ApiProperty({ type: OptInsResponse })
  optIns!: OptInsResponse;

  @ApiProperty()
  emailVerified!: boolean;

  @ApiProperty({ description: 'A new email address waits for its owner to verify it.' })
  emailChangePending!: boolean;

  @ApiProperty({ format: 'date-time' })
  joinedAt!: string;

  @ApiProperty({ type: [MembershipResponse] })
  memberships!: MembershipResponse[];

  @ApiProperty({ type: PersonalDataResponse, nullable: true, description: 'null when the member was erased.' })
  personal!: PersonalDataResponse | null;
}
