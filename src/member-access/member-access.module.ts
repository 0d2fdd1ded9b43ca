import { Module } from '@nestjs/common';
import { getOptionsToken, getStorageToken } from '@nestjs/throttler';
import { AccessLogModule } from '../access-log/access-log.module';
import { AppConfig } from '../config/app-config';
import { EmailClaims } from '../membership/email-claims';
import { MemberSessions } from './member-sessions';
import { MyChangesController } from './my-changes/my-changes.controller';
import { MyData } from './my-data/my-data.queries';
import { MyDataController } from './my-data/my-data.controller';
import { SignInController } from './sign-in/sign-in.controller';
import { PostgresThrottlerStorage } from './sign-in/postgres-throttler-storage';
import { SignInLinks } from './sign-in/sign-in-links';
import { signInThrottlerOptions } from './sign-in/sign-in-throttling';

/**
 * Members' self-service: signing in with an emailed link, the session it opens, and the /me
 * routes. The ThrottlerModule's options and storage are provided here rather than through its
 * global forRoot, so the rate limits reach only the routes that use SignInThrottlerGuard (the
 * sign-in routes, and the web pages' sign-up and sign-in forms); no other route is throttled.
 */
@Module({
  imports: [AccessLogModule],
  controllers: [SignInController, MyDataController, MyChangesController],
  providers: [
    MemberSessions,
    EmailClaims,
    SignInLinks,
    MyData,
    { provide: getOptionsToken(), inject: [AppConfig, EmailClaims], useFactory: signInThrottlerOptions },
    // Counted in PostgreSQL, so that every instance enforces the same limits.
    { provide: getStorageToken(), useClass: PostgresThrottlerStorage },
  ],
  // The web pages (src/web) serve the same sign-in and data, under the same rate limits.
  exports: [MemberSessions, MyData, SignInLinks, getOptionsToken(), getStorageToken()],
})
export class MemberAccessModule {}
