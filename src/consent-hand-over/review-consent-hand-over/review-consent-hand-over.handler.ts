import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { PersonalData } from '../../../contracts/events/membership.events';
import { KeyVault } from '../../crypto/key-vault';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port';
import type { MemberState } from '../../membership/member';
import { handleSealingCommand, sealForMember } from '../../membership/sealing-command';
import { newVerificationToken } from '../../membership/verification-token';
import { ReviewConsentHandOverCommand, type ReviewConsentHandOverResult } from './review-consent-hand-over.command';
import { type ReviewConsentHandOver, decideReviewConsentHandOver, handOverStep } from './review-consent-hand-over.decide';

const RESULT: Record<string, ReviewConsentHandOverResult> = { ConsentHandOverRequested: 'requested', ConsentLapsed: 'lapsed' };

@CommandHandler(ReviewConsentHandOverCommand)
export class ReviewConsentHandOverHandler implements ICommandHandler<ReviewConsentHandOverCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly vault: KeyVault,
  ) {}

  async execute({ memberId, context }: ReviewConsentHandOverCommand): Promise<ReviewConsentHandOverResult> {
    const { events } = await handleSealingCommand(
      this.store,
      memberId,
      {
        prepare: (state) => this.prepare(state, context.now),
        decide: (state, prepared) => decideReviewConsentHandOver(state, { ...prepared, now: context.now }),
      },
      context,
    );
    return events.length > 0 ? RESULT[events[0].type] : 'nothing';
  }

  /** The birth year is sealed: opened here, and a link made only when the young person is to be asked. */
  private async prepare(state: MemberState, now: Date): Promise<Omit<ReviewConsentHandOver, 'now'>> {
    // Only a consent a relative gave is ever handed over; an erased member's details cannot be opened.
    if (state.erased || state.consent?.givenBy !== 'relative') return {};
    const personal = await this.vault.open<PersonalData | undefined>(state.memberId, state.personal, undefined);
    const patientBirthYear = personal?.patientBirthYear;
    if (handOverStep(state, patientBirthYear, now) !== 'request') return { patientBirthYear };
    const { token, tokenHash } = newVerificationToken(state.memberId);
    return { patientBirthYear, link: { tokenHash, sealed: await sealForMember(this.vault, state.memberId, { token }) } };
  }
}
