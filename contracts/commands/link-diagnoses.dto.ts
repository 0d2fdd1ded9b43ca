import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { ID_FORMAT } from './register-diagnosis.dto';
import { IsNotBlank } from './not-blank';

/**
 * POST /commands/link-diagnoses (secretariat): gathers open diagnosis groups into a cluster of
 * shared characteristics. Without clusterId a new cluster is made (at least two diagnoses);
 * with it, the diagnoses are added to that cluster.
 */
export class LinkDiagnosesDto {
  @IsOptional()
  @IsString()
  @Matches(ID_FORMAT, { message: 'must be a cluster id (uuid)' })
  clusterId?: string;

  @IsString()
  @IsNotBlank()
  @MaxLength(200)
  name!: string;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @ArrayUnique()
  @Matches(ID_FORMAT, { each: true, message: 'each must be a diagnosis id (uuid)' })
  diagnosisIds!: string[];
}
