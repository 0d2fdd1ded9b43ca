import type { Pool } from 'pg';
import { loadConfig } from '../config/app-config';
import { KeyVault } from '../crypto/key-vault';
import { MailLinks } from './mail-links';

const MEMBER = '7d4c1c1e-2222-4aaa-8bbb-000000000002';
const OTHER = '7d4c1c1e-2222-4aaa-8bbb-000000000003';
const MEETUP = 'ae700000-0000-4000-8000-000000000001';

/** Keyed digests need only the master key, not the key table. */
const linksUnder = (masterKey: Buffer) => new MailLinks(new KeyVault({} as Pool, masterKey), loadConfig({ PUBLIC_URL: 'https://netvaerket.example.org/' }));
const links = linksUnder(Buffer.alloc(32, 1));
const tokenOf = (link: string) => new URL(link).searchParams.get('token') as string;

describe('the links in newsletters and invitations', () => {
  it('make an unsubscribe link under PUBLIC_URL that names its member and opt-in', () => {
    const link = links.unsubscribe(MEMBER, 'newsletter');
    expect(link).toMatch(/^https:\/\/netvaerket\.example\.org\/unsubscribe\?token=7d4c1c1e-2222-4aaa-8bbb-000000000002\.newsletter\.[A-Za-z0-9_-]{43}$/);
    expect(links.verifyUnsubscribe(tokenOf(link))).toEqual({ memberId: MEMBER, optIn: 'newsletter' });
  });

  it('make yes and no links of one token per member and meet-up', () => {
    const yes = new URL(links.meetupReply(MEMBER, MEETUP, 'yes'));
    const no = new URL(links.meetupReply(MEMBER, MEETUP, 'no'));
    expect([yes.pathname, yes.searchParams.get('answer'), no.searchParams.get('answer')]).toEqual(['/meetup-reply', 'yes', 'no']);
    expect(yes.searchParams.get('token')).toBe(no.searchParams.get('token'));
    expect(links.verifyMeetupReply(yes.searchParams.get('token') as string)).toEqual({ memberId: MEMBER, meetupId: MEETUP });
  });

  it('cannot be forged: another member, opt-in, meet-up, purpose or master key makes the token invalid', () => {
    const token = tokenOf(links.unsubscribe(MEMBER, 'newsletter'));
    const mac = token.split('.')[2];
    expect(links.verifyUnsubscribe(`${OTHER}.newsletter.${mac}`)).toBeUndefined();
    expect(links.verifyUnsubscribe(`${MEMBER}.meetups.${mac}`)).toBeUndefined();
    expect(links.verifyMeetupReply(`${MEMBER}.${MEETUP}.${mac}`)).toBeUndefined();
    expect(links.verifyMeetupReply(tokenOf(links.meetupReply(MEMBER, MEETUP, 'yes')).replace(MEETUP, 'ae700000-0000-4000-8000-000000000002'))).toBeUndefined();
    expect(linksUnder(Buffer.alloc(32, 2)).verifyUnsubscribe(token)).toBeUndefined();
    expect(links.verifyUnsubscribe(`${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`)).toBeUndefined();
  });

  it('refuse anything that is not a token, and an unsubscribe token for an opt-in no mail carries', () => {
    for (const junk of ['', 'token', `${MEMBER}.newsletter`, `${MEMBER}.newsletter.${'x'.repeat(44)}`, `${MEMBER.toUpperCase()}.newsletter.${'x'.repeat(43)}`]) {
      expect(links.verifyUnsubscribe(junk)).toBeUndefined();
    }
    for (const optIn of ['facebookInvite', 'consent']) expect(links.verifyUnsubscribe(tokenOf(links.unsubscribe(MEMBER, optIn as never)))).toBeUndefined();
  });
});
