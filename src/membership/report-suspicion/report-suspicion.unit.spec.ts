import { given } from '../../../test/support/decider-spec';
import { admittedMember, joined, MEMBER, restricted, withdrawn } from '../../../test/support/member-history';
import { memberEvolver } from '../member';
import { decideReportSuspicion } from './report-suspicion.decide';

const NOW = new Date('2026-11-29T12:00:00.000Z');
const context = { now: NOW, sealedNote: 'v1.sealed-note', sealedReason: 'v1.sealed-reason' };
const report = (state: Parameters<typeof decideReportSuspicion>[0]) => decideReportSuspicion(state, { memberId: MEMBER }, context);

const reported = { type: 'SuspicionReported', data: { memberId: MEMBER, reportedBy: 'secretariat', note: 'v1.sealed-note', reportedAt: NOW.toISOString() } };

describe('report-suspicion', () => {
  it('records the report and restricts the member while it is examined, in one append', () => {
    given(memberEvolver, admittedMember())
      .when(report)
      .then([reported, { type: 'MemberRestricted', data: { memberId: MEMBER, reason: 'v1.sealed-reason', restrictedAt: NOW.toISOString() } }]);
  });

  it('restricts a sign-up that is not yet verified too', () => {
    given(memberEvolver, [joined()])
      .when(report)
      .then([reported, { type: 'MemberRestricted', data: { memberId: MEMBER, reason: 'v1.sealed-reason', restrictedAt: NOW.toISOString() } }]);
  });

  it('does not restrict a member restricted already', () => {
    given(memberEvolver, [...admittedMember(), restricted()])
      .when(report)
      .then([reported]);
  });

  it('does not know an unknown member', () => {
    given(memberEvolver).when(report).thenFails({ kind: 'not-found', rule: 'unknown-member' });
  });

  it('refuses a member who has withdrawn', () => {
    given(memberEvolver, [...admittedMember(), withdrawn()]).when(report).thenFails({ kind: 'conflict', rule: 'member-withdrawn' });
  });
});
