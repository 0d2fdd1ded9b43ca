import { IsString, MaxLength } from 'class-validator';
import { IsNotBlank } from '../commands/not-blank';

/** GET /orphanet: an ORPHAcode (ORPHA:558 or 558), or a part of a disorder's name or synonym. */
export class OrphanetQueryDto {
  @IsString()
  @IsNotBlank()
  @MaxLength(200)
  query!: string;
}
