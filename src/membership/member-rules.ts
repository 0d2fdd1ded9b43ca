import { conflict, notFound } from '../domain/domain-error';
import type { MemberState } from './member';

/** Pure checks that several member commands share. Messages name no person. */

/** The member exists and has not been erased (after erasure nothing more can happen to them). */
export function requireMember(state: MemberState): void {
  if (!state.exists) throw notFound('unknown-member', 'There is no member with this id.');
  if (state.erased) throw conflict('member-erased', 'The member has been erased.');
}

export function requireNotWithdrawn(state: MemberState): void {
  if (state.status === 'withdrawn') throw conflict('member-withdrawn', 'The member has withdrawn their consent.');
}
