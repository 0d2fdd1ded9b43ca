import type { DomainEvent } from '../../contracts/events/domain-event';
import { numberedView } from '../../src/contact-lists/contact-list-building';
import { Listability } from '../../src/contact-lists/listability';
import { numberedEntries } from './contact-list-planner.projector';
import { correctionNeeded, deletionReason, entryNumber } from './notice-planning';

const GROUP = 'a0000000-0000-4000-8000-00000000000a';
const ELSEWHERE = 'b0000000-0000-4000-8000-00000000000b';

const fold = (events: DomainEvent[]): Listability => {
  const listability = new Listability();
  for (const event of events) listability.apply(event);
  return listability;
};
const admittedMember = (memberId: string, diagnosisId = GROUP, scope = 'group'): DomainEvent[] => [
  { type: 'MemberJoined', data: { memberId, diagnosisId, country: 'DK', consent: { sharedFields: ['email'], scope, allowTransferToGreenland: false } } },
  { type: 'MemberAdmitted', data: { memberId, diagnosisId, admittedAt: '2026-11-29T12:00:00Z' } },
];
const reasonFor = (state: Listability, recipientId: string, subjectId: string) => deletionReason(state.member(subjectId), state.unlawfulness(recipientId, subjectId, []));

describe('planning notices to earlier recipients', () => {
  it.each([
    ['withdrawn', 'ConsentWithdrawn'],
    ['restricted', 'MemberRestricted'],
    ['erased', 'MemberErased'],
  ])('asks them to delete the entry of a member who is %s', (reason, type) => {
    const state = fold([...admittedMember('anna'), ...admittedMember('bo'), { type, data: { memberId: 'bo' } }]);
    expect(reasonFor(state, 'anna', 'bo')).toBe(reason);
  });

  it('names erasure before withdrawal before restriction', () => {
    const state = fold([
      ...admittedMember('anna'),
      ...admittedMember('bo'),
      { type: 'MemberRestricted', data: { memberId: 'bo' } },
      { type: 'ConsentWithdrawn', data: { memberId: 'bo' } },
    ]);
    expect(reasonFor(state, 'anna', 'bo')).toBe('withdrawn');
    state.apply({ type: 'MemberErased', data: { memberId: 'bo' } });
    expect(reasonFor(state, 'anna', 'bo')).toBe('erased');
  });

  it('asks them to delete the entry of a member who left the group, and of nobody who may stay', () => {
    const state = fold([...admittedMember('anna'), ...admittedMember('bo'), ...admittedMember('carl', GROUP, 'cluster')]);
    expect(reasonFor(state, 'anna', 'bo')).toBeUndefined();
    state.apply({ type: 'MemberAdmitted', data: { memberId: 'bo', diagnosisId: ELSEWHERE, admittedAt: '2026-11-30T12:00:00Z' } });
    expect(reasonFor(state, 'anna', 'bo')).toBe('left');
    // A cluster-scope member who moves to a linked group may stay on the list.
    state.apply({ type: 'DiagnosesLinked', data: { clusterId: 'c', name: 'C', diagnosisIds: [GROUP, ELSEWHERE] } });
    state.apply({ type: 'MemberAdmitted', data: { memberId: 'carl', diagnosisId: ELSEWHERE, admittedAt: '2026-11-30T12:00:00Z' } });
    expect(reasonFor(state, 'anna', 'carl')).toBeUndefined();
  });

  it('corrects an entry when a field it shows changed, and always when the name did', () => {
    expect(correctionNeeded(['phone'], ['email'])).toBe(false);
    expect(correctionNeeded(['phone'], ['phone', 'email'])).toBe(true);
    expect(correctionNeeded(['name'], [])).toBe(true);
    expect(correctionNeeded(['address', 'email'], ['email'])).toBe(true);
  });

  it('numbers an entry in a recipient\'s copy as the sender printed it', () => {
    const flags = [true, false, true, true, false, false, true];
    const entries = flags.map((greenland, index) => ({ subjectId: `m${index}`, fields: [], digest: '', greenland }));
    const stored = numberedEntries(entries);
    let compared = 0;
    for (const recipient of [...entries.map((entry) => entry.subjectId), 'outsider']) {
      for (const greenlandOnly of [false, true]) {
        const printed = numberedView(entries, recipient, greenlandOnly);
        const own = stored.find((row) => row.subject_id === recipient);
        for (const entry of printed) {
          const row = stored.find((candidate) => candidate.subject_id === entry.subjectId)!;
          expect(entryNumber(row, own, greenlandOnly)).toBe(entry.number);
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(entries.length); // the copies printed entries to compare
  });
});
