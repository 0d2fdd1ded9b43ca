import { conflict, notFound } from '../domain/domain-error';
import type { MemberState } from './member';

/** Pure checks that several member commands share. Messages name no person. */

export function requireMember(state: MemberState): void {
  if (!state.exists) throw notFound('unknown-member', 'There is no member with this id.');
}

export function requireNotWithdrawn(state: MemberState): void {
  if (state.status === 'withdrawn') throw conflict('member-withdrawn', 'The member has withdrawn their consent.');
}
