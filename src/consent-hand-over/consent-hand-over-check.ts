import { Inject, Injectable, Logger } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { CONSENT_HAND_OVERS } from '../../projections/consent-hand-overs/consent-hand-overs.projector';
import { ConsentHandOvers } from '../../projections/consent-hand-overs/consent-hand-overs.queries';
import { waitForProjection } from '../../projections/runner/catch-up';
import { runAlone } from '../database/session-lock';
import { Clock, IdGenerator } from '../domain/clock';
import { DomainError } from '../domain/domain-error';
import type { CommandContext } from '../event-store/command-handling';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port';
import { DATABASE_URL } from '../infrastructure.module';
import { ReviewConsentHandOverCommand, type ReviewConsentHandOverResult } from './review-consent-hand-over/review-consent-hand-over.command';

const LOCK_NAME = 'consent-hand-over';
/** How long a check waits for the consent-hand-overs projection to reach the log's head. */
const CATCH_UP_TIMEOUT_MS = 60_000;

export type ConsentHandOverCheckOutcome = { status: 'completed'; requested: number; lapsed: number; failed: number } | { status: 'busy' };

/**
 * The daily check of consents that relatives gave for children (see ConsentHandOverSchedule):
 * every member the consent-hand-overs read model says may be due is reviewed by the
 * ReviewConsentHandOverCommand, whose pure decision asks the young person or lets the consent
 * lapse. One check at a time across instances (an advisory lock); a member whose review fails
 * is tried again the next day.
 */
@Injectable()
export class ConsentHandOverCheck {
  private readonly logger = new Logger('ConsentHandOver');

  constructor(
    private readonly commands: CommandBus,
    private readonly handOvers: ConsentHandOvers,
    private readonly dataSource: DataSource,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DATABASE_URL) private readonly connectionString: string,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async run(): Promise<ConsentHandOverCheckOutcome> {
    return (await runAlone(this.connectionString, LOCK_NAME, () => this.check())) ?? { status: 'busy' };
  }

  private async check(): Promise<ConsentHandOverCheckOutcome> {
    await waitForProjection(this.dataSource, this.store, CONSENT_HAND_OVERS, CATCH_UP_TIMEOUT_MS);
    // The check's id is the correlation id of every event it causes.
    const checkId = this.ids.newId();
    const context = (): CommandContext => ({ actorRole: 'system', correlationId: checkId, now: this.clock.now() });
    const counts: Record<ReviewConsentHandOverResult | 'failed', number> = { requested: 0, lapsed: 0, nothing: 0, failed: 0 };
    for (const memberId of await this.handOvers.due(this.clock.now())) {
      try {
        counts[await this.commands.execute(new ReviewConsentHandOverCommand(memberId, context()))] += 1;
      } catch (error) {
        counts.failed += 1;
        // Named by the error's class and rule only: never the member.
        this.logger.warn(`a consent hand-over review failed (${error instanceof DomainError ? `${error.kind} ${error.rule}` : error instanceof Error ? error.name : typeof error})`);
      }
    }
    this.logger.log(`consent hand-over check done: ${counts.requested} asked, ${counts.lapsed} lapsed${counts.failed ? `, ${counts.failed} failed` : ''}`);
    return { status: 'completed', requested: counts.requested, lapsed: counts.lapsed, failed: counts.failed };
  }
}
