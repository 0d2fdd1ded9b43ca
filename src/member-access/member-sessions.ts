import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { AppConfig } from '../config/app-config';
import { Clock } from '../domain/clock';

/** A member's self-service session, as POST /me/session answers it. */
export interface MemberSession {
  sessionToken: string;
  expiresAt: string;
  memberId: string;
}

/**
 * One-time sign-in links and the member sessions they open. Tokens are 32 random bytes; only
 * their SHA-256 is stored (a token is as strong as a key, so a plain hash is enough). A link
 * works once and for SIGN_IN_LINK_TTL_MINUTES; a session for MEMBER_SESSION_TTL_MINUTES.
 */
@Injectable()
export class MemberSessions {
  constructor(
    private readonly pool: Pool,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /** A new sign-in link token for the member (to be emailed to their verified address). */
  async issueLink(memberId: string): Promise<{ token: string; expiresAt: string }> {
    const token = newToken();
    const expiresAt = this.inMinutes(this.config.SIGN_IN_LINK_TTL_MINUTES);
    await this.pool.query('INSERT INTO member_sign_in_links (token_hash, member_id, expires_at) VALUES ($1, $2, $3)', [tokenHash(token), memberId, expiresAt]);
    return { token, expiresAt };
  }

  /** Uses a link token (once, before it expires) and opens a session; undefined if it does not work. */
  async exchange(linkToken: string): Promise<MemberSession | undefined> {
    const now = this.clock.now().toISOString();
    const used = await this.pool.query<{ member_id: string }>(
      `UPDATE member_sign_in_links SET used_at = $2
       WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2
       RETURNING member_id::text`,
      [tokenHash(linkToken), now],
    );
    const memberId = used.rows[0]?.member_id;
    if (!memberId) return undefined;
    const sessionToken = newToken();
    const expiresAt = this.inMinutes(this.config.MEMBER_SESSION_TTL_MINUTES);
    await this.pool.query('INSERT INTO member_sessions (token_hash, member_id, expires_at) VALUES ($1, $2, $3)', [tokenHash(sessionToken), memberId, expiresAt]);
    return { sessionToken, expiresAt, memberId };
  }

  /** The member a live session token belongs to. */
  async resolve(sessionToken: string): Promise<string | undefined> {
    const result = await this.pool.query<{ member_id: string }>(
      'SELECT member_id::text FROM member_sessions WHERE token_hash = $1 AND expires_at > $2',
      [tokenHash(sessionToken), this.clock.now().toISOString()],
    );
    return result.rows[0]?.member_id;
  }

  /** Ends one session (signing out of the web pages). */
  async end(sessionToken: string): Promise<void> {
    await this.pool.query('DELETE FROM member_sessions WHERE token_hash = $1', [tokenHash(sessionToken)]);
  }

  /** Ends every link and session of a member (after their erasure). */
  async revokeAll(memberId: string): Promise<void> {
    await this.pool.query('DELETE FROM member_sessions WHERE member_id = $1', [memberId]);
    await this.pool.query('DELETE FROM member_sign_in_links WHERE member_id = $1', [memberId]);
  }

  /** Forgets links and sessions that expired (they no longer work anyway). */
  async purgeExpired(): Promise<number> {
    const now = this.clock.now().toISOString();
    const sessions = await this.pool.query('DELETE FROM member_sessions WHERE expires_at <= $1', [now]);
    const links = await this.pool.query('DELETE FROM member_sign_in_links WHERE expires_at <= $1', [now]);
    return (sessions.rowCount ?? 0) + (links.rowCount ?? 0);
  }

  private inMinutes(minutes: number): string {
    return new Date(this.clock.now().getTime() + minutes * 60_000).toISOString();
  }
}

function newToken(): string {
  return randomBytes(32).toString('base64url');
}

function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
