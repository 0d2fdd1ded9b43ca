import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class PostalAddressResponse {
  @ApiProperty()
  street!: string;

  @ApiProperty()
  postalCode!: string;

  @ApiProperty()
  city!: string;

  @ApiProperty({ enum: ['DK', 'SE', 'NO', 'GL', 'FO'] })
  country!: string;
}

export class ContactDetailsResponse {
  @ApiProperty()
  name!: string;

  @ApiPropertyOptional({ description: 'Absent for a member served by post.' })
  email?: string;

  @ApiProperty({ description: 'E.164' })
  phone!: string;

  @ApiProperty({ type: PostalAddressResponse })
  address!: PostalAddressResponse;
}

export class RosterConsentResponse {
  @ApiProperty({ enum: ['group', 'cluster'] })
  scope!: string;

  @ApiProperty({ enum: ['address', 'phone', 'email'], isArray: true })
  sharedFields!: string[];

  @ApiProperty()
  allowTransferToGreenland!: boolean;
}

export class RosterMemberResponse {
  @ApiProperty({ format: 'uuid' })
  memberId!: string;

  @ApiProperty({ enum: ['admitted', 'restricted'], description: 'restricted: left off every contact list.' })
  status!: string;

  @ApiProperty({ enum: ['patient', 'relative'] })
  role!: string;

  @ApiProperty({ enum: ['DK', 'SE', 'NO', 'GL', 'FO'] })
  country!: string;

  @ApiProperty({ enum: ['da', 'sv', 'nb', 'en'] })
  language!: string;

  @ApiProperty({ type: RosterConsentResponse })
  consent!: RosterConsentResponse;

  @ApiProperty()
  emailVerified!: boolean;

  @ApiProperty({ format: 'date-time' })
  admittedAt!: string;

  @ApiProperty({ type: ContactDetailsResponse, nullable: true, description: 'null when the member was erased.' })
  contact!: ContactDetailsResponse | null;
}

export class GroupRosterResponse {
  @ApiProperty({ format: 'uuid' })
  diagnosisId!: string;

  @ApiProperty({ type: [RosterMemberResponse] })
  members!: RosterMemberResponse[];
}
