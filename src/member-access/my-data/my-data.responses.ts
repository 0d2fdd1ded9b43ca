import { ApiProperty } from '@nestjs/swagger';
import { OptInsResponse, PersonalDataResponse } from '../../../projections/member-directory/member-directory.responses';
import { EXPORT_FORMAT, EXPORT_VERSION } from './my-data.queries';

const MEMBERSHIP_STATUSES = ['awaiting-verification', 'awaiting-assessment', 'admitted', 'referred', 'declined', 'withdrawn'];

export class OwnConsentResponse {
  @ApiProperty({ description: 'The version of the consent text agreed to (GET /consent-texts/current shows the current one).' })
  textVersion!: string;

  @ApiProperty({ enum: ['da', 'sv', 'nb', 'en'], description: 'The language the consent text was shown in.' })
  language!: string;

  @ApiProperty({ format: 'date-time' })
  givenAt!: string;

  @ApiProperty({ enum: ['self', 'relative'] })
  givenBy!: string;

  @ApiProperty({ description: 'A paper, phone or email sign-up: the consent was attested by staff.' })
  attestedByStaff!: boolean;

  @ApiProperty({ enum: ['web', 'paper', 'phone', 'email'] })
  channel!: string;

  @ApiProperty({ enum: ['group', 'cluster'], description: 'Who may see the member: their own group, or also linked groups.' })
  scope!: string;

  @ApiProperty({ enum: ['address', 'phone', 'email'], isArray: true, description: 'The contact details other members may see (the name always).' })
  sharedFields!: string[];

  @ApiProperty({ description: 'Members in Greenland may see the member (a transfer outside the EU).' })
  allowTransferToGreenland!: boolean;
}

export class OwnGroupResponse {
  @ApiProperty({ format: 'uuid' })
  diagnosisId!: string;

  @ApiProperty({ type: String, nullable: true, description: 'The diagnosis name (null if the catalogue does not show it yet).' })
  name!: string | null;

  @ApiProperty({ enum: MEMBERSHIP_STATUSES })
  status!: string;
}

export class ListDeliveryResponse {
  @ApiProperty({ enum: ['email', 'portal'], description: 'How contact lists reach the member now: by email, or shown in self-service.' })
  delivery!: string;

  @ApiProperty({ type: String, enum: ['email', 'portal'], nullable: true, description: 'The member’s own choice, if they made one.' })
  choice!: string | null;

  @ApiProperty({ description: 'The service lets members choose (LIST_DELIVERY=member-choice).' })
  memberMayChoose!: boolean;
}

export class OwnDataResponse {
  @ApiProperty({ format: 'uuid' })
  memberId!: string;

  @ApiProperty({ enum: [...MEMBERSHIP_STATUSES, 'consent-lapsed', 'erased'] })
  status!: string;

  @ApiProperty({ description: 'Restricted (GDPR Art. 18): left off every contact list.' })
  restricted!: boolean;

  @ApiProperty({ enum: ['patient', 'relative'] })
  role!: string;

  @ApiProperty({ type: String, enum: ['parent', 'guardian', 'partner', 'other'], nullable: true })
  relation!: string | null;

  @ApiProperty({ enum: ['DK', 'SE', 'NO', 'GL', 'FO'] })
  country!: string;

  @ApiProperty({ enum: ['da', 'sv', 'nb', 'en'] })
  language!: string;

  @ApiProperty({ type: PersonalDataResponse, nullable: true, description: 'Name, email, phone, address and birth years; null once erased.' })
  personal!: PersonalDataResponse | null;

  @ApiProperty()
  emailVerified!: boolean;

  @ApiProperty({ description: 'A new email address waits for its owner to follow the link sent to it.' })
  emailChangePending!: boolean;

  @ApiProperty({ format: 'date-time' })
  joinedAt!: string;

  @ApiProperty({ type: [OwnGroupResponse] })
  groups!: OwnGroupResponse[];

  @ApiProperty({ type: OwnConsentResponse })
  consent!: OwnConsentResponse;

  @ApiProperty({ type: OptInsResponse })
  optIns!: OptInsResponse;

  @ApiProperty({ type: ListDeliveryResponse })
  listDelivery!: ListDeliveryResponse;
}

export class RecipientResponse {
  @ApiProperty({ format: 'uuid', description: 'The member who received the message.' })
  memberId!: string;

  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'Their name while their own entry may be shown to you, as on your contact list; otherwise null (they withdrew, are restricted, erased, ' +
      'share with their own group only or not with Greenland, or you are no longer on the lists).',
  })
  name!: string | null;
}

export class OwnDeliveryResponse {
  @ApiProperty({ enum: ['pending', 'delivered', 'retrying', 'failed'] })
  status!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  deliveredAt!: string | null;
}

export class OwnDisclosureResponse {
  @ApiProperty({ description: 'The kind of message, named as in the disclosure log (GET /disclosures), e.g. contact-list, correction, deletion-notice.' })
  kind!: string;

  @ApiProperty({ description: 'false for messages that carry no data about the member, such as a deletion notice asking the recipient to delete their entry.' })
  disclosesData!: boolean;

  @ApiProperty({ type: RecipientResponse })
  recipient!: RecipientResponse;

  @ApiProperty({ enum: ['address', 'phone', 'email'], isArray: true, description: 'The contact details shown besides the name (empty for a deletion notice).' })
  fields!: string[];

  @ApiProperty({ format: 'date-time' })
  dispatchedAt!: string;

  @ApiProperty({ description: 'How it reached the recipient, as in the disclosure log: email, post or portal.' })
  channel!: string;

  @ApiProperty({ description: 'The reference printed in the message.' })
  listReference!: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The group of the list.' })
  diagnosisId!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'Why a notice was sent, as in the disclosure log (e.g. withdrawn).' })
  noticeReason!: string | null;

  @ApiProperty({ type: OwnDeliveryResponse })
  delivery!: OwnDeliveryResponse;
}

export class StaffLookUpResponse {
  @ApiProperty({ format: 'date-time' })
  at!: string;

  @ApiProperty({
    enum: ['member', 'roster', 'print-batch'],
    description: 'member: the member’s record was shown; roster: a group roster they were on; print-batch: letters to post that showed their data were printed.',
  })
  kind!: string;

  @ApiProperty({ type: String, nullable: true, description: 'The purpose staff gave for the look-up.' })
  purpose!: string | null;
}

export class OwnDisclosuresResponse {
  @ApiProperty({ format: 'uuid' })
  memberId!: string;

  @ApiProperty({ type: [OwnDisclosureResponse], description: 'Every message that held (or named) the member’s data, oldest first.' })
  disclosures!: OwnDisclosureResponse[];

  @ApiProperty({ type: [StaffLookUpResponse], description: 'Staff look-ups that showed the member’s data, oldest first (who looked is not shown).' })
  staffLookUps!: StaffLookUpResponse[];
}

export class ExportedDiagnosisResponse {
  @ApiProperty({ format: 'uuid' })
  diagnosisId!: string;

  @ApiProperty({ type: String, nullable: true })
  name!: string | null;
}

export class MemberDataExportResponse {
  @ApiProperty({ enum: [EXPORT_FORMAT], description: 'Names this document’s format.' })
  format!: string;

  @ApiProperty({ enum: [EXPORT_VERSION], description: 'The format’s version: fields are only added within a version.' })
  version!: number;

  @ApiProperty({ format: 'date-time' })
  exportedAt!: string;

  @ApiProperty({ format: 'uuid' })
  memberId!: string;

  @ApiProperty({ type: PersonalDataResponse, nullable: true, description: 'As given now (after any rectification); null once erased.' })
  personal!: PersonalDataResponse | null;

  @ApiProperty({ enum: ['patient', 'relative'] })
  role!: string;

  @ApiProperty({ type: String, enum: ['parent', 'guardian', 'partner', 'other'], nullable: true })
  relation!: string | null;

  @ApiProperty({ enum: ['da', 'sv', 'nb', 'en'] })
  language!: string;

  @ApiProperty({ type: [ExportedDiagnosisResponse] })
  diagnoses!: ExportedDiagnosisResponse[];

  @ApiProperty({ type: OwnConsentResponse })
  consent!: OwnConsentResponse;

  @ApiProperty({ type: OptInsResponse })
  optIns!: OptInsResponse;

  @ApiProperty({ type: String, enum: ['email', 'portal'], nullable: true, description: 'The member’s choice of list delivery, if they made one.' })
  listDelivery!: string | null;
}
