import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CONFIG_VARIABLES, loadConfig } from '../src/config/app-config';

/**
 * The compose files of infra/ cannot be started here (no Docker engine), so this reads them: every
 * service the README names is there, and each instance of the service has the environment its
 * configuration (src/config/app-config.ts) requires for that setup. The configuration itself
 * judges the environment: it must load, and name nothing the configuration does not read.
 */
const ROOT = join(__dirname, '..');
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string; target?: string };
  environment?: Record<string, string>;
  depends_on?: Record<string, unknown> | string[];
  ports?: string[];
  networks?: Record<string, { ipv4_address?: string } | null> | string[];
}

/** The secrets a setup reads from infra/.env, as the README's one-time line makes them. */
const SECRETS: Record<string, string> = {
  MASTER_KEY: randomBytes(32).toString('base64'),
  API_KEYS: `secretariat:${randomBytes(24).toString('hex')},dpo:${randomBytes(24).toString('hex')}`,
  METRICS_TOKEN: randomBytes(24).toString('hex'),
  POSTGRES_PASSWORD: randomBytes(24).toString('hex'),
};

/** Compose's variable substitution: ${NAME}, ${NAME:-default}, ${NAME:?error}. */
function substitute(value: string, variables: Record<string, string>): string {
  return value.replace(/\$\{(\w+)(?::([-?])([^}]*))?\}/g, (_match, name: string, kind?: string, fallback?: string) => {
    if (name in variables) return variables[name];
    if (kind === '-') return fallback ?? '';
    throw new Error(`\${${name}} is not set`);
  });
}

/** The setups the README describes: compose file -> the services it names. */
function setupsInReadme(): Map<string, string[]> {
  const rows = [...read('README.md').matchAll(/^\| `(infra\/compose\.[\w.-]+\.yml)` \| (.+) \|$/gm)];
  return new Map(rows.map(([, file, services]) => [file, [...services.matchAll(/`([\w-]+)`/g)].map(([, name]) => name)]));
}

const AWS_CREDENTIALS = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'];

describe('the compose files of infra/', () => {
  const setups = setupsInReadme();

  it('are described in the README, each with a one-line command to start it', () => {
    expect([...setups.keys()].sort()).toEqual(['infra/compose.cluster.yml', 'infra/compose.postgres.yml']);
    for (const file of setups.keys()) expect(read('README.md')).toContain(`docker compose -f ${file} up -d --build\n`);
  });

  describe.each([...setups.entries()])('%s', (file, named) => {
    const compose = parse(read(file), { merge: true }) as { services: Record<string, ComposeService> };
    const services = compose.services;
    const instances = Object.keys(services).filter((name) => services[name].build?.target === 'service');
    const nodes = Object.keys(services).filter((name) => /eventstore|kurrent/.test(services[name].image ?? ''));
    const environmentOf = (name: string): Record<string, string> =>
      Object.fromEntries(Object.entries(services[name].environment ?? {}).map(([key, value]) => [key, substitute(String(value), SECRETS)]));
    const hostOf = (url: string): string => new URL(url.replace(/^esdb:/, 'http:')).hostname;

    it('runs exactly the services the README names', () => {
      expect(Object.keys(services).sort()).toEqual([...named].sort());
    });

    it('runs two instances of the service, built from infra/Dockerfile, with one and the same environment', () => {
      expect(instances).toEqual(['service-1', 'service-2']);
      for (const name of instances) expect(services[name].build).toEqual({ context: '..', dockerfile: 'infra/Dockerfile', target: 'service' });
      expect(services['service-2'].environment).toEqual(services['service-1'].environment);
    });

    it.each(['service-1', 'service-2'])('gives %s an environment the configuration accepts, and only variables it reads', (name) => {
      const environment = environmentOf(name);
      expect(() => loadConfig(environment)).not.toThrow();
      expect(Object.keys(environment).filter((key) => !CONFIG_VARIABLES.includes(key) && !AWS_CREDENTIALS.includes(key))).toEqual([]);
    });

    it('points the instances at the setup\'s own database, event store, mail and proxy', () => {
      const config = loadConfig(environmentOf('service-1'));
      const dependsOn = Object.keys(services['service-1'].depends_on ?? {});
      expect(config.DATABASE_URL && hostOf(config.DATABASE_URL)).toBe('postgres');
      expect(config.EVENT_STORE).toBe(nodes.length > 0 ? 'eventstoredb' : 'postgres');
      if (nodes.length > 0) {
        expect(nodes).toHaveLength(3);
        const seeds = (config.EVENTSTORE_CONNECTION_STRING ?? '').replace(/^esdb:\/\//, '').split('?')[0].split(',');
        expect(seeds.map((seed) => seed.split(':')[0]).sort()).toEqual([...nodes].sort());
      }
      expect(dependsOn.sort()).toEqual(['postgres', 'ses', ...nodes].sort());
      expect({ transport: config.MAIL_TRANSPORT, host: config.SES_ENDPOINT && hostOf(config.SES_ENDPOINT) }).toEqual({ transport: 'ses', host: 'ses' });
      expect(services.ses.build?.target).toBe('ses-emulator');
      // The public address is the proxy's published port, and the instances trust the proxy's address alone.
      const [published] = (services.proxy.ports ?? [])[0].split(':');
      expect(config.PUBLIC_URL).toBe(`http://localhost:${published}`);
      const networks = services.proxy.networks as Record<string, { ipv4_address?: string }>;
      expect(config.TRUST_PROXY).toBe(Object.values(networks)[0].ipv4_address);
    });

    it('takes every secret from infra/.env, none written into the file', () => {
      for (const secret of ['MASTER_KEY', 'API_KEYS', 'METRICS_TOKEN']) expect(services['service-1'].environment?.[secret]).toMatch(new RegExp(`^\\$\\{${secret}:\\?`));
      expect(services['service-1'].environment?.DATABASE_URL).toContain('${POSTGRES_PASSWORD:?');
      expect(services.postgres.environment?.POSTGRES_PASSWORD).toMatch(/^\$\{POSTGRES_PASSWORD:\?/);
    });

    it('has the proxy forward to both instances', () => {
      const upstreams = /reverse_proxy ([^{\n]+)/.exec(read('infra/Caddyfile'))?.[1].trim().split(/\s+/);
      expect(upstreams?.sort()).toEqual(instances.map((name) => `${name}:${loadConfig(environmentOf(name)).PORT}`).sort());
    });
  });

  it('need only the secrets that the README\'s one-time line writes into infra/.env', () => {
    const required = new Set([...setups.keys()].flatMap((file) => [...read(file).matchAll(/\$\{(\w+):\?/g)].map(([, name]) => name)));
    const written = /^printf '([^']+)'.*> infra\/\.env$/m.exec(read('README.md'))?.[1];
    expect([...(written ?? '').matchAll(/(?:^|\\n)(\w+)=/g)].map(([, name]) => name).sort()).toEqual([...required].sort());
    expect(Object.keys(SECRETS).sort()).toEqual([...required].sort());
  });

  it('build the image in stages, and run it from dist/ and production dependencies as a user without privileges', () => {
    const stages = read('infra/Dockerfile').split(/^(?=FROM )/m).filter((stage) => stage.startsWith('FROM '));
    const service = stages.find((stage) => / AS service\n/.test(stage)) ?? '';
    // Every stage starts from Node 24 (LTS), directly or through an earlier stage.
    const names = stages.map((stage) => / AS ([\w-]+)\n/.exec(stage)?.[1]);
    expect(stages.filter((stage, index) => !stage.startsWith('FROM node:24-') && !names.slice(0, index).includes(/^FROM (\S+)/.exec(stage)?.[1]))).toEqual([]);
    expect(read('infra/Dockerfile')).toMatch(/^RUN npm ci$/m);
    expect(read('infra/Dockerfile')).toMatch(/^RUN npm ci --omit=dev$/m);
    expect(read('infra/Dockerfile')).toMatch(/^RUN node_modules\/\.bin\/nest build$/m);
    expect([...service.matchAll(/^COPY (.+)$/gm)].map(([, copy]) => copy)).toEqual([
      '--from=production-dependencies /app/node_modules node_modules',
      '--from=build /app/dist dist',
      'package.json ./',
    ]);
    expect(service).toMatch(/^USER node$/m);
    expect(service).toMatch(/^CMD \["node", "dist\/src\/main\.js"\]$/m);
  });

  it('gives each EventStoreDB node of the cluster the other two as gossip seeds', () => {
    const { services } = parse(read('infra/compose.cluster.yml'), { merge: true }) as { services: Record<string, ComposeService> };
    const addressOf = (name: string): string | undefined => (services[name].networks as Record<string, { ipv4_address?: string }>).sjn.ipv4_address;
    const nodes = ['eventstoredb-1', 'eventstoredb-2', 'eventstoredb-3'];
    for (const node of nodes) {
      const environment = services[node].environment ?? {};
      expect({ node, size: environment.EVENTSTORE_CLUSTER_SIZE, ip: environment.EVENTSTORE_NODE_IP, seeds: environment.EVENTSTORE_GOSSIP_SEED?.split(',').sort() }).toEqual({
        node,
        size: '3',
        ip: addressOf(node),
        seeds: nodes.filter((other) => other !== node).map((other) => `${addressOf(other)}:2113`),
      });
    }
  });
});
