import { memberStream } from '../../contracts/events/membership.events';
import { loadState } from '../event-store/command-handling';
import type { EventStore } from '../event-store/event-store.port';
import type { MemberState } from '../membership/member';
import { memberEvolver } from '../membership/member';
import { parseVerificationToken } from '../membership/verification-token';

/**
 * The member an emailed one-time link names (by the id part of its token), so its landing page
 * can speak their language. The secret is not checked here: only the command that uses the link does.
 */
export async function memberOfLink(store: EventStore, token: unknown): Promise<MemberState | undefined> {
  const parsed = typeof token === 'string' ? parseVerificationToken(token) : undefined;
  if (!parsed) return undefined;
  const { state } = await loadState(store, memberStream(parsed.memberId), memberEvolver);
  return state.exists ? state : undefined;
}
