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

/** An error's class and code only, for logs and records: a transport's message may quote an address. */
export function mailFailureKind(error: unknown): string {
  if (!(error instanceof Error)) return typeof error;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? `${error.name} ${code}` : error.name;
}

/**
 * Sends a message, trying again after each pause in `delaysMs` (so delaysMs.length + 1 tries in
 * all). A rejection is final at once. Rejects with the last error; `onRetry` hears the kind of
 * each failure that is tried again.
 */
export async function sendWithRetries(
  transport: MailTransport,
  mail: OutgoingMail,
  delaysMs: readonly number[],
  onRetry: (failure: string) => void,
): Promise<{ providerMessageId: string }> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await transport.send(mail);
    } catch (error) {
      if (error instanceof MailRejectedError || attempt >= delaysMs.length) throw error;
      onRetry(mailFailureKind(error));
      await new Promise((resolve) => setTimeout(resolve, delaysMs[attempt]));
    }
  }
}
