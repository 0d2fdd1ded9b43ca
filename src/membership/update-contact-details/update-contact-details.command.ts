import { Command } from '@nestjs/cqrs';
import type { ContactDetails, PostalAddress } from '../../../contracts/events/membership.events';
import type { CommandContext } from '../../event-store/command-handling';

export interface UpdateContactDetailsResult {
  memberId: string;
  /** The fields that changed now (an email change is not among them: it waits for verification). */
  updatedFields: Array<keyof ContactDetails>;
  /** True when a new email address was given: a verification link goes to it, and it is used once verified. */
  emailVerificationRequested: boolean;
}

/** Rectification (GDPR Art. 16) entered by the secretariat. */
export class UpdateContactDetailsCommand extends Command<UpdateContactDetailsResult> {
  constructor(
    readonly memberId: string,
    readonly changes: { name?: string; email?: string; phone?: string; address?: PostalAddress },
    readonly context: CommandContext,
  ) {
    super();
  }
}
