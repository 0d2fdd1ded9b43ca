import { conflict, notFound } from '../../domain/domain-error';
import type { LetterOutcome } from '../letter-source';

/** What the decision needs of a batch (PrintQueue.batch). */
export interface PostableBatch {
  downloadedAt: string | null;
  postedAt: string | null;
  letters: ReadonlyArray<{ letterId: string; source: string; printed: boolean }>;
}

/**
 * The secretariat says a batch was posted: each letter that was in a downloaded PDF of it counts
 * as posted, the others as not sent (they could not, or might no longer, be printed). A batch
 * is confirmed once, and only after it was downloaded.
 */
export function decideConfirmPrintBatchPosted(batch: PostableBatch | undefined): LetterOutcome[] {
  if (!batch) throw notFound('unknown-print-batch', 'No print batch has this id.');
  if (batch.postedAt) throw conflict('print-batch-posted', 'The print batch was confirmed posted already.');
  if (!batch.downloadedAt) throw conflict('print-batch-not-downloaded', 'The print batch was never downloaded: none of its letters can have been posted.');
  return batch.letters.map(({ letterId, source, printed }) => ({ letterId, source, outcome: printed ? 'posted' : 'not-printed' }));
}
