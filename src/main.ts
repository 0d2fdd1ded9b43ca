import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './bootstrap';
import { loggerFor } from './operations/json-logger';
import { configFromEnvironmentOrExit, prepareInfrastructure } from './startup';

async function main(): Promise<void> {
  const config = configFromEnvironmentOrExit();
  const format = loggerFor(config);
  if (format) Logger.overrideLogger(format); // from the first line on, not only once the app is built
  const logger = new Logger('Main');
  const { database, infrastructure } = await prepareInfrastructure(config);
  logger.log(database.embedded ? `embedded PostgreSQL started under ${config.DATA_DIR}` : 'using the PostgreSQL at DATABASE_URL');
  const app = await createApp(infrastructure, format);
  await app.listen(config.PORT);
  logger.log(`listening on port ${config.PORT}`);

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal}: shutting down`);
    await app.close(); // stops projections, then closes the event store and the pools
    await database.stop(); // the embedded server goes last
    process.exit(0);
  };
  process.on('SIGINT', (signal) => void stop(signal));
  process.on('SIGTERM', (signal) => void stop(signal));
}

main().catch((error: unknown) => {
  process.stderr.write(`Failed to start: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`);
  process.exit(1);
});
