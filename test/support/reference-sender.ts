import { randomUUID } from 'node:crypto';
import {
  type ContactListDelivered,
  type ContactListDeliveryFailed,
  type ContactListDispatched,
  type ContactListVersionPublished,
  type ContactListViewed,
  contactListStream,
  type CorrectionDispatched,
  type DeletionNoticeDispatched,
  dispatchStream,
  type ListEntry,
  type ListNoticeDispatched,
} from '../../contracts/events/contact-list.events';
import type { DomainEvent } from '../../contracts/events/domain-event';
import type { NewEvent } from '../../contracts/events/event-envelope';
import type { ListableMember } from '../../src/contact-lists/listability';
import { Listability, recipientView } from '../../src/contact-lists/listability';
import { toNewEvents } from '../../src/event-store/command-handling';
import type { EventStore } from '../../src/event-store/event-store.port';

/**
 * A small sender for specs, written against the contract only (the real sender, a reactor in
 * projections/, is built separately): it follows the log with a Listability fold, and on each
 * run publishes a group's list version built at the position it has read up to, then dispatches
 * it to every recipient; it also sends the corrections and deletion notices the members' changes
 * call for. A member who chose portal delivery (ListDeliveryChosen) is sent notices instead of
 * lists and corrections, and `view` records what such a member sees in self-service. It uses
 * only the fold's own answers (groupList, recipients, recipientView, isListable), never
 * `unlawfulness`, so the verification's re-check is an independent judge of it.
 */
export interface SentDispatch {
  position: bigint;
  dispatchId: string;
  recipientId: string;
  kind: DomainEvent['type'];
  listReference: string;
}

export interface SenderRun {
  builtAtPosition: bigint;
  version?: number;
  versionPosition?: bigint;
  dispatches: SentDispatch[];
}

let clockMs = Date.parse('2026-12-01T09:00:00.000Z');
/** Times of the spec's events: one second apart, so time spans select exactly. */
export function nextInstant(): Date {
  clockMs += 1000;
  return new Date(clockMs);
}

export async function appendAt(store: EventStore, streamId: string, events: DomainEvent[], at = nextInstant()): Promise<bigint> {
  const result = await store.append(streamId, toNewEvents(events, { actorRole: 'system', correlationId: randomUUID(), now: at }), 'any');
  return result.position;
}

export const digestOf = (subjectId: string, fields: readonly string[]): string => `hmac-${subjectId.slice(0, 8)}-${fields.join('.')}`;

export function listEntry(member: ListableMember): ListEntry {
  return { subjectId: member.memberId, fields: [...member.sharedFields], digest: digestOf(member.memberId, member.sharedFields), greenland: member.allowTransferToGreenland };
}

export class ReferenceSender {
  readonly fold = new Listability();
  /** The position the fold has read up to. */
  position = 0n;
  private readonly versions = new Map<string, number>();
  /** subject -> the recipients who hold their data. */
  private readonly holders = new Map<string, Set<string>>();
  private readonly corrections = new Set<string>();
  private readonly notices = new Map<string, DeletionNoticeDispatched['data']['reason']>();
  /** Members who get their lists in self-service. */
  private readonly portal = new Set<string>();

  constructor(private readonly store: EventStore) {}

  async catchUp(): Promise<bigint> {
    for (;;) {
      const batch = await this.store.readAll({ after: this.position, maxCount: 500 });
      if (batch.length === 0) return this.position;
      for (const event of batch) {
        this.fold.apply(event);
        const memberId = (event.data as { memberId?: string }).memberId;
        if (memberId !== undefined) {
          if (event.type === 'ContactDetailsUpdated') this.corrections.add(memberId);
          if (event.type === 'ConsentWithdrawn') this.notices.set(memberId, 'withdrawn');
          if (event.type === 'MemberRestricted') this.notices.set(memberId, 'restricted');
          if (event.type === 'MemberErased') this.notices.set(memberId, 'erased');
          if (event.type === 'ListDeliveryChosen') {
            if ((event.data as { delivery: string }).delivery === 'portal') this.portal.add(memberId);
            else this.portal.delete(memberId);
          }
        }
        this.position = event.position;
      }
    }
  }

  /** Corrections and deletion notices due, then the group's list to every recipient. */
  async run(diagnosisId: string, { deliver = true } = {}): Promise<SenderRun> {
    const builtAt = await this.catchUp();
    const dispatches: SentDispatch[] = [];
    for (const [subjectId, reason] of this.notices) {
      for (const recipientId of this.holders.get(subjectId) ?? []) {
        const dispatchId = randomUUID();
        const notice: DeletionNoticeDispatched = {
          type: 'DeletionNoticeDispatched',
          data: { dispatchId, recipientId, subjectId, reason, listReference: reference(), channel: 'email' },
        };
        dispatches.push(await this.dispatch(notice, deliver));
      }
      this.holders.delete(subjectId);
      this.corrections.delete(subjectId);
    }
    this.notices.clear();
    for (const subjectId of this.corrections) {
      const subject = this.fold.member(subjectId);
      if (!subject || !this.fold.isListable(subjectId)) continue;
      const entry = listEntry(subject);
      for (const recipientId of this.holders.get(subjectId) ?? []) {
        const recipient = this.fold.member(recipientId);
        if (!recipient || !this.fold.isListable(recipientId)) continue;
        if (!this.fold.groupList(recipient.diagnosisId).some((listed) => listed.memberId === subjectId)) continue;
        if (recipientView([entry], recipientId, recipient.country === 'GL').length === 0) continue;
        const dispatchId = randomUUID();
        const correction: CorrectionDispatched | ListNoticeDispatched = this.portal.has(recipientId)
          ? {
              type: 'ListNoticeDispatched',
              data: { dispatchId, recipientId, diagnosisId: recipient.diagnosisId, reason: 'entry-corrected', subjectId, correctedAtPosition: builtAt.toString(), listReference: reference(), idempotencyKey: dispatchId, channel: 'email' },
            }
          : { type: 'CorrectionDispatched', data: { dispatchId, recipientId, subjectId, entry, builtAtPosition: builtAt.toString(), listReference: reference(), channel: 'email' } };
        dispatches.push(await this.dispatch(correction, deliver));
      }
    }
    this.corrections.clear();

    const entries = this.fold.groupList(diagnosisId).map(listEntry);
    const version = (this.versions.get(diagnosisId) ?? 0) + 1;
    this.versions.set(diagnosisId, version);
    const published: ContactListVersionPublished = {
      type: 'ContactListVersionPublished',
      data: { diagnosisId, version, builtAtPosition: builtAt.toString(), entries, newcomers: [] },
    };
    const versionPosition = await appendAt(this.store, contactListStream(diagnosisId), [published]);
    for (const recipient of this.fold.recipients(diagnosisId)) {
      const greenlandOnly = recipient.country === 'GL';
      if (this.portal.has(recipient.memberId)) {
        const dispatchId = randomUUID();
        const notice: ListNoticeDispatched = {
          type: 'ListNoticeDispatched',
          data: { dispatchId, recipientId: recipient.memberId, diagnosisId, reason: 'list-updated', listVersion: version, listReference: reference(), idempotencyKey: dispatchId, channel: 'email' },
        };
        dispatches.push(await this.dispatch(notice, deliver));
        continue;
      }
      const dispatched: ContactListDispatched = {
        type: 'ContactListDispatched',
        data: {
          dispatchId: randomUUID(),
          recipientId: recipient.memberId,
          diagnosisId,
          listVersion: version,
          builtAtPosition: builtAt.toString(),
          view: { greenlandOnly },
          listReference: reference(),
          idempotencyKey: `${recipient.memberId}:${diagnosisId}:${version}`,
          channel: 'email',
        },
      };
      dispatches.push(await this.dispatch(dispatched, deliver));
      for (const entry of recipientView(entries, recipient.memberId, greenlandOnly)) {
        this.holders.set(entry.subjectId, (this.holders.get(entry.subjectId) ?? new Set()).add(recipient.memberId));
      }
    }
    return { builtAtPosition: builtAt, version, versionPosition, dispatches };
  }

  /** A member looks at their group's list in self-service: recorded (if they may see one) with what they were shown. */
  async view(viewerId: string): Promise<SentDispatch | undefined> {
    const builtAt = await this.catchUp();
    const viewer = this.fold.member(viewerId);
    if (!viewer || !this.fold.isListable(viewerId)) return undefined;
    const entries = recipientView(this.fold.groupList(viewer.diagnosisId).map(listEntry), viewerId, viewer.country === 'GL');
    const dispatchId = randomUUID();
    const viewed: ContactListViewed = {
      type: 'ContactListViewed',
      data: { dispatchId, recipientId: viewerId, diagnosisId: viewer.diagnosisId, builtAtPosition: builtAt.toString(), entries, listReference: reference(), channel: 'portal' },
    };
    const position = await appendAt(this.store, dispatchStream(dispatchId), [viewed]);
    for (const entry of entries) this.holders.set(entry.subjectId, (this.holders.get(entry.subjectId) ?? new Set()).add(viewerId));
    return { position, dispatchId, recipientId: viewerId, kind: viewed.type, listReference: viewed.data.listReference };
  }

  /** Records the dispatch, then (as a sender does after handing it to the transport) its delivery. */
  private async dispatch(event: ContactListDispatched | CorrectionDispatched | DeletionNoticeDispatched | ListNoticeDispatched, deliver: boolean): Promise<SentDispatch> {
    const { dispatchId, recipientId, listReference } = event.data;
    const position = await appendAt(this.store, dispatchStream(dispatchId), [event]);
    if (deliver) await appendAt(this.store, dispatchStream(dispatchId), [delivered(dispatchId)]);
    return { position, dispatchId, recipientId, kind: event.type, listReference };
  }
}

let references = 0;
function reference(): string {
  references += 1;
  return `SN-${String(references).padStart(6, '0')}-${randomUUID().slice(0, 4)}`;
}

export const delivered = (dispatchId: string, attempt = 1, resent = false): ContactListDelivered => ({
  type: 'ContactListDelivered',
  data: { dispatchId, providerMessageId: `msg-${dispatchId.slice(0, 8)}-${attempt}`, attempt, resent },
});

export const deliveryFailed = (dispatchId: string, attempt: number, final: boolean): ContactListDeliveryFailed => ({
  type: 'ContactListDeliveryFailed',
  data: { dispatchId, attempt, reason: 'SMTP 451 temporary failure', final },
});

/** NewEvents for a store append, stamped with one instant. */
export function stamped(events: DomainEvent[], at = nextInstant()): NewEvent[] {
  return toNewEvents(events, { actorRole: 'system', correlationId: randomUUID(), now: at });
}
