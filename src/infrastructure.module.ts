import { type DynamicModule, Global, Inject, Injectable, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Pool } from 'pg';
import { AppConfig } from './config/app-config';
import { KeyVault } from './crypto/key-vault';
import { Clock, IdGenerator, RandomIds, SystemClock } from './domain/clock';
import { EVENT_STORE, type EventStore } from './event-store/event-store.port';
import { EventStoreDbEventStore } from './event-store/eventstoredb/eventstoredb-event-store';
import { EVENT_STORE_POOL_SETTINGS, PostgresEventStore } from './event-store/postgres/postgres-event-store';

export interface InfrastructureOptions {
  config: AppConfig;
  /** The PostgreSQL that holds read models, checkpoints, keys (and the events, with EVENT_STORE=postgres). */
  connectionString: string;
  masterKey: Buffer;
}

/** The connection string of the service's PostgreSQL, for components that need a session of their own. */
export const DATABASE_URL = Symbol('DatabaseUrl');

@Injectable()
class ConnectionsCloser implements OnApplicationShutdown {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly pool: Pool,
  ) {}

  /** Runs after every module's onModuleDestroy, so projections have stopped using both. */
  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
    await this.pool.end();
  }
}

/**
 * The service's pool for the event store, the key vault and other plain-SQL users. An idle
 * connection the server closes (a restart, or the embedded server stopping after pool.end(),
 * which does not wait for sockets to close) must not crash the process: the pool reconnects on
 * next use, so the error is only logged, by its code (a message may quote data).
 */
export function createPool(connectionString: string, settings: { max?: number } = {}): Pool {
  const pool = new Pool({ ...EVENT_STORE_POOL_SETTINGS, ...settings, connectionString });
  const logger = new Logger('Database');
  pool.on('error', (error: Error & { code?: string }) => logger.warn(`idle connection lost (${error.code ?? error.name})`));
  return pool;
}

/** The event store the configuration names; with EVENT_STORE=postgres, in `pool`'s database, listening for appends. */
export async function openEventStore(config: Pick<AppConfig, 'EVENT_STORE' | 'EVENTSTORE_CONNECTION_STRING'>, pool: Pool, connectionString: string): Promise<EventStore> {
  if (config.EVENT_STORE === 'eventstoredb') return EventStoreDbEventStore.fromConnectionString(config.EVENTSTORE_CONNECTION_STRING ?? '');
  const store = new PostgresEventStore(pool, { listenConnectionString: connectionString });
  await store.start();
  return store;
}

/** Configuration, the database, the event store, the key vault, the clock and ids, for the whole application. */
@Global()
@Module({})
export class InfrastructureModule {
  static forRoot({ config, connectionString, masterKey }: InfrastructureOptions): DynamicModule {
    return {
      module: InfrastructureModule,
      imports: [
        // The schema is migrated before the application starts (src/database/database.ts).
        TypeOrmModule.forRoot({ type: 'postgres', url: connectionString, autoLoadEntities: true, synchronize: false, migrationsRun: false }),
      ],
      providers: [
        { provide: AppConfig, useValue: config },
        { provide: DATABASE_URL, useValue: connectionString },
        { provide: Pool, useFactory: () => createPool(connectionString) },
        {
          provide: EVENT_STORE,
          inject: [Pool],
          useFactory: (pool: Pool): Promise<EventStore> => openEventStore(config, pool, connectionString),
        },
        { provide: KeyVault, inject: [Pool], useFactory: (pool: Pool) => KeyVault.open(pool, masterKey) },
        { provide: Clock, useClass: SystemClock },
        { provide: IdGenerator, useClass: RandomIds },
        ConnectionsCloser,
      ],
      exports: [AppConfig, DATABASE_URL, Pool, EVENT_STORE, KeyVault, Clock, IdGenerator],
    };
  }
}
