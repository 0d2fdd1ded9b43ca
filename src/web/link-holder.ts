import { memberStream } from '../../contracts/events/membership.events';
import { loadState } from '../event-store/command-handling';
import type { EventStore } from '../event-store/event-store.port';
import type { MemberState } from '../membership/member';
import { memberEvolver } from '../membership/member';
import { parseVerificationToken, secretMatches } from '../membership/verification-token';

/**
 * The member an emailed one-time link names, so its landing page can speak their language: only
 * when the token's secret is one of that member's links (pending, used, or their consent
 * hand-over). The id part alone proves nothing, and the page must not tell a made-up id from a
 * member's. Whether the link still works is for the command that uses it.
 */
export async function memberOfLink(store: EventStore, token: unknown): Promise<MemberState | undefined> {
  const parsed = typeof token === 'string' ? parseVerificationToken(token) : undefined;
  if (!parsed) return undefined;
  const { state } = await loadState(store, memberStream(parsed.memberId), memberEvolver);
  const links = [state.pendingVerification?.tokenHash, state.usedTokenHash, state.handOver?.tokenHash];
  return state.exists && links.some((hash) => hash !== undefined && secretMatches(parsed.secret, hash)) ? state : undefined;
}
