import type { DomainEvent } from '../../contracts/events/domain-event';
import { Listability, recipientView } from './listability';

const GROUP_A = 'a0000000-0000-4000-8000-00000000000a';
const GROUP_B = 'b0000000-0000-4000-8000-00000000000b';

function joined(memberId: string, diagnosisId: string, consent: Record<string, unknown> = {}, country = 'DK'): DomainEvent {
  return {
    type: 'MemberJoined',
    data: {
      memberId,
      diagnosisId,
      country,
      consent: { sharedFields: ['address', 'phone', 'email'], scope: 'group', allowTransferToGreenland: false, ...consent },
    },
  };
}
const admitted = (memberId: string, diagnosisId: string): DomainEvent => ({ type: 'MemberAdmitted', data: { memberId, diagnosisId, admittedAt: '2026-11-29T12:00:00Z' } });
const event = (type: string, memberId: string): DomainEvent => ({ type, data: { memberId } });

function fold(events: DomainEvent[]): Listability {
  const listability = new Listability();
  for (const e of events) listability.apply(e);
  return listability;
}

describe('listability: who may be on which list', () => {
  it('lists admitted members of the group; not one who only joined', () => {
    const state = fold([joined('anna', GROUP_A), admitted('anna', GROUP_A), joined('bo', GROUP_A), joined('carl', GROUP_B), admitted('carl', GROUP_B)]);
    expect(state.groupList(GROUP_A).map((m) => m.memberId)).toEqual(['anna']);
    expect(state.recipients(GROUP_A).map((m) => m.memberId)).toEqual(['anna']);
    expect(state.unlawfulness('anna', 'bo', ['phone'])).toBe('subject-not-admitted');
    expect(state.unlawfulness('bo', 'anna', ['phone'])).toBe('recipient-not-admitted');
  });

  it.each([
    ['withdrawn', 'ConsentWithdrawn'],
    ['lapsed (a consent handed over that nobody confirmed)', 'ConsentLapsed'],
    ['restricted', 'MemberRestricted'],
    ['erased', 'MemberErased'],
  ])('a %s member is on no list and receives none', (_, type) => {
    const state = fold([joined('anna', GROUP_A), admitted('anna', GROUP_A), joined('bo', GROUP_A), admitted('bo', GROUP_A), event(type, 'bo')]);
    expect(state.groupList(GROUP_A).map((m) => m.memberId)).toEqual(['anna']);
    expect(state.recipients(GROUP_A).map((m) => m.memberId)).toEqual(['anna']);
    expect(state.unlawfulness('anna', 'bo', ['email'])).toBe('subject-inactive');
    expect(state.unlawfulness('bo', 'anna', ['email'])).toBe('recipient-inactive');
  });

  it('a lifted restriction brings the member back', () => {
    const state = fold([joined('bo', GROUP_A), admitted('bo', GROUP_A), event('MemberRestricted', 'bo'), event('RestrictionLifted', 'bo')]);
    expect(state.isListable('bo')).toBe(true);
  });

  it('shows only the fields a member shares', () => {
    const state = fold([joined('anna', GROUP_A), admitted('anna', GROUP_A), joined('bo', GROUP_A, { sharedFields: ['email'] }), admitted('bo', GROUP_A)]);
    expect(state.unlawfulness('anna', 'bo', ['email'])).toBeUndefined();
    expect(state.unlawfulness('anna', 'bo', ['email', 'phone'])).toBe('field-not-shared');
  });

  it('shows cluster-scope members on the lists of linked groups, and only those', () => {
    const state = fold([
      joined('anna', GROUP_A),
      admitted('anna', GROUP_A),
      joined('wide', GROUP_B, { scope: 'cluster' }),
      admitted('wide', GROUP_B),
      joined('narrow', GROUP_B),
      admitted('narrow', GROUP_B),
    ]);
    expect(state.unlawfulness('anna', 'wide', ['phone'])).toBe('not-same-group');
    state.apply({ type: 'DiagnosesLinked', data: { clusterId: 'c1', name: 'Ciliopatier', diagnosisIds: [GROUP_A, GROUP_B] } });
    expect(state.groupList(GROUP_A).map((m) => m.memberId).sort()).toEqual(['anna', 'wide']);
    expect(state.unlawfulness('anna', 'wide', ['phone'])).toBeUndefined();
    expect(state.unlawfulness('anna', 'narrow', ['phone'])).toBe('not-same-group');
  });

  it('a recipient in Greenland sees only members who allowed the transfer', () => {
    const state = fold([
      joined('nuuk', GROUP_A, {}, 'GL'),
      admitted('nuuk', GROUP_A),
      joined('yes', GROUP_A, { allowTransferToGreenland: true }),
      admitted('yes', GROUP_A),
      joined('no', GROUP_A),
      admitted('no', GROUP_A),
    ]);
    expect(state.unlawfulness('nuuk', 'yes', ['email'])).toBeUndefined();
    expect(state.unlawfulness('nuuk', 'no', ['email'])).toBe('greenland-transfer-not-allowed');
    expect(state.unlawfulness('yes', 'no', ['email'])).toBeUndefined();
    const entries = ['nuuk', 'yes', 'no'].map((subjectId) => ({ subjectId, greenland: state.member(subjectId)?.allowTransferToGreenland ?? false }));
    expect(recipientView(entries, 'nuuk', true).map((e) => e.subjectId)).toEqual(['yes']);
    expect(recipientView(entries, 'yes', false).map((e) => e.subjectId)).toEqual(['nuuk', 'no']);
  });

  it('never counts showing a member their own entry as a disclosure', () => {
    const state = fold([joined('anna', GROUP_A), admitted('anna', GROUP_A)]);
    expect(state.unlawfulness('anna', 'anna', ['email'])).toBe('own-entry');
  });
});
