import { createHash } from 'node:crypto';
import fc from 'fast-check';
import type { RecordedEvent } from '../../contracts/events/event-envelope';
import { canonicalJson, chainHash, type DisclosureEntry, type DispatchEvent, entriesHash, entryJson, entryOf, GENESIS_HASH } from './disclosure-entry';

const RECIPIENT = 'a0000000-0000-4000-8000-00000000000a';
const SUBJECT = 'b0000000-0000-4000-8000-00000000000b';
const GROUP = 'c0000000-0000-4000-8000-00000000000c';
const DISPATCH = 'd0000000-0000-4000-8000-00000000000d';
const ENTRY = { subjectId: SUBJECT, fields: ['address', 'email'] as Array<'address' | 'email'>, digest: 'f'.repeat(64), greenland: true };

const recorded = (event: DispatchEvent): RecordedEvent =>
  ({
    ...event,
    streamId: `dispatch-${DISPATCH}`,
    revision: 0,
    position: 42n,
    eventId: 'e0000000-0000-4000-8000-00000000000e',
    schemaVersion: 1,
    metadata: { correlationId: 'x', actorRole: 'system', occurredAt: '2026-11-30T09:00:00+01:00' },
    recordedAt: new Date(),
  }) as unknown as RecordedEvent;

const common = { dispatchId: DISPATCH, recipientId: RECIPIENT, listReference: 'SN-ABCDEFGH' };
/** Every field an entry has, as none: each kind's expectation names what it sets. */
const none = {
  diagnosisId: null,
  listVersion: null,
  builtAtPosition: null,
  greenlandOnly: null,
  versionHash: null,
  subjectId: null,
  subjectFields: null,
  subjectDigest: null,
  subjectGreenland: null,
  noticeReason: null,
  idempotencyKey: null,
};
const expectedCommon = { seq: '7', position: '42', dispatchedAt: '2026-11-30T08:00:00.000Z', ...common };

describe('a disclosure entry', () => {
  it.each<[string, DispatchEvent, Partial<DisclosureEntry>]>([
    [
      'a list dispatch',
      { type: 'ContactListDispatched', data: { ...common, diagnosisId: GROUP, listVersion: 3, builtAtPosition: '040', view: { greenlandOnly: true }, idempotencyKey: 'list-key', channel: 'email' } },
      { kind: 'contact-list', disclosesData: true, diagnosisId: GROUP, listVersion: 3, builtAtPosition: '40', greenlandOnly: true, versionHash: 'v'.repeat(64), idempotencyKey: 'list-key', channel: 'email' },
    ],
    [
      'a correction',
      { type: 'CorrectionDispatched', data: { ...common, subjectId: SUBJECT, entry: ENTRY, builtAtPosition: '41', channel: 'email' } },
      { kind: 'correction', disclosesData: true, builtAtPosition: '41', subjectId: SUBJECT, subjectFields: ['address', 'email'], subjectDigest: 'f'.repeat(64), subjectGreenland: true, channel: 'email' },
    ],
    [
      'a deletion notice',
      { type: 'DeletionNoticeDispatched', data: { ...common, subjectId: SUBJECT, reason: 'withdrawn', channel: 'email' } },
      { kind: 'deletion-notice', disclosesData: false, subjectId: SUBJECT, noticeReason: 'withdrawn', channel: 'email' },
    ],
    [
      "a portal recipient's notice of a new version",
      { type: 'ListNoticeDispatched', data: { ...common, diagnosisId: GROUP, idempotencyKey: 'notice-key', channel: 'email', reason: 'list-updated', listVersion: 4 } },
      { kind: 'list-notice', disclosesData: false, diagnosisId: GROUP, listVersion: 4, noticeReason: 'list-updated', idempotencyKey: 'notice-key', channel: 'email' },
    ],
    [
      "a portal recipient's notice of a correction",
      { type: 'ListNoticeDispatched', data: { ...common, diagnosisId: GROUP, idempotencyKey: 'notice-key', channel: 'email', reason: 'entry-corrected', subjectId: SUBJECT, correctedAtPosition: '39' } },
      { kind: 'list-notice', disclosesData: false, diagnosisId: GROUP, subjectId: SUBJECT, noticeReason: 'entry-corrected', idempotencyKey: 'notice-key', channel: 'email' },
    ],
    [
      'a view in self-service',
      { type: 'ContactListViewed', data: { ...common, diagnosisId: GROUP, builtAtPosition: '38', entries: [ENTRY], channel: 'portal' } },
      { kind: 'contact-list-view', disclosesData: true, diagnosisId: GROUP, builtAtPosition: '38', versionHash: entriesHash([ENTRY]), channel: 'portal' },
    ],
  ])('of %s has every field, set as the event says', (_, event, expected) => {
    const entry = entryOf(recorded(event), 7n, 'v'.repeat(64));
    expect(entry).toStrictEqual({ ...expectedCommon, ...none, ...expected });
  });

  it('is hashed as sha256(prev_hash || its canonical JSON)', () => {
    const event: DispatchEvent = { type: 'DeletionNoticeDispatched', data: { ...common, subjectId: SUBJECT, reason: 'erased', channel: 'email' } };
    const entry = entryOf(recorded(event), 1n, null);
    const expected = createHash('sha256').update(GENESIS_HASH + canonicalJson(entry), 'utf8').digest('hex');
    expect(chainHash(GENESIS_HASH, entry)).toBe(expected);
  });

  it('has the canonical JSON of its fields sorted, whatever their values', () => {
    const value = fc.oneof(fc.constant(null), fc.constant(undefined), fc.string(), fc.integer(), fc.boolean(), fc.array(fc.string({ unit: 'grapheme' })));
    const anyEntry = fc.record(
      Object.fromEntries(Object.keys({ ...expectedCommon, ...none, kind: 0, disclosesData: 0, channel: 0 }).map((key) => [key, value])),
    ) as fc.Arbitrary<unknown> as fc.Arbitrary<DisclosureEntry>;
    fc.assert(fc.property(anyEntry, (entry) => entryJson(entry) === canonicalJson(entry)));
  });
});
