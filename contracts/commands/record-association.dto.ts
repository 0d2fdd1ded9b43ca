import { Type } from 'class-transformer';
import { IsObject, IsString, Matches, ValidateNested } from 'class-validator';
import { PatientAssociationDto } from './assess-diagnosis.dto';
import { ID_FORMAT } from './register-diagnosis.dto';

/** POST /commands/record-association (secretariat): the group of this diagnosis became this patient association. */
export class RecordAssociationDto {
  @IsString()
  @Matches(ID_FORMAT, { message: 'must be a diagnosis id (uuid)' })
  diagnosisId!: string;

  @IsObject()
  @ValidateNested()
  @Type(() => PatientAssociationDto)
  association!: PatientAssociationDto;
}
