import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../app.module';
import { configFromEnvironmentOrExit, prepareInfrastructure } from '../startup';
import { OrphadataFormatError } from './orphadata-xml';
import { OrphanetImport } from './orphanet-import';

const USAGE = 'usage: npm run import-orphanet -- <file.xml> [<file.xml>]   (en_product1.xml, en_product9_prev.xml, or both)';

/**
 * Replaces the Orphanet catalogue with Orphadata's product files (https://www.orphadata.com):
 * the nomenclature (en_product1.xml), the epidemiology (en_product9_prev.xml), or both. Prints
 * what was imported as JSON; a file it refuses is named with what is wrong and where (exit 65),
 * and then nothing changes.
 */
async function main(): Promise<void> {
  const files = process.argv.slice(2);
  if (files.length === 0 || files.some((file) => file.startsWith('-'))) {
    process.stderr.write(`${USAGE}\n`);
    process.exit(64);
  }
  const config = configFromEnvironmentOrExit();
  const { database, infrastructure } = await prepareInfrastructure(config, { attach: true });
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(infrastructure), { logger: ['error', 'warn'] });
  try {
    const imported = await app.get(OrphanetImport).importFiles(files);
    process.stdout.write(`${JSON.stringify(imported, null, 2)}\n`);
  } catch (error) {
    if (!(error instanceof OrphadataFormatError)) throw error;
    process.stderr.write(`refused, nothing imported: ${error.message}\n`);
    process.exitCode = 65;
  } finally {
    await app.close();
    await database.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
