import { Matches } from 'class-validator';
import { IsMemberId } from '../commands/member-id';

/** Route parameter `:memberId`. */
export class MemberIdParamsDto {
  @IsMemberId()
  memberId!: string;
}

/** Route parameter `:diagnosisId`. */
export class DiagnosisIdParamsDto {
  @Matches(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, { message: 'must be a diagnosis id (uuid)' })
  diagnosisId!: string;
}
