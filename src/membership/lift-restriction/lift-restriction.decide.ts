import type { DomainEvent } from '../../../contracts/events/domain-event';
import type { RestrictionLifted } from '../../../contracts/events/membership.events';
import { conflict } from '../../domain/domain-error';
import type { MemberState } from '../member';
import { requireMember } from '../member-rules';

export interface LiftRestriction {
  memberId: string;
}

export function decideLiftRestriction(state: MemberState, command: LiftRestriction, context: { now: Date }): DomainEvent[] {
  requireMember(state);
  if (!state.restricted) throw conflict('member-not-restricted', 'The member is not restricted.');
  const lifted: RestrictionLifted = { type: 'RestrictionLifted', data: { memberId: command.memberId, liftedAt: context.now.toISOString() } };
  return [lifted];
}
