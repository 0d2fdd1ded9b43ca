import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MEMBER_MAIL_ENTITIES } from './member-mail.entity';
import { DEFAULT_RETRY_DELAYS_MS, MEMBER_MAIL_RETRY_DELAYS, MemberMailReactor } from './member-mail.reactor';

/** The reactor that emails members about their sign-up (uses the global MailModule). */
@Module({
  imports: [TypeOrmModule.forFeature(MEMBER_MAIL_ENTITIES)],
  providers: [MemberMailReactor, { provide: MEMBER_MAIL_RETRY_DELAYS, useValue: DEFAULT_RETRY_DELAYS_MS }],
  exports: [MemberMailReactor],
})
export class MemberMailModule {}
