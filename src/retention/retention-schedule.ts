import { Injectable, Logger } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { RetentionEngine } from './retention-engine';

/**
 * Runs the retention policy every night at 03:30 Danish time: after the day's work, and outside
 * the hour (02:00-03:00) that the changes to and from summer time skip or repeat. Every instance
 * schedules it; the engine's lock lets one run.
 */
@Injectable()
export class RetentionSchedule {
  private readonly logger = new Logger('Retention');

  constructor(private readonly engine: RetentionEngine) {}

  @Cron('0 30 3 * * *', { name: 'retention', timeZone: 'Europe/Copenhagen' })
  async nightly(): Promise<void> {
    try {
      if ((await this.engine.run({ trigger: 'schedule' })).status === 'busy') this.logger.log('the retention policy is applied by another instance');
    } catch (error) {
      // By class name only: a database message may quote data. The next night tries again.
      this.logger.error(`the retention run failed (${error instanceof Error ? error.name : typeof error})`);
    }
  }
}
