import type { DomainEvent } from '../../contracts/events/domain-event';
import type { Country, PersonalData } from '../../contracts/events/membership.events';
import { assertLawful, channelOf, entryOf, listDeliveryOf, numberedView, planContactList, UnlawfulListError } from './contact-list-building';
import { correctionKey, deletionKey, dispatchIdOf, listKey, listReferenceOf } from './dispatch-keys';
import { Listability } from './listability';

const GROUP = 'a0000000-0000-4000-8000-00000000000a';
const LINKED = 'b0000000-0000-4000-8000-00000000000b';
const OTHER = 'c0000000-0000-4000-8000-00000000000c';

const joined = (memberId: string, diagnosisId: string, consent: Record<string, unknown> = {}, country: Country = 'DK'): DomainEvent => ({
  type: 'MemberJoined',
  data: { memberId, diagnosisId, country, consent: { sharedFields: ['address', 'phone', 'email'], scope: 'group', allowTransferToGreenland: false, ...consent } },
});
const admitted = (memberId: string, diagnosisId: string): DomainEvent => ({ type: 'MemberAdmitted', data: { memberId, diagnosisId, admittedAt: '2026-11-29T12:00:00Z' } });
const member = (memberId: string, diagnosisId: string, consent: Record<string, unknown> = {}, country: Country = 'DK'): DomainEvent[] => [
  joined(memberId, diagnosisId, consent, country),
  admitted(memberId, diagnosisId),
];

const person = (name: string, overrides: Partial<PersonalData> = {}): PersonalData => ({
  name,
  email: `${name.toLowerCase().replace(/[^a-z]/g, '')}@example.org`,
  phone: '+4520123456',
  address: { street: 'Æblevej 1', postalCode: '5000', city: 'Odense', country: 'DK' },
  ...overrides,
});
/** A stand-in for the keyed digest: visible in assertions. */
const digest = (json: string): string => `digest(${json})`;

function fold(events: DomainEvent[]): Listability {
  const listability = new Listability();
  for (const event of events) listability.apply(event);
  return listability;
}

describe('building a contact list', () => {
  const names: Record<string, string> = { anna: 'Anna Ødegård', bo: 'Bo Ærø', carl: 'Carl Åberg', dora: 'Ðóra Þórsdóttir', erik: 'Erik Bakke' };
  const personal = (overrides: Record<string, PersonalData | null> = {}) =>
    new Map<string, PersonalData | null>(Object.entries(names).map(([id, name]) => [id, id in overrides ? overrides[id] : person(name)]));

  it('shows the listable members of the group sorted by name, marks the newcomers, and sends it to each of them', () => {
    const state = fold([...member('anna', GROUP), ...member('bo', GROUP), ...member('carl', GROUP), joined('dora', GROUP)]);
    const plan = planContactList({ diagnosisId: GROUP, listability: state, personal: personal(), pendingNewcomers: ['carl', 'dora'], digest });

    // Danish order: Æ, Ø, Å come after Z.
    expect(plan.entries.map((entry) => entry.values.name)).toEqual(['Anna Ødegård', 'Bo Ærø', 'Carl Åberg']);
    expect(plan.newcomers).toEqual(['carl']);
    expect(plan.recipients).toEqual([
      { recipientId: 'anna', kind: 'update', greenlandOnly: false },
      { recipientId: 'bo', kind: 'update', greenlandOnly: false },
      { recipientId: 'carl', kind: 'welcome', greenlandOnly: false },
    ]);
  });

  it('shows only the fields a member shares and has, and digests exactly the values shown', () => {
    const state = fold([...member('anna', GROUP, { sharedFields: ['phone'] }), ...member('bo', GROUP, { sharedFields: ['address', 'email'] })]);
    const plan = planContactList({
      diagnosisId: GROUP,
      listability: state,
      personal: personal({ bo: person('Bo Ærø', { email: undefined }) }),
      pendingNewcomers: ['bo'],
      digest,
    });
    const [anna, bo] = plan.entries;
    expect(anna).toEqual({ subjectId: 'anna', fields: ['phone'], greenland: false, values: { name: 'Anna Ødegård', phone: '+4520123456' }, digest: `digest(${JSON.stringify({ name: 'Anna Ødegård', phone: '+4520123456' })})` });
    // A paper sign-up without email cannot show one, and receives the list all the same (by post).
    expect(bo.fields).toEqual(['address']);
    expect(bo.values).toEqual({ name: 'Bo Ærø', address: { street: 'Æblevej 1', postalCode: '5000', city: 'Odense', country: 'DK' } });
    expect(plan.recipients.map((recipient) => recipient.recipientId)).toEqual(['anna', 'bo']);
  });

  it('leaves off withdrawn, restricted, erased and unadmitted members, as recipients too', () => {
    const state = fold([
      ...member('anna', GROUP),
      ...member('bo', GROUP),
      { type: 'ConsentWithdrawn', data: { memberId: 'bo' } },
      ...member('carl', GROUP),
      { type: 'MemberRestricted', data: { memberId: 'carl' } },
      ...member('dora', GROUP),
      joined('erik', GROUP),
    ]);
    // Dora's key is shredded but her MemberErased is not folded yet: her data no longer opens.
    const plan = planContactList({ diagnosisId: GROUP, listability: state, personal: personal({ dora: null }), pendingNewcomers: ['anna'], digest });
    expect(plan.entries.map((entry) => entry.subjectId)).toEqual(['anna']);
    expect(plan.recipients.map((recipient) => recipient.recipientId)).toEqual(['anna']);
  });

  it('shows cluster-scope members of linked groups, who receive their own group\'s list only', () => {
    const state = fold([
      ...member('anna', GROUP),
      ...member('bo', LINKED, { scope: 'cluster' }),
      ...member('carl', LINKED),
      ...member('dora', OTHER, { scope: 'cluster' }),
      { type: 'DiagnosesLinked', data: { clusterId: 'ciliopathies', name: 'Ciliopatier', diagnosisIds: [GROUP, LINKED] } },
    ]);
    const plan = planContactList({ diagnosisId: GROUP, listability: state, personal: personal(), pendingNewcomers: ['bo'], digest });
    expect(plan.entries.map((entry) => entry.subjectId)).toEqual(['anna', 'bo']);
    expect(plan.newcomers).toEqual(['bo']);
    expect(plan.recipients).toEqual([{ recipientId: 'anna', kind: 'update', greenlandOnly: false }]);
  });

  it('gives a recipient in Greenland only the entries that allow the transfer, numbered in their copy', () => {
    const state = fold([
      ...member('anna', GROUP, { allowTransferToGreenland: true }),
      ...member('bo', GROUP),
      ...member('carl', GROUP, { allowTransferToGreenland: true }),
      ...member('dora', GROUP, {}, 'GL'),
    ]);
    const plan = planContactList({ diagnosisId: GROUP, listability: state, personal: personal(), pendingNewcomers: ['dora'], digest });
    const dora = plan.recipients.find((recipient) => recipient.recipientId === 'dora');
    expect(dora).toEqual({ recipientId: 'dora', kind: 'welcome', greenlandOnly: true });
    expect(numberedView(plan.entries, 'dora', true).map((entry) => [entry.number, entry.subjectId])).toEqual([
      [1, 'anna'],
      [2, 'carl'],
    ]);
    // Everyone else sees Dora (she allowed nothing about Greenland, she lives there) and not themselves.
    expect(numberedView(plan.entries, 'bo', false).map((entry) => [entry.number, entry.subjectId])).toEqual([
      [1, 'anna'],
      [2, 'carl'],
      [3, 'dora'],
    ]);
    for (const recipient of plan.recipients) assertLawful(state, recipient.recipientId, numberedView(plan.entries, recipient.recipientId, recipient.greenlandOnly));
  });

  it('refuses to send a view the fold does not allow, naming the rule only', () => {
    const state = fold([...member('anna', GROUP), ...member('bo', GROUP, { sharedFields: ['email'] }), ...member('dora', GROUP, {}, 'GL')]);
    const bo = entryOf(state.member('bo')!, person('Bo Ærø'), digest);
    expect(() => assertLawful(state, 'anna', [{ ...bo, fields: ['email', 'phone'] }])).toThrow(new UnlawfulListError('field-not-shared'));
    expect(() => assertLawful(state, 'dora', [bo])).toThrow(UnlawfulListError);
    expect(() => assertLawful(state, 'anna', [bo])).not.toThrow();
  });

  it('a restricted member whose restriction was lifted is on the list again', () => {
    const state = fold([...member('anna', GROUP), ...member('bo', GROUP), { type: 'MemberRestricted', data: { memberId: 'bo' } }, { type: 'RestrictionLifted', data: { memberId: 'bo' } }]);
    const plan = planContactList({ diagnosisId: GROUP, listability: state, personal: personal(), pendingNewcomers: ['bo'], digest });
    expect(plan.entries.map((entry) => entry.subjectId)).toEqual(['anna', 'bo']);
  });

  it('goes on from a restored fold exactly as from the events', () => {
    const events = [...member('anna', GROUP), ...member('bo', LINKED, { scope: 'cluster' }), { type: 'DiagnosesLinked', data: { clusterId: 'c', name: 'C', diagnosisIds: [GROUP, LINKED] } }];
    const original = fold(events);
    const restored = Listability.restore(
      ['anna', 'bo'].map((id) => original.member(id)!),
      [{ clusterId: 'c', diagnosisIds: [GROUP, LINKED] }],
    );
    expect(restored.groupList(GROUP)).toEqual(original.groupList(GROUP));
    restored.apply({ type: 'ConsentWithdrawn', data: { memberId: 'bo' } });
    expect(restored.groupList(GROUP).map((m) => m.memberId)).toEqual(['anna']);
    expect(original.groupList(GROUP).map((m) => m.memberId)).toEqual(['anna', 'bo']);
  });
});

describe('dispatch keys and references', () => {
  it('derives the same key, dispatch id and reference for the same message, and different ones otherwise', () => {
    const key = listKey('r1', GROUP, 3);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(listKey('r1', GROUP, 3)).toBe(key);
    expect(listKey('r1', GROUP, 4)).not.toBe(key);
    expect(dispatchIdOf(key)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(dispatchIdOf(key)).toBe(dispatchIdOf(listKey('r1', GROUP, 3)));
    expect(new Set([key, correctionKey('r1', 's1', 10n), correctionKey('r1', 's1', '11'), deletionKey('r1', 's1', 'withdrawn', 'SN-1'), deletionKey('r1', 's1', 'erased', 'SN-1')]).size).toBe(5);
  });

  it('prints a reference of SN- and eight unambiguous base32 characters', () => {
    const reference = listReferenceOf(Buffer.from([0xff, 0x00, 0x12, 0x34, 0x56, 0x78]).toString('base64url'));
    expect(reference).toMatch(/^SN-[0-9A-HJKMNP-TV-Z]{8}$/);
    expect(reference).toBe('SN-ZW014D2P');
  });
});

describe('how a recipient gets their lists', () => {
  it('sends by email to a member with an address, by post to one without (a paper or phone sign-up), and not at all once their data is gone', () => {
    expect(channelOf(person('Anna Ødegård'))).toBe('email');
    expect(channelOf(person('Bo Ærø', { email: undefined }))).toBe('post');
    expect([channelOf(null), channelOf(undefined)]).toEqual([undefined, undefined]);
  });

  it('follows the deployment, or where members choose, their choice (email until they make one)', () => {
    expect([listDeliveryOf('email', 'portal'), listDeliveryOf('portal', 'email'), listDeliveryOf('portal', null)]).toEqual(['email', 'portal', 'portal']);
    expect([listDeliveryOf('member-choice', null), listDeliveryOf('member-choice', 'portal'), listDeliveryOf('member-choice', 'email')]).toEqual(['email', 'portal', 'email']);
  });
});
