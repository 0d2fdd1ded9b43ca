import { type DynamicModule, type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { ScheduleModule } from '@nestjs/schedule';
import { ALL_PROJECTIONS, PROJECTION_MODULES } from '../projections';
import { ProjectionsModule } from '../projections/projections.module';
import { AssociationsModule } from './associations/associations.module';
import { ConsentHandOverModule } from './consent-hand-over/consent-hand-over.module';
import { ContactListsModule } from './contact-lists/contact-lists.module';
import { FacebookInvitationsModule } from './facebook-invitations/facebook-invitations.module';
import { DiagnosesModule } from './diagnoses/diagnoses.module';
import { HealthModule } from './health/health.module';
import { OperationsModule } from './operations/operations.module';
import { AccessGuard } from './http/access.guard';
import { ProblemDetailsFilter } from './http/problem-details.filter';
import { RequestLoggerMiddleware } from './http/request-logger.middleware';
import { InfrastructureModule, type InfrastructureOptions } from './infrastructure.module';
import { MailModule } from './mail/mail.module';
import { MailingsModule } from './mailings/mailings.module';
import { MeetupsModule } from './meetups/meetups.module';
import { MemberAccessModule } from './member-access/member-access.module';
import { MembershipModule } from './membership/membership.module';
import { NewslettersModule } from './newsletters/newsletters.module';
import { OrphanetModule } from './orphanet/orphanet.module';
import { PrintModule } from './print/print.module';
import { RetentionModule } from './retention/retention.module';
import { RightsRequestsModule } from './rights-requests/rights-requests.module';
import { WebModule } from './web/web.module';
import { StatisticsModule } from './statistics/statistics.module';

@Module({})
export class AppModule implements NestModule {
  static forRoot(options: InfrastructureOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CqrsModule.forRoot(),
        InfrastructureModule.forRoot(options),
        MailModule,
        ProjectionsModule.forRoot(PROJECTION_MODULES, ALL_PROJECTIONS),
        HealthModule,
        OperationsModule,
        DiagnosesModule,
        MembershipModule,
        MemberAccessModule,
        ContactListsModule,
        PrintModule,
        RightsRequestsModule,
        // Network life: mailings to many members and what the secretariat does with the network.
        MailingsModule,
        NewslettersModule,
        MeetupsModule,
        FacebookInvitationsModule,
        AssociationsModule,
        StatisticsModule,
        // The nightly retention run; forRoot() here only, or every @Cron would run once per import.
        ScheduleModule.forRoot(),
        RetentionModule,
        ConsentHandOverModule,
        // The Orphanet catalogue (npm run import-orphanet), also used by the diagnosis catalogue's assessments.
        OrphanetModule,
        WebModule,
      ],
      providers: [
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RequestLoggerMiddleware).forRoutes('*path');
  }
}
