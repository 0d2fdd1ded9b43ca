import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

/** GET /orphanet: an ORPHAcode (ORPHA:558 or 558), or a part of a disorder's name or synonym. */
export class OrphanetQueryDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  query!: string;
}
