import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import { SECRETARIAT_KEY, startAnotherInstance, startTestApp, type TestApp } from './support/test-app';

const ISSUER = 'https://login.example.org/sjn/';
const AUDIENCE = 'api://sjaeldne-netvaerket';
/** A dpo-only route. */
const ACCESS_LOG = '/access-log?memberId=00000000-0000-4000-8000-000000000000';

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;

/** Staff sign-in with the identity provider, against a JWKS that this test serves itself. */
describe('staff sign-in with OIDC bearer tokens', () => {
  let signing: KeyPair;
  let jwks: Server;
  let service: TestApp;

  beforeAll(async () => {
    signing = await generateKeyPair('RS256');
    const published = { ...(await exportJWK(signing.publicKey)), kid: 'key-1', alg: 'RS256', use: 'sig' };
    jwks = createServer((_request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [published] })));
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    service = await startTestApp({
      OIDC_ISSUER: ISSUER,
      OIDC_AUDIENCE: AUDIENCE,
      OIDC_JWKS_URL: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`,
      OIDC_ROLE_CLAIM: 'roles',
      OIDC_ROLES: 'secretariat:SJN.Secretariat,dpo:SJN.DPO',
    });
  });
  afterAll(async () => {
    await service?.close();
    await new Promise((resolve) => jwks.close(resolve));
  });

  /** A token as the provider would issue it, with `changes` to its claims, key or header. */
  async function token(changes: { claims?: JWTPayload; key?: KeyPair['privateKey']; kid?: string; expiresIn?: string | number; omitExpiry?: boolean } = {}): Promise<string> {
    const jwt = new SignJWT({ iss: ISSUER, aud: AUDIENCE, sub: 'staff-member-7', roles: ['SJN.Secretariat'], ...changes.claims })
      .setProtectedHeader({ alg: 'RS256', kid: changes.kid ?? 'key-1' })
      .setIssuedAt();
    if (!changes.omitExpiry) jwt.setExpirationTime(changes.expiresIn ?? '5m');
    return jwt.sign(changes.key ?? signing.privateKey);
  }

  const get = async (path: string, bearer: string, instance = service): Promise<number> => {
    const response = await fetch(`${instance.url}${path}`, { headers: { authorization: `Bearer ${bearer}` } });
    await response.arrayBuffer();
    return response.status;
  };

  it('admits a valid token with the role a route asks for', async () => {
    expect(await get('/groups', await token())).toBe(200);
    expect(await get(ACCESS_LOG, await token({ claims: { roles: 'SJN.DPO' } }))).toBe(200);
    const both = await token({ claims: { roles: ['SJN.DPO', 'Other', 'SJN.Secretariat'] } });
    expect([await get('/groups', both), await get(ACCESS_LOG, both)]).toEqual([200, 200]);
  });

  it('answers 403 to a valid token without a role this route accepts', async () => {
    expect(await get(ACCESS_LOG, await token())).toBe(403);
    expect(await get('/groups', await token({ claims: { roles: ['Payroll'] } }))).toBe(403);
    expect(await get('/groups', await token({ claims: { roles: undefined } }))).toBe(403);
  });

  it('answers 401 to a token for another audience or from another issuer, expired, unsigned by the provider or without expiry', async () => {
    const otherKey = await generateKeyPair('RS256');
    const refused = {
      audience: await token({ claims: { aud: 'api://another-service' } }),
      issuer: await token({ claims: { iss: 'https://login.example.org/someone-else/' } }),
      expired: await token({ expiresIn: Math.floor(Date.now() / 1000) - 120 }),
      signature: await token({ key: otherKey.privateKey }),
      unknownKey: await token({ key: otherKey.privateKey, kid: 'key-2' }),
      noExpiry: await token({ omitExpiry: true }),
      tampered: (await token()).replace(/\.([^.]+)\./, (_match, payload: string) => `.${payload.slice(0, -2)}Aa.`),
    };
    const statuses = Object.fromEntries(await Promise.all(Object.entries(refused).map(async ([name, bearer]) => [name, await get('/groups', bearer)])));
    expect(statuses).toEqual(Object.fromEntries(Object.keys(refused).map((name) => [name, 401])));
  });

  it('keeps API keys working beside tokens', async () => {
    expect(await get('/groups', SECRETARIAT_KEY)).toBe(200);
    expect(await get('/groups', 'not-a-key-and-not-a-token')).toBe(401);
  });

  it('answers 503 while the provider\'s keys cannot be fetched', async () => {
    const cutOff = await startAnotherInstance(service, {
      OIDC_ISSUER: ISSUER,
      OIDC_AUDIENCE: AUDIENCE,
      OIDC_JWKS_URL: 'http://127.0.0.1:9/unreachable/jwks.json',
    });
    try {
      expect(await get('/groups', await token(), cutOff)).toBe(503);
    } finally {
      await cutOff.close();
    }
  });
});
