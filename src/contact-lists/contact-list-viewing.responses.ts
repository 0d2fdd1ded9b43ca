import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PostalAddressResponse } from '../../projections/group-roster/group-roster.responses';

export class ViewedEntryResponse {
  @ApiProperty({ description: 'The entry’s number in this view (a later deletion notice refers to it).' })
  number!: number;

  @ApiProperty()
  name!: string;

  @ApiPropertyOptional({ type: PostalAddressResponse, description: 'Only if the member shares their address.' })
  address?: PostalAddressResponse;

  @ApiPropertyOptional({ description: 'Only if the member shares their phone number.' })
  phone?: string;

  @ApiPropertyOptional({ description: 'Only if the member shares their email address.' })
  email?: string;
}

export class ViewedGroupListResponse {
  @ApiProperty({ format: 'uuid' })
  diagnosisId!: string;

  @ApiProperty()
  diagnosisName!: string;

  @ApiProperty({ description: 'The reference of this view, recorded in the disclosure log.' })
  listReference!: string;

  @ApiProperty({ description: 'The event-log position the list was built at.' })
  builtAtPosition!: string;

  @ApiProperty({ type: [ViewedEntryResponse], description: 'Everyone on the group’s list but the viewer.' })
  entries!: ViewedEntryResponse[];
}

export class MyContactListsResponse {
  @ApiProperty({ type: [ViewedGroupListResponse], description: 'Empty for a member who may not see a list (withdrawn, restricted, not admitted).' })
  groups!: ViewedGroupListResponse[];
}
