import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AppModule } from '../src/app.module';
import { EVENT_STORE, type EventStore } from '../src/event-store/event-store.port';
import { configFromEnvironmentOrExit, prepareInfrastructure } from '../src/startup';
import { ProjectionsService } from './projections.module';

const USAGE = 'usage: npm run projections -- rebuild <name>   |   npm run projections -- list';

/**
 * Rebuilds a read model from position 0. It marks the projection's checkpoint; the active runner,
 * in a running service or in this process when none runs, empties the read model and replays the
 * log. Waits until the rebuild has caught up with the log as it was when asked.
 */
async function main(): Promise<void> {
  const [command, name] = process.argv.slice(2);
  if (!(command === 'list' || (command === 'rebuild' && name))) {
    process.stderr.write(`${USAGE}\n`);
    process.exit(64);
  }
  const config = configFromEnvironmentOrExit();
  const { database, infrastructure } = await prepareInfrastructure(config, { attach: true });
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(infrastructure), { logger: ['error', 'warn'] });
  try {
    const names = app.get(ProjectionsService).statuses().map((status) => status.name);
    if (command === 'list') {
      process.stdout.write(`${names.join('\n')}\n`);
      return;
    }
    if (!names.includes(name)) throw new Error(`no projection named "${name}"; known: ${names.join(', ') || '(none)'}`);
    const dataSource = app.get(DataSource);
    const target = await app.get<EventStore>(EVENT_STORE).headPosition();
    await dataSource.query(
      `INSERT INTO projection_checkpoints (name, version, rebuild_requested) VALUES ($1, 0, true)
       ON CONFLICT (name) DO UPDATE SET rebuild_requested = true`,
      [name],
    );
    process.stderr.write(`rebuild of ${name} requested; replaying up to position ${target}\n`);
    for (;;) {
      const [row]: Array<{ position: string; rebuild_requested: boolean; failed_at_position: string | null }> = await dataSource.query(
        'SELECT position, rebuild_requested, failed_at_position FROM projection_checkpoints WHERE name = $1',
        [name],
      );
      if (row.failed_at_position !== null) throw new Error(`the rebuild of ${name} stopped at event position ${row.failed_at_position}`);
      if (!row.rebuild_requested && BigInt(row.position) >= target) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    process.stderr.write(`rebuilt ${name}\n`);
  } finally {
    await app.close();
    await database.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
