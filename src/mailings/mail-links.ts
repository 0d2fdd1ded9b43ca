import { Injectable } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import type { MeetupAnswer } from '../../contracts/events/meetup.events';
import { AppConfig } from '../config/app-config';
import { KeyVault } from '../crypto/key-vault';

type LinkPurpose = 'unsubscribe' | 'meetup-reply';

/** The opt-ins whose mails carry an unsubscribe link (the Facebook invitation is made by hand, not mailed). */
export const MAILED_OPT_INS = ['newsletter', 'meetups'] as const;
export type MailedOptIn = (typeof MAILED_OPT_INS)[number];

const TOKEN = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([A-Za-z0-9-]{1,64})\.([A-Za-z0-9_-]{43})$/;
const MEETUP_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The links in newsletters and invitations: PUBLIC_URL/unsubscribe?token=… (withdraws an opt-in)
 * and PUBLIC_URL/meetup-reply?token=…&answer=yes|no. A token is `<memberId>.<scope>.<mac>`, the
 * scope being the opt-in or the meet-up id and the mac a keyed digest (KeyVault.keyedDigest) of
 * purpose, member and scope: nothing is stored, and without the master key no token can be made
 * for another member or scope. They do not expire: an unsubscribe link must work as long as
 * the mail is kept.
 */
@Injectable()
export class MailLinks {
  private readonly base: string;

  constructor(
    private readonly vault: KeyVault,
    config: AppConfig,
  ) {
    this.base = config.PUBLIC_URL.replace(/\/+$/, '');
  }

  unsubscribe(memberId: string, optIn: MailedOptIn): string {
    return `${this.base}/unsubscribe?token=${this.token('unsubscribe', memberId, optIn)}`;
  }

  meetupReply(memberId: string, meetupId: string, answer: MeetupAnswer): string {
    return `${this.base}/meetup-reply?token=${this.token('meetup-reply', memberId, meetupId)}&answer=${answer}`;
  }

  /** The member and opt-in of a genuine unsubscribe token; undefined for anything else. */
  verifyUnsubscribe(token: string): { memberId: string; optIn: MailedOptIn } | undefined {
    const verified = this.verify('unsubscribe', token);
    return verified && (MAILED_OPT_INS as readonly string[]).includes(verified.scope) ? { memberId: verified.memberId, optIn: verified.scope as MailedOptIn } : undefined;
  }

  /** The member and meet-up of a genuine reply token; undefined for anything else. */
  verifyMeetupReply(token: string): { memberId: string; meetupId: string } | undefined {
    const verified = this.verify('meetup-reply', token);
    return verified && MEETUP_ID.test(verified.scope) ? { memberId: verified.memberId, meetupId: verified.scope } : undefined;
  }

  private token(purpose: LinkPurpose, memberId: string, scope: string): string {
    return `${memberId}.${scope}.${this.mac(purpose, memberId, scope)}`;
  }

  private verify(purpose: LinkPurpose, token: string): { memberId: string; scope: string } | undefined {
    const match = TOKEN.exec(token);
    if (!match) return undefined;
    const [, memberId, scope, presented] = match;
    const expected = Buffer.from(this.mac(purpose, memberId, scope));
    const given = Buffer.from(presented);
    return given.length === expected.length && timingSafeEqual(given, expected) ? { memberId, scope } : undefined;
  }

  private mac(purpose: LinkPurpose, memberId: string, scope: string): string {
    return this.vault.keyedDigest(`mail-link/${purpose}`, `${memberId}:${scope}`);
  }
}
