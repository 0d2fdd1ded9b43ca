import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Sealed } from '../../../contracts/events/domain-event';
import type { ContactDetailsUpdated, PersonalData } from '../../../contracts/events/membership.events';
import { KeyVault } from '../../crypto/key-vault';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port';
import { handleSealingCommand, sealForMember } from '../sealing-command';
import { newVerificationToken } from '../verification-token';
import { UpdateContactDetailsCommand, type UpdateContactDetailsResult } from './update-contact-details.command';
import { checkUpdateContactDetails, decideUpdateContactDetails, planContactDetailsUpdate } from './update-contact-details.decide';

@CommandHandler(UpdateContactDetailsCommand)
export class UpdateContactDetailsHandler implements ICommandHandler<UpdateContactDetailsCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly vault: KeyVault,
  ) {}

  async execute(command: UpdateContactDetailsCommand): Promise<UpdateContactDetailsResult> {
    const { memberId } = command;
    const { events } = await handleSealingCommand(
      this.store,
      memberId,
      {
        prepare: async (state) => {
          checkUpdateContactDetails(state);
          const current = await this.vault.open<PersonalData | null>(memberId, state.personal, null);
          const change = planContactDetailsUpdate(state, command, current);
          const sealedPersonal: Sealed<PersonalData> = await sealForMember(this.vault, memberId, change.personal);
          const emailVerification = change.newEmail !== undefined ? await this.emailVerification(memberId, change.newEmail) : undefined;
          return { change, sealedPersonal, emailVerification };
        },
        decide: (state, prepared) => decideUpdateContactDetails(state, command, { now: command.context.now, ...prepared }),
      },
      command.context,
    );
    const updated = events.find((event): event is ContactDetailsUpdated => event.type === 'ContactDetailsUpdated');
    return {
      memberId,
      updatedFields: updated?.data.fields ?? [],
      emailVerificationRequested: events.some((event) => event.type === 'EmailVerificationRequested'),
    };
  }

  /**
   * A one-time link for the new address (see verification-token.ts): only the secret's hash is
   * kept in the clear; the token and the address go sealed to the mailer, and verify-email
   * applies the address when the link is followed.
   */
  private async emailVerification(memberId: string, email: string): Promise<{ tokenHash: string; sealed: string }> {
    const { token, tokenHash } = newVerificationToken(memberId);
    return { tokenHash, sealed: await sealForMember(this.vault, memberId, { token, email }) };
  }
}
