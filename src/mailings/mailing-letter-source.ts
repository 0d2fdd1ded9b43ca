import { Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import type { Language, PersonalData } from '../../contracts/events/membership.events';
import { KeyVault } from '../crypto/key-vault';
import type { Letter, LetterOutcome, LetterSource } from '../print/letter-source';
import { AUDIENCE, MAILING_LETTER_SOURCE, type MailingKind } from './mailing';
import { MailingLetters } from './mailing-letters';

interface QueuedDelivery {
  letter_id: string;
  kind: MailingKind;
  mailing_key: string;
  member_id: string;
  eligible: boolean;
  language: Language | null;
  personal: string | null;
}

/**
 * Mailings by post (print-queue source 'mailing'): the newsletters, meet-up invitations and
 * association notices to members without email, queued by the MailingSender when it settled
 * their delivery as 'queued-for-post' (mailing_deliveries.letter_id).
 *
 * A letter is rendered when its batch is downloaded, from the member's sealed personal data and
 * with the mail's own templates (its text part: links stand in it as text), and only if the
 * member is still in the mailing's audience (AUDIENCE): one who left, withdrew the opt-in, was
 * restricted or erased since is left out. Confirming the batch posted records 'posted' or
 * 'not-printed' on the delivery; the letter shows nobody's data but its recipient's.
 */
@Injectable()
export class MailingLetterSource implements LetterSource {
  readonly source = MAILING_LETTER_SOURCE;

  constructor(
    private readonly pool: Pool,
    private readonly vault: KeyVault,
    private readonly letters: MailingLetters,
  ) {}

  async render(letterIds: readonly string[]): Promise<Letter[]> {
    const { rows } = await this.pool.query<QueuedDelivery>(
      `SELECT x.letter_id::text, x.kind, x.mailing_key, x.member_id::text, d.language, d.personal,
              coalesce(${AUDIENCE}, false) AS eligible
       FROM mailing_deliveries x
       JOIN mailing_jobs j ON j.event_id = x.job_event_id
       LEFT JOIN member_directory d ON d.member_id = x.member_id
       WHERE x.letter_id = ANY($1::uuid[]) AND x.status = 'queued-for-post'`,
      [letterIds],
    );
    const eligible = rows.filter((row) => row.eligible && row.personal !== null);
    // Null once the member's key is shredded, even if the directory has not seen the erasure yet.
    const personal = await this.vault.openMany<PersonalData | null>(
      eligible.map((row) => ({ subjectId: row.member_id, sealed: row.personal as string })),
      null,
    );
    const rendered = new Map<string, Letter>();
    for (const [i, row] of eligible.entries()) {
      const data = personal[i];
      if (!data?.address) continue;
      const language = row.language as Language;
      const { subject, text } = await this.letters.printed(row.kind, row.mailing_key, { memberId: row.member_id, language, name: data.name });
      rendered.set(row.letter_id, { letterId: row.letter_id, language, recipient: { name: data.name, address: data.address }, subject, text, shows: [row.member_id] });
    }
    return letterIds.flatMap((letterId) => rendered.get(letterId) ?? []);
  }

  /** Idempotent: a delivery already settled (by an earlier confirmation) stays as it is. */
  async settle(outcomes: readonly LetterOutcome[], batchId: string): Promise<void> {
    const posted = outcomes.filter((outcome) => outcome.outcome === 'posted').map((outcome) => outcome.letterId);
    await this.pool.query(
      `UPDATE mailing_deliveries
       SET status = CASE WHEN letter_id = ANY($2::uuid[]) THEN 'posted' ELSE 'not-printed' END,
           provider_message_id = CASE WHEN letter_id = ANY($2::uuid[]) THEN $3 END,
           settled_at = now()
       WHERE letter_id = ANY($1::uuid[]) AND status = 'queued-for-post'`,
      [outcomes.map((outcome) => outcome.letterId), posted, `post:${batchId}`],
    );
  }
}
