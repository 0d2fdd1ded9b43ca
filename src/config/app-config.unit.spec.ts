import { ConfigError, loadConfig, parseApiKeys, parseOidcRoles } from './app-config';

const MASTER_KEY = Buffer.alloc(32, 7).toString('base64');

describe('configuration', () => {
  it('has the documented defaults for the embedded setup', () => {
    const config = loadConfig({});
    expect({ ...config }).toEqual({
      PORT: 3000,
      DATA_DIR: './data',
      EVENT_STORE: 'postgres',
      MAIL_TRANSPORT: 'file',
      AWS_REGION: 'eu-north-1',
      MAIL_FROM: 'netvaerket@sjaeldnediagnoser.dk',
      LETTER_RETURN_ADDRESS: 'Sjældne Diagnoser, Fruebjergvej 3, 2100 København Ø',
      PUBLIC_URL: 'http://localhost:3000',
      API_KEYS: '',
      OIDC_ROLE_CLAIM: 'roles',
      OIDC_ROLES: 'secretariat:secretariat,dpo:dpo',
      LOG_FORMAT: 'pretty',
      LIST_UPDATE_DEBOUNCE_SECONDS: 300,
      LIST_DELIVERY: 'email',
      SIGN_IN_LINK_TTL_MINUTES: 15,
      MEMBER_SESSION_TTL_MINUTES: 60,
      SIGN_IN_LIMIT_PER_CLIENT: 30,
      SIGN_IN_LIMIT_PER_ADDRESS: 5,
      SIGN_IN_LIMIT_WINDOW_SECONDS: 900,
      ASSOCIATION_READY_SIZE: 15,
      MAIL_SEND_CONCURRENCY: 16,
      PROJECTION_THREADS: 0,
    });
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '8080',
      DATA_DIR: '/var/lib/sjn',
      DATABASE_URL: 'postgresql://u:p@db:5432/sjn',
      EVENT_STORE: 'eventstoredb',
      EVENTSTORE_CONNECTION_STRING: 'esdb://node1:2113,node2:2113?tls=true',
      MAIL_TRANSPORT: 'ses',
      SES_ENDPOINT: 'http://127.0.0.1:8005',
      AWS_REGION: 'eu-west-1',
      MAIL_FROM: 'netvaerk@example.org',
      API_KEYS: 'secretariat:abcdefghijklmnop,dpo:0123456789abcdefXYZ',
      MASTER_KEY,
      LIST_UPDATE_DEBOUNCE_SECONDS: '0',
      LIST_DELIVERY: 'portal',
      SIGN_IN_LINK_TTL_MINUTES: '10',
      MEMBER_SESSION_TTL_MINUTES: '30',
      SIGN_IN_LIMIT_PER_CLIENT: '100',
      SIGN_IN_LIMIT_PER_ADDRESS: '3',
      SIGN_IN_LIMIT_WINDOW_SECONDS: '600',
      ASSOCIATION_READY_SIZE: '12',
      MAIL_SEND_CONCURRENCY: '1',
      PROJECTION_THREADS: '2',
    });
    expect(config).toEqual(
      expect.objectContaining({ LIST_DELIVERY: 'portal', SIGN_IN_LINK_TTL_MINUTES: 10, MEMBER_SESSION_TTL_MINUTES: 30, SIGN_IN_LIMIT_PER_CLIENT: 100, SIGN_IN_LIMIT_PER_ADDRESS: 3, SIGN_IN_LIMIT_WINDOW_SECONDS: 600, ASSOCIATION_READY_SIZE: 12, MAIL_SEND_CONCURRENCY: 1, PROJECTION_THREADS: 2, LIST_UPDATE_DEBOUNCE_SECONDS: 0, PORT: 8080, EVENT_STORE: 'eventstoredb', MAIL_TRANSPORT: 'ses', SES_ENDPOINT: 'http://127.0.0.1:8005', MASTER_KEY }),
    );
    expect(parseApiKeys(config.API_KEYS)).toEqual([
      { role: 'secretariat', key: 'abcdefghijklmnop' },
      { role: 'dpo', key: '0123456789abcdefXYZ' },
    ]);
  });

  it('reads staff sign-in with an identity provider, the metrics token and the log format', () => {
    const config = loadConfig({
      OIDC_ISSUER: 'https://login.example.org/tenant/v2.0',
      OIDC_AUDIENCE: 'api://sjn',
      OIDC_JWKS_URL: 'https://login.example.org/tenant/discovery/v2.0/keys',
      OIDC_ROLE_CLAIM: 'groups',
      OIDC_ROLES: 'secretariat:SJN.Secretariat,dpo:SJN.DPO,secretariat:SJN.Admin',
      METRICS_TOKEN: 'metrics-token-0123456789',
      LOG_FORMAT: 'json',
      TRUST_PROXY: 'loopback,172.16.0.0/12',
    });
    expect(config).toEqual(
      expect.objectContaining({
        TRUST_PROXY: 'loopback,172.16.0.0/12',
        OIDC_ISSUER: 'https://login.example.org/tenant/v2.0',
        OIDC_AUDIENCE: 'api://sjn',
        OIDC_JWKS_URL: 'https://login.example.org/tenant/discovery/v2.0/keys',
        OIDC_ROLE_CLAIM: 'groups',
        METRICS_TOKEN: 'metrics-token-0123456789',
        LOG_FORMAT: 'json',
      }),
    );
    expect(parseOidcRoles(config.OIDC_ROLES)).toEqual(
      new Map([
        ['SJN.Secretariat', 'secretariat'],
        ['SJN.DPO', 'dpo'],
        ['SJN.Admin', 'secretariat'],
      ]),
    );
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ EVENT_STORE: 'mysql' }, 'EVENT_STORE'],
    [{ EVENT_STORE: 'eventstoredb' }, 'EVENTSTORE_CONNECTION_STRING'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'postgres://db/sjn' }, 'MASTER_KEY'],
    [{ MASTER_KEY: 'c2hvcnQ=' }, 'MASTER_KEY'],
    [{ MAIL_TRANSPORT: 'smtp' }, 'MAIL_TRANSPORT'],
    [{ MAIL_FROM: 'not an address' }, 'MAIL_FROM'],
    [{ LETTER_RETURN_ADDRESS: 'Sjældne Diagnoser' }, 'LETTER_RETURN_ADDRESS'],
    [{ SES_ENDPOINT: 'not a url' }, 'SES_ENDPOINT'],
    [{ PUBLIC_URL: 'netvaerket.example.org' }, 'PUBLIC_URL'],
    [{ PUBLIC_URL: 'ftp://netvaerket.example.org' }, 'PUBLIC_URL'],
    [{ AWS_REGION: 'Europe' }, 'AWS_REGION'],
    [{ API_KEYS: 'admin:abcdefghijklmnopq' }, 'API_KEYS'],
    [{ API_KEYS: 'secretariat:short' }, 'API_KEYS'],
    [{ OIDC_ISSUER: 'https://login.example.org' }, 'OIDC_AUDIENCE'],
    [{ OIDC_ISSUER: 'https://login.example.org' }, 'OIDC_JWKS_URL'],
    [{ OIDC_AUDIENCE: 'api://sjn' }, 'OIDC_ISSUER'],
    [{ OIDC_JWKS_URL: 'https://login.example.org/keys' }, 'OIDC_ISSUER'],
    [{ OIDC_ISSUER: 'https://login.example.org', OIDC_AUDIENCE: 'sjn', OIDC_JWKS_URL: 'login.example.org/keys' }, 'OIDC_JWKS_URL'],
    [{ OIDC_ROLES: 'admin:SJN.Admin' }, 'OIDC_ROLES'],
    [{ OIDC_ROLES: 'secretariat:' }, 'OIDC_ROLES'],
    [{ METRICS_TOKEN: 'short' }, 'METRICS_TOKEN'],
    [{ LOG_FORMAT: 'xml' }, 'LOG_FORMAT'],
    [{ TRUST_PROXY: 'all of them' }, 'TRUST_PROXY'],
    [{ LIST_UPDATE_DEBOUNCE_SECONDS: '-1' }, 'LIST_UPDATE_DEBOUNCE_SECONDS'],
    [{ LIST_UPDATE_DEBOUNCE_SECONDS: '2.5' }, 'LIST_UPDATE_DEBOUNCE_SECONDS'],
    [{ LIST_UPDATE_DEBOUNCE_SECONDS: 'five minutes' }, 'LIST_UPDATE_DEBOUNCE_SECONDS'],
    [{ LIST_DELIVERY: 'post' }, 'LIST_DELIVERY'],
    [{ SIGN_IN_LINK_TTL_MINUTES: '0' }, 'SIGN_IN_LINK_TTL_MINUTES'],
    [{ MEMBER_SESSION_TTL_MINUTES: '2000' }, 'MEMBER_SESSION_TTL_MINUTES'],
    [{ SIGN_IN_LIMIT_PER_CLIENT: '0' }, 'SIGN_IN_LIMIT_PER_CLIENT'],
    [{ SIGN_IN_LIMIT_PER_ADDRESS: 'many' }, 'SIGN_IN_LIMIT_PER_ADDRESS'],
    [{ ASSOCIATION_READY_SIZE: '1' }, 'ASSOCIATION_READY_SIZE'],
    [{ ASSOCIATION_READY_SIZE: 'fifteen' }, 'ASSOCIATION_READY_SIZE'],
    [{ MAIL_SEND_CONCURRENCY: '0' }, 'MAIL_SEND_CONCURRENCY'],
    [{ MAIL_SEND_CONCURRENCY: '65' }, 'MAIL_SEND_CONCURRENCY'],
    [{ PROJECTION_THREADS: '3' }, 'PROJECTION_THREADS'],
    [{ PROJECTION_THREADS: '-1' }, 'PROJECTION_THREADS'],
    [{ SIGN_IN_LIMIT_WINDOW_SECONDS: '1.5' }, 'SIGN_IN_LIMIT_WINDOW_SECONDS'],
  ])('refuses %j naming %s', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(`^\\s+${variable}: `, 'm'));
  });

  it('never repeats a secret value in its error', () => {
    const secret = 'secretariat:tooshort!!';
    let message = '';
    try {
      loadConfig({ API_KEYS: secret });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('API_KEYS');
    expect(message).not.toContain('tooshort');
  });
});
