import { type DynamicModule, Inject, Injectable, Module, type OnApplicationBootstrap, type OnModuleDestroy, type Type } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EVENT_STORE, type EventStore } from '../src/event-store/event-store.port';
import { AppConfig } from '../src/config/app-config';
import { DATABASE_URL } from '../src/infrastructure.module';
import { PROJECTIONS, type Projection } from './runner/projection';
import { ProjectionRunner, type ProjectionStatus } from './runner/projection-runner';
import { ProjectionThread } from './runner/projection-thread';
import { THREADED_READ_MODELS } from './threaded-read-models';

/**
 * Starts a runner per projection when the application is up and stops them first on shutdown:
 * on the main thread, or for the first PROJECTION_THREADS of THREADED_READ_MODELS in a worker
 * thread each.
 */
@Injectable()
export class ProjectionsService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly runners: Array<ProjectionRunner | ProjectionThread>;

  constructor(
    @Inject(PROJECTIONS) projections: Projection[],
    @Inject(EVENT_STORE) store: EventStore,
    dataSource: DataSource,
    @Inject(DATABASE_URL) connectionString: string,
    config: AppConfig,
  ) {
    const threaded = THREADED_READ_MODELS.slice(0, config.PROJECTION_THREADS);
    this.runners = projections.map((projection) => {
      const index = threaded.findIndex((readModel) => projection instanceof readModel);
      if (index < 0) return new ProjectionRunner(projection, store, dataSource, { connectionString });
      return new ProjectionThread(projection.name, projection.version, {
        index,
        connectionString,
        config: { EVENT_STORE: config.EVENT_STORE, EVENTSTORE_CONNECTION_STRING: config.EVENTSTORE_CONNECTION_STRING, LOG_FORMAT: config.LOG_FORMAT },
      });
    });
  }

  onApplicationBootstrap(): void {
    for (const runner of this.runners) runner.start();
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all(this.runners.map((runner) => runner.stop()));
  }

  statuses(): ProjectionStatus[] {
    return this.runners.map((runner) => runner.status());
  }
}

@Module({})
export class ProjectionsModule {
  /**
   * `modules`: the modules of the read models (each provides and exports its projection and
   * its queries); `projections`: the projection classes the runner drives.
   */
  static forRoot(modules: Array<Type<unknown>>, projections: Array<Type<Projection>>): DynamicModule {
    return {
      module: ProjectionsModule,
      global: true,
      imports: modules,
      providers: [
        { provide: PROJECTIONS, inject: projections, useFactory: (...instances: Projection[]) => instances },
        ProjectionsService,
      ],
      exports: [ProjectionsService, ...modules],
    };
  }
}
