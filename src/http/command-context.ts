import { randomUUID } from 'node:crypto';
import type { CommandContext } from '../event-store/command-handling';
import type { Clock } from '../domain/clock';
import type { RequestWithCaller } from './access.guard';

/** The context of a command sent over HTTP: the caller's role, a fresh correlation id, the time. */
export function commandContextOf(request: RequestWithCaller, clock: Clock): CommandContext {
  const role = request.caller?.role ?? 'public';
  return { actorRole: role, correlationId: randomUUID(), now: clock.now() };
}
