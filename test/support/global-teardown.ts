import { rm } from 'node:fs/promises';

export default async function globalTeardown(): Promise<void> {
  const server = globalThis.testPostgres;
  if (!server) return;
  await server.stop();
  await rm(server.directory, { recursive: true, force: true });
}
