import { AppConfig, ConfigError, loadConfig } from './config/app-config';
import { loadMasterKey } from './crypto/master-key';
import { migrate, openDatabase, type OpenDatabase } from './database/database';
import type { InfrastructureOptions } from './infrastructure.module';

/** Reads the configuration; on an error prints which variables are wrong and exits (EX_CONFIG). */
export function configFromEnvironmentOrExit(): AppConfig {
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(78);
  }
}

/** Opens (or starts) the database, migrates it and loads the master key: all the service needs to boot. */
export async function prepareInfrastructure(config: AppConfig, options: { attach?: boolean } = {}): Promise<{ database: OpenDatabase; infrastructure: InfrastructureOptions }> {
  const database = await openDatabase(config, options);
  await migrate(database.connectionString);
  const masterKey = await loadMasterKey(config);
  return { database, infrastructure: { config, connectionString: database.connectionString, masterKey } };
}
