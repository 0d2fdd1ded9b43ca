import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { FACEBOOK_INVITATIONS_STREAM } from '../../contracts/events/facebook-invitation.events';
import type { Language, PersonalData } from '../../contracts/events/membership.events';
import { StaffAccessLog } from '../access-log/staff-access-log';
import { KeyVault } from '../crypto/key-vault';
import { loadState } from '../event-store/command-handling';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port';
import type { Caller } from '../http/access.guard';
import { facebookInvitationsEvolver } from './facebook-invitations';

/** The staff access log's subject for look-ups of the list (there is one list; the log wants an id). */
export const FACEBOOK_INVITATION_LIST_ID = '00000000-0000-4000-8000-0000000000fb';

/** A member to invite to the Facebook group: only what the secretariat needs to find and invite them. */
export interface PendingInvitation {
  memberId: string;
  name: string;
  /** null for a member without an email address (a paper or phone sign-up). */
  email: string | null;
  language: Language;
  /** When they asked: the opt-in is given at sign-up. */
  askedAt: string;
}

/**
 * The members who asked for an invitation to the Facebook group and have not been invited:
 * admitted, not restricted (Art. 18), with the opt-in still standing. Names and addresses are
 * opened from sealed data, so each look-up is written to the staff access log before it is answered.
 */
@Injectable()
export class PendingFacebookInvitations {
  constructor(
    private readonly pool: Pool,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly vault: KeyVault,
    private readonly accessLog: StaffAccessLog,
  ) {}

  async lookUp(by: { caller: Caller; purpose?: string }): Promise<PendingInvitation[]> {
    const { state } = await loadState(this.store, FACEBOOK_INVITATIONS_STREAM, facebookInvitationsEvolver);
    const { rows } = await this.pool.query<{ member_id: string; personal: string; language: Language; joined_at: Date }>(
      `SELECT member_id::text, personal, language, joined_at FROM member_directory
       WHERE status = 'admitted' AND NOT restricted AND opt_in_facebook_invite AND member_id <> ALL ($1::uuid[])
       ORDER BY joined_at, member_id`,
      [[...state.invited]],
    );
    const opened = await this.vault.openMany<PersonalData | null>(
      rows.map((row) => ({ subjectId: row.member_id, sealed: row.personal })),
      null,
    );
    const pending = rows.flatMap((row, index) => {
      const personal = opened[index];
      return personal ? [{ memberId: row.member_id, name: personal.name, email: personal.email ?? null, language: row.language, askedAt: row.joined_at.toISOString() }] : [];
    });
    await this.accessLog.record({ caller: by.caller, kind: 'facebook-invitations', subject: FACEBOOK_INVITATION_LIST_ID, memberIds: pending.map((member) => member.memberId), purpose: by.purpose });
    return pending;
  }
}
