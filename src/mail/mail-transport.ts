/** One message to one recipient, as the mail templates render it. */
export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Extra header fields, e.g. Auto-Submitted. Never personal data beyond what the body holds. */
  headers?: Record<string, string>;
}

/**
 * The mail port. Adapters: FileMailTransport (the embedded default, .eml files under DATA_DIR/mail)
 * and SesMailTransport (Amazon SES). Both send the bytes composeMail() makes. A transport tries
 * once: the caller owns retries.
 */
export abstract class MailTransport {
  /** Resolves once the message is accepted; rejects with MailRejectedError if it never will be. */
  abstract send(message: OutgoingMail): Promise<{ providerMessageId: string }>;
}

/**
 * The provider refused this message for good (e.g. SES MessageRejected): retrying will not help.
 * The message says only the provider's reason code, never an address.
 */
export class MailRejectedError extends Error {
  override readonly name = 'MailRejectedError';
  constructor(readonly reason: string) {
    super(`The mail provider rejected the message (${reason})`);
  }
}
