import { Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { KeyVault } from '../crypto/key-vault';

/**
 * Which member holds an email address in a diagnosis group (see the member_email_claims
 * migration). A claim is taken before the event that gives the address (a sign-up, a verified
 * change) is appended and released if that append fails; a claim whose member is gone or inactive
 * may be taken over.
 */
@Injectable()
export class EmailClaims {
  constructor(
    private readonly pool: Pool,
    private readonly vault: KeyVault,
  ) {}

  digest(email: string): string {
    return this.vault.keyedDigest('email-index', email.trim().toLowerCase());
  }

  /** Claims the address for `memberId`; returns the member already holding it, if one does. */
  async claim(emailDigest: string, diagnosisId: string, memberId: string): Promise<string | undefined> {
    const result = await this.pool.query<{ member_id: string }>(
      `WITH taken AS (
         INSERT INTO member_email_claims (email_digest, diagnosis_id, member_id) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING RETURNING member_id)
       SELECT member_id FROM member_email_claims WHERE email_digest = $1 AND diagnosis_id = $2 AND NOT EXISTS (SELECT 1 FROM taken)`,
      [emailDigest, diagnosisId, memberId],
    );
    return result.rows[0]?.member_id;
  }

  /** Moves a claim from a member that no longer holds it (withdrawn, or never written) to a new one. */
  async takeOver(emailDigest: string, diagnosisId: string, fromMemberId: string, toMemberId: string): Promise<boolean> {
    const result = await this.pool.query(
      'UPDATE member_email_claims SET member_id = $4 WHERE email_digest = $1 AND diagnosis_id = $2 AND member_id = $3',
      [emailDigest, diagnosisId, fromMemberId, toMemberId],
    );
    return result.rowCount === 1;
  }

  /** The member holding the address in the group, if one does. */
  async holderOf(emailDigest: string, diagnosisId: string): Promise<string | undefined> {
    const result = await this.pool.query<{ member_id: string }>('SELECT member_id FROM member_email_claims WHERE email_digest = $1 AND diagnosis_id = $2', [
      emailDigest,
      diagnosisId,
    ]);
    return result.rows[0]?.member_id;
  }

  /**
   * After a verified change of address, the member holds only the new one. A change claims the
   * new address before its event is appended and calls this after, so a crash in between leaves
   * the member holding both addresses, never neither.
   */
  async keepOnly(memberId: string, emailDigest: string): Promise<void> {
    await this.pool.query('DELETE FROM member_email_claims WHERE member_id = $1 AND email_digest <> $2', [memberId, emailDigest]);
  }

  async release(emailDigest: string, diagnosisId: string, memberId: string): Promise<void> {
    await this.pool.query('DELETE FROM member_email_claims WHERE email_digest = $1 AND diagnosis_id = $2 AND member_id = $3', [emailDigest, diagnosisId, memberId]);
  }

  /** After an erasure: the member holds no address any more (the address may sign up again). */
  async releaseAll(memberId: string): Promise<void> {
    await this.pool.query('DELETE FROM member_email_claims WHERE member_id = $1', [memberId]);
  }
}
