import { Type } from 'class-transformer';
import { IsEmail, IsNotEmpty, IsObject, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { AddressDto } from './join-network.dto';
import { IsMemberId } from './member-id';

/**
 * Rectification (GDPR Art. 16) entered by the secretariat: only the fields given change. An
 * address is replaced as a whole. A new email takes effect only once its owner has verified it.
 */
export class UpdateContactDetailsDto {
  @IsMemberId()
  memberId!: string;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;

  @IsOptional()
  @IsEmail({}, { message: 'must be an email address' })
  @MaxLength(254)
  email?: string;

  /** A phone number of the member's country (of the new address's country, when that changes). */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(30)
  phone?: string;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => AddressDto)
  address?: AddressDto;
}
