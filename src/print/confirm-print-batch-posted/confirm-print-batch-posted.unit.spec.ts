import { DomainError } from '../../domain/domain-error';
import { decideConfirmPrintBatchPosted, type PostableBatch } from './confirm-print-batch-posted.decide';

const AT = '2026-12-01T09:00:00.000Z';
const letters = [
  { letterId: 'l1', source: 'contact-list', printed: true },
  { letterId: 'l2', source: 'contact-list', printed: false },
  { letterId: 'l3', source: 'newsletter', printed: true },
];
const batch = (overrides: Partial<PostableBatch> = {}): PostableBatch => ({ downloadedAt: AT, postedAt: null, letters, ...overrides });

const failure = (run: () => unknown): Pick<DomainError, 'kind' | 'rule'> | undefined => {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return { kind: error.kind, rule: error.rule };
    throw error;
  }
  return undefined;
};

describe('confirm-print-batch-posted', () => {
  it('counts every letter that was in a downloaded PDF as posted, and the others as not printed, whatever their source', () => {
    expect(decideConfirmPrintBatchPosted(batch())).toEqual([
      { letterId: 'l1', source: 'contact-list', outcome: 'posted' },
      { letterId: 'l2', source: 'contact-list', outcome: 'not-printed' },
      { letterId: 'l3', source: 'newsletter', outcome: 'posted' },
    ]);
  });

  it('refuses a batch that was never downloaded: nothing of it can have been posted', () => {
    expect(failure(() => decideConfirmPrintBatchPosted(batch({ downloadedAt: null })))).toEqual({ kind: 'conflict', rule: 'print-batch-not-downloaded' });
  });

  it('confirms a batch once', () => {
    expect(failure(() => decideConfirmPrintBatchPosted(batch({ postedAt: AT })))).toEqual({ kind: 'conflict', rule: 'print-batch-posted' });
  });

  it('does not know an unknown batch', () => {
    expect(failure(() => decideConfirmPrintBatchPosted(undefined))).toEqual({ kind: 'not-found', rule: 'unknown-print-batch' });
  });
});
