import { ConfigError, loadConfig, parseApiKeys } from './app-config';

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
      PUBLIC_URL: 'http://localhost:3000',
      API_KEYS: '',
      LIST_UPDATE_DEBOUNCE_SECONDS: 300,
      LIST_DELIVERY: 'email',
      SIGN_IN_LINK_TTL_MINUTES: 15,
      MEMBER_SESSION_TTL_MINUTES: 60,
      SIGN_IN_LIMIT_PER_CLIENT: 30,
      SIGN_IN_LIMIT_PER_ADDRESS: 5,
      SIGN_IN_LIMIT_WINDOW_SECONDS: 900,
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
    });
    expect(config).toEqual(
      expect.objectContaining({ LIST_DELIVERY: 'portal', SIGN_IN_LINK_TTL_MINUTES: 10, MEMBER_SESSION_TTL_MINUTES: 30, SIGN_IN_LIMIT_PER_CLIENT: 100, SIGN_IN_LIMIT_PER_ADDRESS: 3, SIGN_IN_LIMIT_WINDOW_SECONDS: 600, LIST_UPDATE_DEBOUNCE_SECONDS: 0, PORT: 8080, EVENT_STORE: 'eventstoredb', MAIL_TRANSPORT: 'ses', SES_ENDPOINT: 'http://127.0.0.1:8005', MASTER_KEY }),
    );
    expect(parseApiKeys(config.API_KEYS)).toEqual([
      { role: 'secretariat', key: 'abcdefghijklmnop' },
      { role: 'dpo', key: '0123456789abcdefXYZ' },
    ]);
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
    [{ SES_ENDPOINT: 'not a url' }, 'SES_ENDPOINT'],
    [{ PUBLIC_URL: 'netvaerket.example.org' }, 'PUBLIC_URL'],
    [{ PUBLIC_URL: 'ftp://netvaerket.example.org' }, 'PUBLIC_URL'],
    [{ AWS_REGION: 'Europe' }, 'AWS_REGION'],
    [{ API_KEYS: 'admin:abcdefghijklmnopq' }, 'API_KEYS'],
    [{ API_KEYS: 'secretariat:short' }, 'API_KEYS'],
    [{ LIST_UPDATE_DEBOUNCE_SECONDS: '-1' }, 'LIST_UPDATE_DEBOUNCE_SECONDS'],
    [{ LIST_UPDATE_DEBOUNCE_SECONDS: '2.5' }, 'LIST_UPDATE_DEBOUNCE_SECONDS'],
    [{ LIST_UPDATE_DEBOUNCE_SECONDS: 'five minutes' }, 'LIST_UPDATE_DEBOUNCE_SECONDS'],
    [{ LIST_DELIVERY: 'post' }, 'LIST_DELIVERY'],
    [{ SIGN_IN_LINK_TTL_MINUTES: '0' }, 'SIGN_IN_LINK_TTL_MINUTES'],
    [{ MEMBER_SESSION_TTL_MINUTES: '2000' }, 'MEMBER_SESSION_TTL_MINUTES'],
    [{ SIGN_IN_LIMIT_PER_CLIENT: '0' }, 'SIGN_IN_LIMIT_PER_CLIENT'],
    [{ SIGN_IN_LIMIT_PER_ADDRESS: 'many' }, 'SIGN_IN_LIMIT_PER_ADDRESS'],
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
