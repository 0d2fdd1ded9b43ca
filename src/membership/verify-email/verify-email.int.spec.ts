import { randomBytes, randomUUID } from 'node:crypto';
import { type PersonalData, memberStream } from '../../../contracts/events/membership.events';
import { admittedTo } from '../../../test/support/membership-facts';
import { memberJoined } from '../../../test/support/recorded-events';
import { appendAt } from '../../../test/support/reference-sender';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database';
import { KeyVault } from '../../crypto/key-vault';
import type { CommandContext } from '../../event-store/command-handling';
import { type EventStore, WrongExpectedRevisionError } from '../../event-store/event-store.port';
import { PostgresEventStore } from '../../event-store/postgres/postgres-event-store';
import { EmailClaims } from '../email-claims';
import { newVerificationToken } from '../verification-token';
import { VerifyEmailCommand } from './verify-email.command';
import { VerifyEmailHandler } from './verify-email.handler';

const NOW = new Date('2026-11-29T12:00:00.000Z');
const GROUP = randomUUID();
const OLD = 'gammel@example.org';
const NEW = 'ny@example.org';
const context = (now = NOW): CommandContext => ({ actorRole: 'public', correlationId: randomUUID(), now });

/** Dies right after the change of address is appended, before the old address is let go. */
class ClaimsCutShortAfterAppend extends EmailClaims {
  override async keepOnly(): Promise<void> {
    throw new Error('the process died here');
  }
}

/** The change of an address: which addresses the member holds in their group, whatever happens between the append and the claims. */
describe('verifying a new email address', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;
  let vault: KeyVault;
  let claims: EmailClaims;

  /** An admitted member with OLD, who asked to change it to NEW: returns the member and the link's token. */
  const memberChangingAddress = async (expiresAt = '2026-12-01T00:00:00.000Z'): Promise<{ memberId: string; token: string }> => {
    const memberId = randomUUID();
    const personal: PersonalData = { name: 'Ebbe', email: OLD, phone: '+4520123456', address: { street: 'Æblevej 1', postalCode: '5000', city: 'Odense', country: 'DK' } };
    const { token, tokenHash } = newVerificationToken(memberId);
    await appendAt(store, memberStream(memberId), [
      memberJoined(memberId, GROUP, { personal: await vault.seal(memberId, personal) }),
      admittedTo(memberId, GROUP),
      { type: 'EmailVerificationRequested', data: { memberId, purpose: 'email-change', tokenHash, expiresAt, sealed: await vault.seal(memberId, { token, email: NEW }) } },
    ]);
    expect(await claims.claim(claims.digest(OLD), GROUP, memberId)).toBeUndefined();
    return { memberId, token };
  };
  const held = async (memberId: string): Promise<string[]> => {
    const { rows } = await database.pool.query<{ email_digest: string }>('SELECT email_digest FROM member_email_claims WHERE member_id = $1', [memberId]);
    const names = new Map([
      [claims.digest(OLD), 'old'],
      [claims.digest(NEW), 'new'],
    ]);
    return rows.map((row) => names.get(row.email_digest) ?? 'other').sort();
  };
  const appendedTypes = async (memberId: string) => (await store.readStream(memberStream(memberId))).map((event) => event.type);

  beforeEach(async () => {
    database = await createTestDatabase();
    store = new PostgresEventStore(database.pool);
    vault = new KeyVault(database.pool, randomBytes(32));
    claims = new EmailClaims(database.pool, vault);
  });
  afterEach(async () => {
    await store.close();
    await database.drop();
  });

  it('leaves the member holding the new address only', async () => {
    const { memberId, token } = await memberChangingAddress();
    await new VerifyEmailHandler(store, vault, claims).execute(new VerifyEmailCommand(token, context()));
    expect(await appendedTypes(memberId)).toContain('ContactDetailsUpdated');
    expect(await held(memberId)).toEqual(['new']);
  });

  it('cut short after the append, leaves the member holding both addresses, never neither', async () => {
    const { memberId, token } = await memberChangingAddress();
    const dying = new VerifyEmailHandler(store, vault, new ClaimsCutShortAfterAppend(database.pool, vault));
    await expect(dying.execute(new VerifyEmailCommand(token, context()))).rejects.toThrow('the process died here');
    expect(await appendedTypes(memberId)).toContain('ContactDetailsUpdated');
    expect(await held(memberId)).toEqual(['new', 'old']);
  });

  it('keeps the old claim when another member of the group holds the new address', async () => {
    const { memberId, token } = await memberChangingAddress();
    expect(await claims.claim(claims.digest(NEW), GROUP, randomUUID())).toBeUndefined();
    await new VerifyEmailHandler(store, vault, claims).execute(new VerifyEmailCommand(token, context()));
    expect(await appendedTypes(memberId)).toContain('ContactDetailsUpdated');
    expect(await held(memberId)).toEqual(['old']);
  });

  it('used twice at once, leaves the member the new address whichever use wins', async () => {
    const { memberId, token } = await memberChangingAddress();
    // The first use claims the new address; before its append, the second use applies the change, so the first one's append conflicts.
    const second = () => new VerifyEmailHandler(store, vault, claims).execute(new VerifyEmailCommand(token, context()));
    const losing: EventStore = Object.assign(Object.create(store) as EventStore, {
      append: async (streamId: string): Promise<never> => {
        await second();
        throw new WrongExpectedRevisionError(streamId, 2, 4);
      },
    });
    await expect(new VerifyEmailHandler(losing, vault, claims).execute(new VerifyEmailCommand(token, context()))).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    expect(await appendedTypes(memberId)).toContain('ContactDetailsUpdated');
    expect(await held(memberId)).toEqual(['new']);
  });

  it('refused (an expired link), keeps the old address and lets the new one go', async () => {
    const { memberId, token } = await memberChangingAddress('2026-11-29T11:00:00.000Z');
    await expect(new VerifyEmailHandler(store, vault, claims).execute(new VerifyEmailCommand(token, context()))).rejects.toMatchObject({ rule: 'token-expired' });
    expect(await appendedTypes(memberId)).not.toContain('ContactDetailsUpdated');
    expect(await held(memberId)).toEqual(['old']);
  });
});
