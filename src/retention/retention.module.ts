import { Module } from '@nestjs/common';
import { MemberAccessModule } from '../member-access/member-access.module';
import { RetentionController } from './retention.controller';
import { RetentionEngine } from './retention-engine';
import { RetentionRuns } from './retention-runs';
import { RetentionSchedule } from './retention-schedule';

/**
 * The deletion (retention) policy applied nightly and on demand (src/retention/cli.ts), its runs,
 * and the records of processing rendered from it. ScheduleModule.forRoot() is in the AppModule.
 */
@Module({
  imports: [MemberAccessModule],
  controllers: [RetentionController],
  providers: [RetentionEngine, RetentionSchedule, RetentionRuns],
  exports: [RetentionEngine],
})
export class RetentionModule {}
