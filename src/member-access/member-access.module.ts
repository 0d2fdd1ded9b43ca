import { Module } from '@nestjs/common';
import { MemberSessions } from './member-sessions';

/** Members' self-service: signing in with an emailed link, and the session it opens. */
@Module({
  providers: [MemberSessions],
  exports: [MemberSessions],
})
export class MemberAccessModule {}
