import { Injectable } from '@nestjs/common';
import { Pool, type PoolClient } from 'pg';

/**
 * A letter in the print queue: ids and codes only. What it says is rendered by its source from
 * the source's sealed data when a batch is downloaded, so nobody's data is copied here and an
 * erasure (a shredded key) reaches a letter that is not printed yet.
 */
export interface QueuedLetter {
  /** For a contact-list message: its dispatch id. */
  letterId: string;
  /** The LetterSource that renders and settles it (src/print/letter-source.ts). */
  source: string;
  /** What it is, for the secretariat's overview: list, correction, deletion, ... */
  kind: string;
  recipientId: string;
}

export interface PendingLetter extends QueuedLetter {
  queuedAt: string;
}

export interface BatchLetter extends QueuedLetter {
  /** It was in a downloaded PDF of the batch: it may have been posted. */
  printed: boolean;
}

export interface PrintBatch {
  batchId: string;
  createdAt: string;
  downloadedAt: string | null;
  postedAt: string | null;
  /** In the order they are queued (and printed). */
  letters: BatchLetter[];
}

export interface OpenBatch {
  batchId: string;
  createdAt: string;
  downloadedAt: string | null;
  letters: number;
}

/**
 * Puts letters into the print queue; a letter queued before (a retry after a crash) stays as it
 * is. The caller has recorded each letter's dispatch before this (dispatch before send).
 */
export async function queueLetters(db: Pick<PoolClient, 'query'>, letters: readonly QueuedLetter[], queuedAt: Date): Promise<void> {
  if (letters.length === 0) return;
  await db.query(
    `INSERT INTO print_letters (letter_id, source, kind, recipient_id, queued_at)
     SELECT letter_id, source, kind, recipient_id, $2 FROM jsonb_to_recordset($1::jsonb) AS r(letter_id uuid, source text, kind text, recipient_id uuid)
     ON CONFLICT (letter_id) DO NOTHING`,
    [JSON.stringify(letters.map((letter) => ({ letter_id: letter.letterId, source: letter.source, kind: letter.kind, recipient_id: letter.recipientId }))), queuedAt.toISOString()],
  );
}

interface LetterRow {
  letter_id: string;
  source: string;
  kind: string;
  recipient_id: string;
  queued_at: Date;
  printed: boolean;
}

/** The print queue and its batches (tables print_letters and print_batches). */
@Injectable()
export class PrintQueue {
  constructor(private readonly pool: Pool) {}

  /** Letters waiting for a batch, oldest first. */
  async pending(): Promise<PendingLetter[]> {
    const result = await this.pool.query<LetterRow>(
      `SELECT letter_id::text, source, kind, recipient_id::text, queued_at FROM print_letters WHERE batch_id IS NULL ORDER BY queued_at, letter_id`,
    );
    return result.rows.map((row) => ({ ...letterOf(row), queuedAt: row.queued_at.toISOString() }));
  }

  /** Batches made but not confirmed posted, oldest first. */
  async openBatches(): Promise<OpenBatch[]> {
    const result = await this.pool.query<{ batch_id: string; created_at: Date; downloaded_at: Date | null; letters: number }>(
      `SELECT b.batch_id::text, b.created_at, b.downloaded_at, (SELECT count(*)::int FROM print_letters l WHERE l.batch_id = b.batch_id) AS letters
       FROM print_batches b WHERE b.posted_at IS NULL ORDER BY b.created_at, b.batch_id`,
    );
    return result.rows.map((row) => ({ batchId: row.batch_id, createdAt: row.created_at.toISOString(), downloadedAt: row.downloaded_at?.toISOString() ?? null, letters: row.letters }));
  }

  /**
   * Makes a batch of every letter waiting; returns how many it took (0: none waited, and no
   * batch is made). Letters taken by a concurrent call are skipped, never batched twice.
   */
  async createBatch(batchId: string, now: Date): Promise<number> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('INSERT INTO print_batches (batch_id, created_at) VALUES ($1, $2)', [batchId, now.toISOString()]);
      const taken = await client.query(
        `UPDATE print_letters SET batch_id = $1
         WHERE letter_id IN (SELECT letter_id FROM print_letters WHERE batch_id IS NULL FOR UPDATE SKIP LOCKED)`,
        [batchId],
      );
      await client.query(taken.rowCount ? 'COMMIT' : 'ROLLBACK');
      return taken.rowCount ?? 0;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async batch(batchId: string): Promise<PrintBatch | undefined> {
    const batch = await this.pool.query<{ created_at: Date; downloaded_at: Date | null; posted_at: Date | null }>(
      'SELECT created_at, downloaded_at, posted_at FROM print_batches WHERE batch_id = $1',
      [batchId],
    );
    const row = batch.rows[0];
    if (!row) return undefined;
    const letters = await this.pool.query<LetterRow>(
      `SELECT letter_id::text, source, kind, recipient_id::text, queued_at, printed FROM print_letters WHERE batch_id = $1 ORDER BY queued_at, letter_id`,
      [batchId],
    );
    return {
      batchId,
      createdAt: row.created_at.toISOString(),
      downloadedAt: row.downloaded_at?.toISOString() ?? null,
      postedAt: row.posted_at?.toISOString() ?? null,
      letters: letters.rows.map((letter) => ({ ...letterOf(letter), printed: letter.printed })),
    };
  }

  /** The letters were in a PDF handed out: from now on they count as posted when the batch is confirmed. */
  async markPrinted(batchId: string, letterIds: readonly string[], now: Date): Promise<void> {
    await this.pool.query('UPDATE print_letters SET printed = true WHERE batch_id = $1 AND letter_id = ANY($2::uuid[])', [batchId, letterIds]);
    await this.pool.query('UPDATE print_batches SET downloaded_at = $2 WHERE batch_id = $1 AND downloaded_at IS NULL', [batchId, now.toISOString()]);
  }

  async markPosted(batchId: string, now: Date): Promise<void> {
    await this.pool.query('UPDATE print_batches SET posted_at = $2 WHERE batch_id = $1 AND posted_at IS NULL', [batchId, now.toISOString()]);
  }
}

function letterOf(row: LetterRow): QueuedLetter {
  return { letterId: row.letter_id, source: row.source, kind: row.kind, recipientId: row.recipient_id };
}
