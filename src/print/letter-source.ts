import type { PostalAddress } from '../../contracts/events/membership.events';
import type { CommandContext } from '../event-store/command-handling';
import type { QueuedLetter } from './print-queue';

/** A letter as it is printed: in the recipient's language, to the address in the envelope's window. */
export interface Letter {
  letterId: string;
  language: string;
  recipient: { name: string; address: PostalAddress };
  /** The heading (an email's subject). */
  subject: string;
  /** The body, as plain text (an email's text part). */
  text: string;
  /** Every member whose personal data the letter shows, its recipient included: for the staff access log. */
  shows: string[];
}

/** What became of a letter of a batch the secretariat confirmed posted. */
export interface LetterOutcome {
  letterId: string;
  source: string;
  /** posted: it was in a downloaded PDF; not-printed: it never was (it could not, or might no longer, be printed). */
  outcome: 'posted' | 'not-printed';
}

/**
 * Where letters of one kind come from: it renders them from its own (sealed) data when a batch is
 * downloaded, and records what became of them when the batch is confirmed posted. The contact
 * lists are one source (src/contact-lists/contact-list-letters.ts); the mailings (newsletters,
 * meet-up invitations, association notices) by post are another
 * (src/mailings/mailing-letter-source.ts, source 'mailing'). A new kind queues its letters with
 * queueLetters after recording their sends, and adds its LetterSource to the LetterSources made
 * in print.module.ts.
 */
export interface LetterSource {
  /** print_letters.source of its letters. */
  readonly source: string;
  /** The letters that may be printed now, in the order asked; one left out may not, or can no longer, be printed. */
  render(letterIds: readonly string[]): Promise<Letter[]>;
  /** Records each letter's outcome. Idempotent: a confirmation cut short is completed by the next. */
  settle(outcomes: readonly LetterOutcome[], batchId: string, context: CommandContext): Promise<void>;
}

/** Every source, by name: a batch's letters are rendered and settled each by its own source. */
export class LetterSources {
  private readonly sources: Map<string, LetterSource>;

  constructor(sources: readonly LetterSource[]) {
    this.sources = new Map(sources.map((source) => [source.source, source]));
  }

  /** The letters that may be printed now, in the order given. */
  async render(letters: readonly QueuedLetter[]): Promise<Letter[]> {
    const rendered = new Map<string, Letter>();
    for (const [source, group] of bySource(letters)) {
      for (const letter of await this.source(source).render(group.map((queued) => queued.letterId))) rendered.set(letter.letterId, letter);
    }
    return letters.flatMap((queued) => rendered.get(queued.letterId) ?? []);
  }

  async settle(outcomes: readonly LetterOutcome[], batchId: string, context: CommandContext): Promise<void> {
    for (const [source, group] of bySource(outcomes)) await this.source(source).settle(group, batchId, context);
  }

  private source(name: string): LetterSource {
    const source = this.sources.get(name);
    if (!source) throw new Error(`No letter source '${name}' is registered`);
    return source;
  }
}

function bySource<T extends { source: string }>(items: readonly T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(item.source, [...(groups.get(item.source) ?? []), item]);
  return groups;
}

/** A source cannot yet tell what may be printed (its read model is catching up): try again shortly. */
export class LettersNotReadyError extends Error {
  override readonly name = 'LettersNotReadyError';
  constructor() {
    super('The letters cannot be rendered yet; try again shortly');
  }
}
