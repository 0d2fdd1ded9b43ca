import { Injectable, Logger } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { ConsentHandOverCheck } from './consent-hand-over-check';

/**
 * Checks the consents relatives gave every day at 04:00 Danish time: after the retention run,
 * outside the hour the changes to and from summer time skip or repeat. Every instance schedules
 * it; the check's lock lets one run.
 */
@Injectable()
export class ConsentHandOverSchedule {
  private readonly logger = new Logger('ConsentHandOver');

  constructor(private readonly check: ConsentHandOverCheck) {}

  @Cron('0 0 4 * * *', { name: 'consent-hand-over', timeZone: 'Europe/Copenhagen' })
  async daily(): Promise<void> {
    try {
      if ((await this.check.run()).status === 'busy') this.logger.log('the consent hand-over check runs in another instance');
    } catch (error) {
      // By class name only: a database message may quote data. The next day tries again.
      this.logger.error(`the consent hand-over check failed (${error instanceof Error ? error.name : typeof error})`);
    }
  }
}
