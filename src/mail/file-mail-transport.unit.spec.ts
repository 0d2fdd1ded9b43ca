import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readMailSink } from '../../test/support/mail-sink';
import { Clock } from '../domain/clock';
import { FileMailTransport } from './file-mail-transport';
import type { OutgoingMail } from './mail-transport';

class SteppingClock extends Clock {
  constructor(private time: number) {
    super();
  }
  now(): Date {
    const now = new Date(this.time);
    this.time += 1500;
    return now;
  }
}

const message: OutgoingMail = {
  to: 'thorunn@example.is',
  subject: 'Bekræft din e-mailadresse – Þórunn Guðmundsdóttir, Ærø, Åse, Øster',
  text: 'Kære Þórunn Guðmundsdóttir\n\nÆbler, øl og ål: æøå ÆØÅ þð.\nhttp://localhost:3000/verify?token=abc.def\n',
  html: '<!DOCTYPE html><html lang="da"><body><p>Kære Þórunn Guðmundsdóttir</p><p>Æbler, øl og ål: æøå ÆØÅ þð.</p></body></html>',
  headers: { 'Auto-Submitted': 'auto-generated' },
};

describe('the file mail transport', () => {
  let directory: string;
  beforeEach(async () => {
    directory = join(await mkdtemp(join(tmpdir(), 'sjn-mail-')), 'mail');
  });
  afterEach(async () => {
    await rm(join(directory, '..'), { recursive: true, force: true });
  });

  it('writes one .eml per message that parses back to what was sent', async () => {
    const transport = new FileMailTransport(directory, 'netvaerket@sjaeldnediagnoser.dk', new SteppingClock(Date.parse('2026-11-29T12:00:00.123Z')));
    const { providerMessageId } = await transport.send(message);

    expect(providerMessageId).toMatch(/^2026-11-29T12-00-00\.123Z-[0-9a-f-]{36}\.eml$/);
    expect(await readdir(directory)).toEqual([providerMessageId]);
    const [mail] = await readMailSink(directory);
    expect(mail).toEqual(
      expect.objectContaining({ file: providerMessageId, to: message.to, subject: message.subject, text: message.text, html: message.html }),
    );
    expect(mail.headers).toEqual(
      expect.objectContaining({
        from: 'netvaerket@sjaeldnediagnoser.dk',
        date: '2026-11-29T12:00:00.000Z',
        'auto-submitted': 'auto-generated',
        'message-id': expect.stringMatching(/^<[0-9a-f-]{36}@sjaeldnediagnoser\.dk>$/),
        'mime-version': '1.0',
      }),
    );
  });

  it('writes plain UTF-8 MIME that a newcomer can read in any editor', async () => {
    const transport = new FileMailTransport(directory, 'netvaerket@sjaeldnediagnoser.dk', new SteppingClock(Date.now()));
    const { providerMessageId } = await transport.send(message);
    const raw = await readFile(join(directory, providerMessageId), 'utf8');
    expect(raw).toMatch(/^Content-Type: multipart\/alternative;/m);
    expect(raw).toMatch(/^Content-Type: text\/plain; charset=utf-8\r?$/m);
    expect(raw).toMatch(/^Content-Transfer-Encoding: quoted-printable\r?$/m);
    expect(raw).toContain('To: thorunn@example.is');
  });

  it('names files so that they sort in the order they were written, and leaves no temporary files', async () => {
    const transport = new FileMailTransport(directory, 'netvaerket@sjaeldnediagnoser.dk', new SteppingClock(Date.parse('2026-12-31T23:59:58.000Z')));
    const sent: string[] = [];
    for (const subject of ['first', 'second', 'third']) sent.push((await transport.send({ ...message, subject })).providerMessageId);
    expect((await readdir(directory)).sort()).toEqual(sent);
    expect((await readMailSink(directory)).map((mail) => mail.subject)).toEqual(['first', 'second', 'third']);
  });

  it('keeps messages sent at the same moment apart', async () => {
    const clock = new (class extends Clock {
      now = () => new Date('2026-11-29T12:00:00.000Z');
    })();
    const transport = new FileMailTransport(directory, 'netvaerket@sjaeldnediagnoser.dk', clock);
    await Promise.all(Array.from({ length: 10 }, (_, i) => transport.send({ ...message, subject: `n${i}` })));
    const files = await readdir(directory);
    expect(files).toHaveLength(10);
    expect(files.every((file) => file.endsWith('.eml'))).toBe(true);
  });

  it('reads an empty sink from a folder that does not exist yet', async () => {
    expect(await readMailSink(join(directory, 'nothing-here'))).toEqual([]);
  });
});
