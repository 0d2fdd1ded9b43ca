import type { Pool, PoolClient } from 'pg';
import type { ContactListEvent } from '../../contracts/events/contact-list.events';
import type { DeletionReason } from './dispatch-keys';

/** What a message is about. A portal recipient's list or correction goes out as a notice (render.kind), keyed as the message it stands in for. */
export type OutboxKind = 'list' | 'correction' | 'deletion';
/**
 * queued: a letter (channel post) in the print queue: the sender is done with it, its sealed
 * copies stay until the secretariat confirms the print batch posted (src/print).
 */
export type OutboxState = 'planned' | 'dispatched' | 'queued' | 'delivered' | 'failed' | 'skipped';

/** The print queue's source name of the contact lists' letters (src/print/letter-source.ts). */
export const LETTER_SOURCE = 'contact-list';

/** What a message needs to be rendered again, besides sealed data: no personal data. */
export type RenderParams =
  | { kind: 'list'; listReference: string; welcome: boolean; greenlandOnly: boolean }
  | { kind: 'correction'; listReference: string; correctedListReference: string; entryNumber: number; listedAt: string }
  | { kind: 'deletion'; listReference: string; heldListReference: string; entryNumber: number; listedAt: string; reason: DeletionReason }
  | { kind: 'notice'; listReference: string; welcome: boolean; corrected: boolean };

/** The event that records a message's dispatch, as it will be (or was) appended. */
export type DispatchEvent = Extract<ContactListEvent, { type: 'ContactListDispatched' | 'CorrectionDispatched' | 'DeletionNoticeDispatched' | 'ListNoticeDispatched' }>;

/** One message the sender planned (a row of contact_list_outbox). */
export interface OutboxMessage {
  dispatchId: string;
  idempotencyKey: string;
  kind: OutboxKind;
  recipientId: string;
  subjectId: string | null;
  sourcePosition: string | null;
  diagnosisId: string | null;
  listVersion: number | null;
  state: OutboxState;
  event: DispatchEvent | null;
  language: string;
  /** The recipient's PersonalData, sealed (their name and address for the message); NULL once settled. */
  recipientPersonal: string | null;
  /** A correction's subject's PersonalData, sealed, as the correction was built; NULL once settled. */
  subjectPersonal: string | null;
  render: RenderParams;
  attempts: number;
  failure: string | null;
}

interface OutboxRow {
  dispatch_id: string;
  idempotency_key: string;
  kind: OutboxKind;
  recipient_id: string;
  subject_id: string | null;
  source_position: string | null;
  diagnosis_id: string | null;
  list_version: number | null;
  state: OutboxState;
  event: DispatchEvent | null;
  language: string;
  recipient_personal: string | null;
  subject_personal: string | null;
  render: RenderParams;
  attempts: number;
  failure: string | null;
}

const COLUMNS = `dispatch_id::text, idempotency_key, kind, recipient_id::text, subject_id::text, source_position::text, diagnosis_id::text,
  list_version, state, event, language, recipient_personal, subject_personal, render, attempts, failure`;

/** Inserts messages in one statement; returns those that were new (a known idempotency key is left as it is). */
export async function insertOutbox(db: Pick<PoolClient, 'query'>, messages: readonly OutboxMessage[]): Promise<Set<string>> {
  if (messages.length === 0) return new Set();
  const result = await db.query<{ dispatch_id: string }>(
    `INSERT INTO contact_list_outbox
       (dispatch_id, idempotency_key, kind, recipient_id, subject_id, source_position, diagnosis_id, list_version, state, event, language,
        recipient_personal, subject_personal, render, attempts, failure)
     SELECT dispatch_id, idempotency_key, kind, recipient_id, subject_id, source_position, diagnosis_id, list_version, state, event, language,
            recipient_personal, subject_personal, render, attempts, failure
     FROM jsonb_to_recordset($1::jsonb) AS r(dispatch_id uuid, idempotency_key text, kind text, recipient_id uuid, subject_id uuid,
       source_position bigint, diagnosis_id uuid, list_version integer, state text, event jsonb, language text, recipient_personal text,
       subject_personal text, render jsonb, attempts integer, failure text)
     ON CONFLICT DO NOTHING
     RETURNING dispatch_id::text`,
    [JSON.stringify(messages.map(toRow))],
  );
  return new Set(result.rows.map((row) => row.dispatch_id));
}

/** The messages not settled yet (planned or dispatched), oldest first. */
export async function openOutbox(pool: Pool): Promise<OutboxMessage[]> {
  const result = await pool.query<OutboxRow>(`SELECT ${COLUMNS} FROM contact_list_outbox WHERE state IN ('planned', 'dispatched') ORDER BY created_at, dispatch_id`);
  return result.rows.map(fromRow);
}

/** The messages with these dispatch ids, in that state. */
export async function readOutbox(pool: Pool, dispatchIds: readonly string[], state: OutboxState): Promise<OutboxMessage[]> {
  const result = await pool.query<OutboxRow>(`SELECT ${COLUMNS} FROM contact_list_outbox WHERE dispatch_id = ANY($1::uuid[]) AND state = $2`, [dispatchIds, state]);
  return result.rows.map(fromRow);
}

export interface OutboxUpdate {
  dispatchId: string;
  state: OutboxState;
  attempts?: number;
  providerMessageId?: string;
  failure?: string;
}

/**
 * Writes state changes of messages. Changes that come in while a write is under way are sent
 * together in the next one (one statement for many concurrent deliveries). A settled message
 * (delivered or failed) drops its sealed copies of personal data.
 */
export class OutboxWriter {
  private queue: Array<{ update: OutboxUpdate; resolve: () => void; reject: (error: unknown) => void }> = [];
  private flushing = false;

  constructor(private readonly pool: Pool) {}

  update(update: OutboxUpdate): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ update, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, 1000);
        try {
          await this.pool.query(
            `UPDATE contact_list_outbox o SET
               state = r.state,
               attempts = coalesce(r.attempts, o.attempts),
               provider_message_id = coalesce(r.provider_message_id, o.provider_message_id),
               failure = coalesce(r.failure, o.failure),
               recipient_personal = CASE WHEN r.state IN ('delivered', 'failed') THEN NULL ELSE o.recipient_personal END,
               subject_personal = CASE WHEN r.state IN ('delivered', 'failed') THEN NULL ELSE o.subject_personal END,
               updated_at = now()
             FROM jsonb_to_recordset($1::jsonb) AS r(dispatch_id uuid, state text, attempts integer, provider_message_id text, failure text)
             WHERE o.dispatch_id = r.dispatch_id`,
            [
              JSON.stringify(
                batch.map(({ update }) => ({
                  dispatch_id: update.dispatchId,
                  state: update.state,
                  attempts: update.attempts ?? null,
                  provider_message_id: update.providerMessageId ?? null,
                  failure: update.failure ?? null,
                })),
              ),
            ],
          );
          for (const item of batch) item.resolve();
        } catch (error) {
          for (const item of batch) item.reject(error);
        }
      }
    } finally {
      this.flushing = false;
    }
  }
}

function toRow(message: OutboxMessage): OutboxRow {
  return {
    dispatch_id: message.dispatchId,
    idempotency_key: message.idempotencyKey,
    kind: message.kind,
    recipient_id: message.recipientId,
    subject_id: message.subjectId,
    source_position: message.sourcePosition,
    diagnosis_id: message.diagnosisId,
    list_version: message.listVersion,
    state: message.state,
    event: message.event,
    language: message.language,
    recipient_personal: message.recipientPersonal,
    subject_personal: message.subjectPersonal,
    render: message.render,
    attempts: message.attempts,
    failure: message.failure,
  };
}

function fromRow(row: OutboxRow): OutboxMessage {
  return {
    dispatchId: row.dispatch_id,
    idempotencyKey: row.idempotency_key,
    kind: row.kind,
    recipientId: row.recipient_id,
    subjectId: row.subject_id,
    sourcePosition: row.source_position,
    diagnosisId: row.diagnosis_id,
    listVersion: row.list_version,
    state: row.state,
    event: row.event,
    language: row.language,
    recipientPersonal: row.recipient_personal,
    subjectPersonal: row.subject_personal,
    render: row.render,
    attempts: row.attempts,
    failure: row.failure,
  };
}
