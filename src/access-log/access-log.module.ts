import { Module } from '@nestjs/common';
import { AccessLogController } from './access-log.controller';
import { StaffAccessLog } from './staff-access-log';

/** The staff access log: written by the look-ups of personal data, read by the dpo. */
@Module({
  controllers: [AccessLogController],
  providers: [StaffAccessLog],
  exports: [StaffAccessLog],
})
export class AccessLogModule {}
