import type { Pool } from 'pg';
import { readSenderWork } from '../../projections/contact-list-planner/contact-list-planner.queries';
import { AppConfig } from '../../src/config/app-config';
import type { EventStore } from '../../src/event-store/event-store.port';
import type { TestApp } from './test-app';

/**
 * Waits until the service has nothing left to do now: every projection has applied the whole
 * log, the reactors have stopped appending, the contact-list sender neither holds a message or
 * version it will append for nor finds work due in the planner's state, and the mailing sender
 * has no job to expand or delivery to send. (The senders look for work every 250 and 500 ms, so a
 * log that has not grown for a moment does not say they are idle.)
 */
export async function quiet(service: TestApp, store: EventStore, timeoutMs = 30_000): Promise<void> {
  const { pool } = service.database;
  const { LIST_UPDATE_DEBOUNCE_SECONDS } = service.app.get(AppConfig);
  const deadline = Date.now() + timeoutMs;
  for (let head = -1n; ; ) {
    const now = await store.headPosition();
    if (now === head) return;
    head = now;
    while (!(await caughtUp(pool, head)) || (await sendersHaveWork(pool, LIST_UPDATE_DEBOUNCE_SECONDS))) {
      if (Date.now() > deadline) throw new Error(`the service did not settle at position ${head}: a projection is behind, or a sender has work`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Messages not yet settled and versions not yet published: the contact-list sender appends for each. */
export async function senderInHand(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ open: number }>(
    `SELECT (SELECT count(*) FROM contact_list_outbox WHERE state IN ('planned', 'dispatched'))::int
            + (SELECT count(*) FROM contact_list_sender_versions WHERE state = 'planned')::int AS open`,
  );
  return rows[0].open;
}

async function caughtUp(pool: Pool, head: bigint): Promise<boolean> {
  const { rows } = await pool.query<{ position: string }>('SELECT position::text FROM projection_checkpoints');
  return rows.every((row) => BigInt(row.position) >= head);
}

/**
 * Whether the contact-list sender holds work or would find some in the planner's state now (the
 * same read it makes), or the mailing sender has a job or delivery left.
 */
async function sendersHaveWork(pool: Pool, debounceSeconds: number): Promise<boolean> {
  if ((await senderInHand(pool)) > 0) return true;
  const { rows } = await pool.query<{ pending: number }>(
    `SELECT (SELECT count(*) FROM mailing_jobs WHERE status = 'planned')::int
            + (SELECT count(*) FROM mailing_deliveries WHERE status = 'pending')::int AS pending`,
  );
  if (rows[0].pending > 0) return true;
  const client = await pool.connect();
  try {
    return (await readSenderWork(client, { notBefore: 0n, now: new Date(), debounceSeconds, maxGroups: 1, maxMessages: 1 })) !== undefined;
  } finally {
    client.release();
  }
}
