import { type DynamicModule, type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { ScheduleModule } from '@nestjs/schedule';
import { ALL_PROJECTIONS, PROJECTION_MODULES } from '../projections';
import { ProjectionsModule } from '../projections/projections.module';
import { ContactListsModule } from './contact-lists/contact-lists.module';
import { DiagnosesModule } from './diagnoses/diagnoses.module';
import { HealthModule } from './health/health.module';
import { AccessGuard } from './http/access.guard';
import { ProblemDetailsFilter } from './http/problem-details.filter';
import { RequestLoggerMiddleware } from './http/request-logger.middleware';
import { InfrastructureModule, type InfrastructureOptions } from './infrastructure.module';
import { MailModule } from './mail/mail.module';
import { MemberAccessModule } from './member-access/member-access.module';
import { MembershipModule } from './membership/membership.module';
import { RetentionModule } from './retention/retention.module';
import { RightsRequestsModule } from './rights-requests/rights-requests.module';

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
        DiagnosesModule,
        MembershipModule,
        MemberAccessModule,
        ContactListsModule,
        RightsRequestsModule,
        // The nightly retention run; forRoot() here only, or every @Cron would run once per import.
        ScheduleModule.forRoot(),
        RetentionModule,
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
