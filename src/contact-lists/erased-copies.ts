import type { Pool } from 'pg';

/**
 * Drops the contact-list sender's sealed copies of an erased member's personal data: their entry
 * in versions still being sent, and their data in messages to or about them not yet settled. The
 * copies are ciphertext under a shredded key, but none is kept all the same. An open message to
 * the member then fails for want of an address; a correction about them shows no details.
 * Idempotent (the erasure completion runs it again after a crash or a replay).
 */
export async function dropSealedCopiesOf(db: Pick<Pool, 'query'>, memberId: string): Promise<void> {
  await db.query(
    `UPDATE contact_list_sender_versions
     SET sealed = (SELECT jsonb_agg(CASE WHEN item->>'subjectId' = $1 THEN jsonb_set(item, '{personal}', 'null') ELSE item END ORDER BY ordinal)
                   FROM jsonb_array_elements(sealed) WITH ORDINALITY AS items(item, ordinal))
     WHERE sealed @> jsonb_build_array(jsonb_build_object('subjectId', $1::text))`,
    [memberId],
  );
  await db.query('UPDATE contact_list_outbox SET recipient_personal = NULL WHERE recipient_id = $1 AND recipient_personal IS NOT NULL', [memberId]);
  await db.query('UPDATE contact_list_outbox SET subject_personal = NULL WHERE subject_id = $1 AND subject_personal IS NOT NULL', [memberId]);
}
