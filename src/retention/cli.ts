import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../app.module';
import { configFromEnvironmentOrExit, prepareInfrastructure } from '../startup';
import { RetentionEngine } from './retention-engine';

const USAGE = 'usage: npm run retention [-- --dry-run]';

/**
 * Applies the retention policy now, as the nightly run does, and prints what it did as JSON.
 * --dry-run only counts what is due and changes nothing. Exits 75 when another run is under way.
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.some((arg) => arg !== '--dry-run')) {
    process.stderr.write(`${USAGE}\n`);
    process.exit(64);
  }
  const config = configFromEnvironmentOrExit();
  const { database, infrastructure } = await prepareInfrastructure(config, { attach: true });
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(infrastructure), { logger: ['error', 'warn'] });
  try {
    const outcome = await app.get(RetentionEngine).run({ trigger: 'cli', dryRun: args.includes('--dry-run') });
    if (outcome.status === 'busy') {
      process.stderr.write('another retention run is under way; try again later\n');
      process.exitCode = 75;
      return;
    }
    process.stdout.write(`${JSON.stringify(outcome.status === 'completed' ? outcome.run : outcome, null, 2)}\n`);
  } finally {
    await app.close();
    await database.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
