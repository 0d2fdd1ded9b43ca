import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { isKnownConsentVersion } from '../../../contracts/consent-texts';
import { memberStream } from '../../../contracts/events/membership.events';
import { invalid } from '../../domain/domain-error';
import { handleCommand } from '../../event-store/command-handling';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port';
import { type MemberState, memberEvolver } from '../../membership/member';
import { parseVerificationToken, secretMatches } from '../../membership/verification-token';
import { ConfirmConsentCommand, type ConfirmConsentResult } from './confirm-consent.command';
import { type ConfirmConsent, decideConfirmConsent } from './confirm-consent.decide';

@CommandHandler(ConfirmConsentCommand)
export class ConfirmConsentHandler implements ICommandHandler<ConfirmConsentCommand> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ by, textVersion, context }: ConfirmConsentCommand): Promise<ConfirmConsentResult> {
    let via: (state: MemberState) => ConfirmConsent['via'];
    let memberId: string;
    if ('token' in by) {
      const link = parseVerificationToken(by.token);
      if (!link) throw invalid('invalid-token', 'token', 'This link is not valid.');
      memberId = link.memberId;
      // Compared with the hand-over's hash even once confirmed, so a second click is told "already confirmed".
      via = (state) => ({ link: state.handOver !== undefined && secretMatches(link.secret, state.handOver.tokenHash) });
    } else {
      memberId = by.memberId;
      via = () => ({ staff: by.channel });
    }
    const { events } = await handleCommand(
      this.store,
      memberStream(memberId),
      memberEvolver,
      (state) => decideConfirmConsent(state, { via: via(state), textVersion, now: context.now }, isKnownConsentVersion),
      context,
    );
    return { memberId, confirmedAt: (events[0].data as { confirmedAt: string }).confirmedAt };
  }
}
