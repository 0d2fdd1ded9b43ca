import { IsMemberId } from './member-id';

/** The secretariat erases a member (GDPR Art. 17): their key is shredded, and earlier recipients are told to delete their entry. */
export class EraseMemberDto {
  @IsMemberId()
  memberId!: string;
}
