import { Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import type { MailingKind } from './mailing';

/** How far a mailing has come: its deliveries counted by outcome (no member is named). */
export interface MailingSendCounts {
  /** Asked for, but whom it goes to not yet known (its job not yet queued or expanded): more deliveries are coming. */
  waiting: boolean;
  pending: number;
  sent: number;
  rejected: number;
  /** Members without email: their letter is in the print queue, or in a batch not yet confirmed posted. */
  queuedForPost: number;
  /** Letters in a print batch confirmed posted. */
  posted: number;
  /** Letters left out of their print batch (the member was no longer eligible when it was printed). */
  notPrinted: number;
  /** No email and no postal address: not served. */
  noEmail: number;
  notEligible: number;
}

@Injectable()
export class MailingSends {
  constructor(private readonly pool: Pool) {}

  /** `requested`: how many times the mailing was asked for in the log (a meet-up may invite several times). */
  async counts(kind: MailingKind, mailingKey: string, requested: number): Promise<MailingSendCounts> {
    const { rows } = await this.pool.query<{ waiting: boolean; pending: number; sent: number; rejected: number; queued_for_post: number; posted: number; not_printed: number; no_email: number; not_eligible: number }>(
      `SELECT (SELECT count(*) FROM mailing_jobs WHERE kind = $1 AND mailing_key = $2 AND status = 'expanded') < $3 AS waiting,
              count(*) FILTER (WHERE status = 'pending')::int AS pending,
              count(*) FILTER (WHERE status = 'sent')::int AS sent,
              count(*) FILTER (WHERE status = 'rejected')::int AS rejected,
              count(*) FILTER (WHERE status = 'queued-for-post')::int AS queued_for_post,
              count(*) FILTER (WHERE status = 'posted')::int AS posted,
              count(*) FILTER (WHERE status = 'not-printed')::int AS not_printed,
              count(*) FILTER (WHERE status = 'no-email')::int AS no_email,
              count(*) FILTER (WHERE status = 'not-eligible')::int AS not_eligible
       FROM mailing_deliveries WHERE kind = $1 AND mailing_key = $2`,
      [kind, mailingKey, requested],
    );
    const row = rows[0];
    return { waiting: row.waiting, pending: row.pending, sent: row.sent, rejected: row.rejected,
      queuedForPost: row.queued_for_post,
      posted: row.posted,
      notPrinted: row.not_printed,
      noEmail: row.no_email, notEligible: row.not_eligible };
  }
}
