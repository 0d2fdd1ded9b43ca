import { Module } from '@nestjs/common';
import { StatisticsController } from './statistics.controller';
import { MemberStatistics } from './statistics.queries';

/** Counts for the secretariat and the annual report, small ones hidden. */
@Module({
  controllers: [StatisticsController],
  providers: [MemberStatistics],
})
export class StatisticsModule {}
