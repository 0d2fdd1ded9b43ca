import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { DomainEvent } from '../../contracts/events/domain-event';
import { type DiagnosisRegistered, UNDIAGNOSED_DIAGNOSIS_ID, diagnosisStream } from '../../contracts/events/diagnosis.events';
import { Clock } from '../domain/clock';
import { toNewEvents } from '../event-store/command-handling';
import { EVENT_STORE, type EventStore, WrongExpectedRevisionError } from '../event-store/event-store.port';

export const UNDIAGNOSED_GROUP_NAME = 'Udiagnosticeret (mistanke om sjælden sygdom)';

/** The registration of the group for people without a diagnosis (suspected rare). */
export const undiagnosedGroupRegistered = (): DiagnosisRegistered => ({
  type: 'DiagnosisRegistered',
  data: { diagnosisId: UNDIAGNOSED_DIAGNOSIS_ID, name: UNDIAGNOSED_GROUP_NAME },
});

/**
 * Makes sure the undiagnosed group exists from the first start: appends its registration to a
 * stream that must not exist yet. On every later start, and on every other instance starting at
 * the same time, the stream exists and the append is refused, which is the expected outcome.
 */
@Injectable()
export class UndiagnosedGroup implements OnApplicationBootstrap {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const events: DomainEvent[] = [undiagnosedGroupRegistered()];
    const context = { actorRole: 'system' as const, correlationId: randomUUID(), now: this.clock.now() };
    try {
      await this.store.append(diagnosisStream(UNDIAGNOSED_DIAGNOSIS_ID), toNewEvents(events, context), 'no_stream');
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
    }
  }
}
