import { Command } from '@nestjs/cqrs';
import type { MemberErased } from '../../../contracts/events/membership.events';
import type { CommandContext } from '../../event-store/command-handling';

/** What became of the receipt the member is sent before their key is shredded. */
export type ErasureReceiptOutcome = 'sent' | 'no-email' | 'not-sent' | 'failed';

export interface EraseMemberResult {
  memberId: string;
  status: 'erased';
  /** Earlier recipients of the member's data, who are sent a notice to delete it (null while pending). */
  recipientsNotified: number | null;
  /** 'pending': the erasure is recorded, and its completion (receipt, shredding) is finished in the background. */
  receipt: ErasureReceiptOutcome | 'pending';
}

/**
 * Erasure (GDPR Art. 17), asked for by the member, entered by the secretariat, or due under the
 * retention policy: the member's key is shredded and MemberErased (no personal data) appended.
 */
export class EraseMemberCommand extends Command<EraseMemberResult> {
  constructor(
    readonly memberId: string,
    readonly erasedBy: MemberErased['data']['erasedBy'],
    readonly context: CommandContext,
  ) {
    super();
  }
}
