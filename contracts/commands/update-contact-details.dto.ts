import { Type } from 'class-transformer';
import { IsEmail, IsObject, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { AddressDto } from './join-network.dto';
import { IsMemberId } from './member-id';
import { IsNotBlank } from './not-blank';

/**
 * Rectification (GDPR Art. 16): only the fields given change. An address is replaced as a whole.
 * A new email takes effect only once its owner has verified it. The body of the member's own
 * PATCH /me/contact-details; the secretariat's command adds whose details they are.
 */
export class ContactDetailsChangesDto {
  @IsOptional()
  @IsString()
  @IsNotBlank()
  @MaxLength(200)
  name?: string;

  @IsOptional()
  @IsEmail({}, { message: 'must be an email address' })
  @MaxLength(254)
  email?: string;

  /** A phone number of the member's country (of the new address's country, when that changes). */
  @IsOptional()
  @IsString()
  @IsNotBlank()
  @MaxLength(30)
  phone?: string;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => AddressDto)
  address?: AddressDto;
}

/** Rectification entered by the secretariat (POST /commands/update-contact-details). */
export class UpdateContactDetailsDto extends ContactDetailsChangesDto {
  @IsMemberId()
  memberId!: string;
}
