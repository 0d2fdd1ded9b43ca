import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { StaffRole } from '../config/app-config';
import { Clock } from '../domain/clock';
import type { Caller } from '../http/access.guard';

/**
 * What a staff look-up showed: one member's record, a group's roster, a print batch of letters
 * (src/print), or the members waiting for a Facebook invitation (src/facebook-invitations).
 */
export type LookUpKind = 'member' | 'roster' | 'print-batch' | 'facebook-invitations';

export interface LookUp {
  caller: Caller;
  kind: LookUpKind;
  /**
   * The member id (kind 'member'), the diagnosis id of the group (kind 'roster'), the batch id
   * (kind 'print-batch') or the list's fixed id (kind 'facebook-invitations').
   */
  subject: string;
  /** Every member whose personal data the look-up showed. */
  memberIds: readonly string[];
  purpose?: string;
}

export interface AccessLogEntry {
  id: string;
  at: string;
  role: StaffRole;
  /** Which API key (its index in API_KEYS), never the key. */
  keyIndex: number | null;
  kind: LookUpKind;
  subject: string;
  purpose: string | null;
}

/** A staff look-up as the member it showed may see it (GET /me/disclosures): when, what and why, not who. */
export type LookUpOfMember = Pick<AccessLogEntry, 'at' | 'kind' | 'purpose'>;

interface EntryRow {
  id: string;
  at: Date;
  role: StaffRole;
  key_index: number | null;
  kind: LookUpKind;
  subject: string;
  purpose: string | null;
}

/**
 * The staff access log (GDPR Art. 15: the data subject may learn of the staff look-ups of their
 * record, with dates and purposes). Written synchronously by every look-up of personal data before
 * its answer goes out, so an answer is never sent unlogged. Append-only: this class only inserts
 * and reads, and the table refuses updates and deletes (infra/migrations/1764470000000-members.ts).
 */
@Injectable()
export class StaffAccessLog {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  async record(lookUp: LookUp): Promise<void> {
    const { caller } = lookUp;
    if (caller.role !== 'secretariat' && caller.role !== 'dpo') throw new Error('Only staff look-ups are logged');
    await this.dataSource.query(
      `INSERT INTO staff_access_log (at, role, key_index, kind, subject, purpose, member_ids)
       VALUES ($1, $2, $3, $4, $5, $6, $7::uuid[])`,
      [this.clock.now().toISOString(), caller.role, caller.keyIndex ?? null, lookUp.kind, lookUp.subject, lookUp.purpose ?? null, [...lookUp.memberIds]],
    );
  }

  /** Every look-up that showed the member's data, oldest first: their record, and rosters they were on then. */
  async entriesAbout(memberId: string): Promise<AccessLogEntry[]> {
    const rows: EntryRow[] = await this.dataSource.query(
      `SELECT id::text, at, role, key_index, kind, subject::text, purpose FROM staff_access_log
       WHERE member_ids @> ARRAY[$1::uuid] ORDER BY id`,
      [memberId],
    );
    return rows.map((row) => ({
      id: row.id,
      at: row.at.toISOString(),
      role: row.role,
      keyIndex: row.key_index,
      kind: row.kind,
      subject: row.subject,
      purpose: row.purpose,
    }));
  }

  /**
   * The look-ups that showed the member's data, as the member sees them (Art. 15): the date, what
   * was shown and the purpose given, but not the role or key, which would point at one person.
   */
  async lookUpsForSubject(memberId: string): Promise<LookUpOfMember[]> {
    return (await this.entriesAbout(memberId)).map(({ at, kind, purpose }) => ({ at, kind, purpose }));
  }
}
