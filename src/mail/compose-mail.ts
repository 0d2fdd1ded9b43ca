import { randomUUID } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { OutgoingMail } from './mail-transport';

export interface ComposedMail {
  /** The whole RFC 5322 message: UTF-8 text and HTML parts, quoted-printable. */
  raw: Buffer;
  /** The Message-ID header's value, e.g. <uuid@example.org>. */
  messageId: string;
}

/** Builds the message every transport sends, so the file sink shows exactly what SES would get. */
export async function composeMail(from: string, message: OutgoingMail, date: Date): Promise<ComposedMail> {
  const domain = from.slice(from.lastIndexOf('@') + 1);
  const messageId = `<${randomUUID()}@${domain}>`;
  const composer = new MailComposer({
    from,
    to: message.to,
    subject: message.subject,
    text: message.text,
    html: message.html,
    headers: message.headers,
    messageId,
    date,
    textEncoding: 'quoted-printable',
    // The content is ours: nothing in a message may make the composer read files or URLs.
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  return { raw: await composer.compile().build(), messageId };
}
