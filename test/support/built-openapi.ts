import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OpenApiDocument } from './openapi-fuzz';
import { spawnService, waitForHealthy } from './service-process';
import { createTestDatabase } from './test-database';

/**
 * The OpenAPI document of the built service (dist/, made by `npm test` before jest runs). Only
 * `nest build` runs the Swagger compiler plugin that documents the DTOs' fields; under ts-jest
 * (transpile-only) the same document has every route but empty body schemas.
 */
export async function builtOpenApiDocument(): Promise<OpenApiDocument> {
  const database = await createTestDatabase();
  const dataDir = await mkdtemp(join(tmpdir(), 'sjn-openapi-'));
  const service = await spawnService({ DATA_DIR: dataDir, DATABASE_URL: database.connectionString, MASTER_KEY: randomBytes(32).toString('base64') });
  try {
    await waitForHealthy(service);
    return (await (await fetch(`${service.url}/api/openapi.json`)).json()) as OpenApiDocument;
  } finally {
    service.child.kill('SIGTERM');
    await service.exited;
    await database.drop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** `METHOD /path/{param}` of every operation in a document. */
export function operationsOf(document: OpenApiDocument): string[] {
  return Object.entries(document.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`));
}
