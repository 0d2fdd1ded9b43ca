import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { FACEBOOK_INVITATIONS_STREAM } from '../../../contracts/events/facebook-invitation.events';
import { memberStream } from '../../../contracts/events/membership.events';
import { handleCommand, loadState } from '../../event-store/command-handling';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port';
import { memberEvolver } from '../../membership/member';
import { facebookInvitationsEvolver } from '../facebook-invitations';
import { MarkFacebookInvitedCommand, type MarkFacebookInvitedResult } from './mark-facebook-invited.command';
import { decideMarkFacebookInvited } from './mark-facebook-invited.decide';

@CommandHandler(MarkFacebookInvitedCommand)
export class MarkFacebookInvitedHandler implements ICommandHandler<MarkFacebookInvitedCommand> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ memberIds, context }: MarkFacebookInvitedCommand): Promise<MarkFacebookInvitedResult> {
    const members = await Promise.all(memberIds.map(async (memberId) => (await loadState(this.store, memberStream(memberId), memberEvolver)).state));
    await handleCommand(this.store, FACEBOOK_INVITATIONS_STREAM, facebookInvitationsEvolver, (state) => decideMarkFacebookInvited(state, { members }, context), context);
    return { invited: members.length };
  }
}
