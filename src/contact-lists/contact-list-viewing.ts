import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { type ContactListViewed, dispatchStream } from '../../contracts/events/contact-list.events';
import type { PostalAddress } from '../../contracts/events/membership.events';
import { type GroupState, readGroupState } from '../../projections/contact-list-planner/contact-list-planner.queries';
import { KeyVault } from '../crypto/key-vault';
import { IdGenerator } from '../domain/clock';
import { type CommandContext, toNewEvents } from '../event-store/command-handling';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port';
import { assertLawful, groupEntries, numberedView, seesGreenlandOnly } from './contact-list-building';
import { entryDigest, listReferenceFor, openPlanned } from './contact-list-vault';
import { Listability } from './listability';

/** One entry as the viewer is shown it: its number in this view, the name and the fields the member shares. */
export interface ViewedEntry {
  number: number;
  name: string;
  address?: PostalAddress;
  phone?: string;
  email?: string;
}

export interface ViewedGroupList {
  diagnosisId: string;
  diagnosisName: string;
  /** The reference of this view: a deletion notice or a correction later refers to it. */
  listReference: string;
  /** The log position the list was built at (the planner's checkpoint). */
  builtAtPosition: string;
  entries: ViewedEntry[];
}

/** A member's contact lists in self-service: their group's, or none (not, or no longer, a member who may see one). */
export interface MyContactLists {
  groups: ViewedGroupList[];
}

/** How long a view waits for the planner to see what the log held when it was asked for, and how often it looks. */
const CATCH_UP_MS = 5000;
const POLL_MS = 25;

/**
 * Self-service viewing of the contact list (portal delivery; a member who gets lists by email
 * may look too). Each view is a disclosure: the list is built NOW, the way the sender builds a
 * version (the planner's state as of its checkpoint, the same building and the same lawfulness
 * check), for the viewer only (every entry but their own; in Greenland only the entries that
 * allow it), and ContactListViewed is appended to a new `dispatch-<id>` BEFORE it is returned.
 *
 * The planner must first have seen everything the log held when the view was asked for, so a
 * withdrawal or restriction just made (the viewer's or anyone's) takes effect at once. A viewer
 * who may not receive a list (not admitted, withdrawn, restricted, erased) is shown nothing and
 * nothing is recorded.
 */
@Injectable()
export class ContactListViewing {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly pool: Pool,
    private readonly vault: KeyVault,
    private readonly ids: IdGenerator,
  ) {}

  /** The viewer's lists, recorded as shown; undefined when the planner did not catch up in time. */
  async view(viewerId: string, context: CommandContext): Promise<MyContactLists | undefined> {
    const state = await caughtUpGroupState(this.store, this.pool, viewerId);
    if (!state) return undefined;
    const listability = Listability.restore(
      [...state.members.values()].map((member) => member.facts),
      state.clusters,
    );
    const viewer = listability.member(viewerId);
    if (!viewer || !listability.isListable(viewerId)) return { groups: [] };
    const { diagnosisId } = viewer;
    const personal = await openPlanned(this.vault, state.members);
    const shown = numberedView(groupEntries({ diagnosisId, listability, personal, digest: entryDigest(this.vault) }), viewerId, seesGreenlandOnly(viewer));
    assertLawful(listability, viewerId, shown);

    const dispatchId = this.ids.newId();
    const listReference = listReferenceFor(this.vault, dispatchId);
    const builtAtPosition = state.position.toString();
    const viewed: ContactListViewed = {
      type: 'ContactListViewed',
      data: {
        dispatchId,
        recipientId: viewerId,
        diagnosisId,
        builtAtPosition,
        entries: shown.map(({ subjectId, fields, digest, greenland }) => ({ subjectId, fields, digest, greenland })),
        listReference,
        channel: 'portal',
      },
    };
    await this.store.append(dispatchStream(dispatchId), toNewEvents([viewed], context), 'no_stream');
    return {
      groups: [{ diagnosisId, diagnosisName: state.diagnosisName, listReference, builtAtPosition, entries: shown.map((entry) => ({ number: entry.number, ...entry.values })) }],
    };
  }
}

/**
 * The planner's state of a member's group once it has seen the log's head as of now (so that a
 * change just made counts); undefined when it did not catch up in time.
 */
export async function caughtUpGroupState(store: EventStore, pool: Pool, memberId: string): Promise<GroupState | undefined> {
  const head = await store.headPosition();
  const deadline = Date.now() + CATCH_UP_MS;
  for (;;) {
    const client = await pool.connect();
    let state: GroupState | undefined;
    try {
      state = await readGroupState(client, memberId, head);
    } finally {
      client.release();
    }
    if (state || Date.now() > deadline) return state;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
