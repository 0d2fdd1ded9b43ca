import { randomUUID } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../domain/clock';
import { composeMail } from './compose-mail';
import { MailTransport, type OutgoingMail } from './mail-transport';

/**
 * The embedded default: each message becomes one .eml file (open it in any mail program or text
 * editor), named by time so the folder sorts oldest first, e.g.
 * `2026-11-29T12-00-00.123Z-<uuid>.eml`. Written to a hidden temporary file and renamed, so a
 * reader never sees half a message.
 */
export class FileMailTransport extends MailTransport {
  constructor(
    private readonly directory: string,
    private readonly from: string,
    private readonly clock: Clock,
  ) {
    super();
  }

  async send(message: OutgoingMail): Promise<{ providerMessageId: string }> {
    const now = this.clock.now();
    const { raw } = await composeMail(this.from, message, now);
    const name = `${now.toISOString().replaceAll(':', '-')}-${randomUUID()}.eml`;
    const temporary = join(this.directory, `.${name}.tmp`);
    await mkdir(this.directory, { recursive: true });
    const file = await open(temporary, 'wx', 0o600);
    try {
      await file.writeFile(raw);
      await file.sync();
    } catch (error) {
      await file.close();
      await rm(temporary, { force: true });
      throw error;
    }
    await file.close();
    await rename(temporary, join(this.directory, name));
    return { providerMessageId: name };
  }
}
