import { Injectable } from '@nestjs/common';
import type { RecordedEvent } from '../../contracts/events/event-envelope';
import type { MemberErased } from '../../contracts/events/membership.events';
import { ErasureCompletion } from '../../src/membership/erase-member/erasure-completion';
import type { Projection } from '../runner/projection';

/**
 * Completes every erasure in the log (src/membership/erase-member/erasure-completion.ts): the
 * erase command's handler does so at once, and this reactor again, so that an erasure cut short
 * after MemberErased was appended is finished when the service runs again. The completion is
 * idempotent and sends a receipt at most once per member, so a replay or a rebuild repeats only
 * its harmless steps. A failed completion stops the reactor at that event, to be tried again.
 */
@Injectable()
export class ErasureCompletionReactor implements Projection {
  readonly name = 'erasure-completion';
  readonly version = 1;
  readonly eventTypes = ['MemberErased'] satisfies Array<MemberErased['type']>;

  constructor(private readonly completion: ErasureCompletion) {}

  async apply(events: readonly RecordedEvent[]): Promise<void> {
    for (const event of events) {
      if (event.type === 'MemberErased') await this.completion.complete((event.data as MemberErased['data']).memberId);
    }
  }

  /** Nothing derived to empty: erasure_receipts records what was done, and keeps a rebuild from sending receipts again. */
  async reset(): Promise<void> {}
}
