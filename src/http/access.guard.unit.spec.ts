import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { loadConfig } from '../config/app-config';
import type { MemberSessions } from '../member-access/member-sessions';
import type { AccessRule } from './access';
import { AccessGuard, type RequestWithCaller } from './access.guard';

const status = (run: () => unknown): number | undefined => {
  try {
    run();
  } catch (error) {
    return (error as { getStatus(): number }).getStatus();
  }
  return undefined;
};

const SECRETARIAT = 'secretariat-key-0000000001';
const SECOND_SECRETARIAT = 'secretariat-key-0000000002';
const DPO = 'dpo-key-00000000000000001';

function contextFor(rule: AccessRule | undefined, authorization?: string): { context: ExecutionContext; request: RequestWithCaller } {
  const request = { headers: authorization ? { authorization } : {} } as RequestWithCaller;
  const handler = () => undefined;
  if (rule) Reflect.defineMetadata('access-rule', rule, handler);
  const context = {
    getHandler: () => handler,
    getClass: () => class {},
    switchToHttp: () => ({ getRequest: () => request }),
  } as unknown as ExecutionContext;
  return { context, request };
}

const MEMBER = '6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f';
const LIVE_SESSION = 'live-session-token';

/** Sessions as the database would answer: one live token, every other token unknown or expired. */
const sessions = { resolve: async (token: string) => (token === LIVE_SESSION ? MEMBER : undefined) } as unknown as MemberSessions;

async function rejection(run: () => unknown): Promise<number | undefined> {
  try {
    await run();
  } catch (error) {
    return (error as { getStatus(): number }).getStatus();
  }
  return undefined;
}

describe('the access guard', () => {
  const guard = new AccessGuard(new Reflector(), loadConfig({ API_KEYS: `secretariat:${SECRETARIAT},dpo:${DPO},secretariat:${SECOND_SECRETARIAT}` }), sessions);
  const secretariatOnly: AccessRule = { kind: 'staff', roles: ['secretariat'] };

  it('lets anyone through a public route', () => {
    const { context, request } = contextFor({ kind: 'public' });
    expect(guard.canActivate(context)).toBe(true);
    expect(request.caller).toEqual({ role: 'public' });
  });

  it('knows staff on a public route, and refuses a wrong key there too', () => {
    const { context, request } = contextFor({ kind: 'public' }, `Bearer ${SECRETARIAT}`);
    expect(guard.canActivate(context)).toBe(true);
    expect(request.caller).toEqual({ role: 'secretariat', keyIndex: 0 });
    expect(status(() => guard.canActivate(contextFor({ kind: 'public' }, 'Bearer wrong-key-wrong-key').context))).toBe(401);
  });

  it('refuses a route that declares no access rule', () => {
    expect(status(() => guard.canActivate(contextFor(undefined, `Bearer ${SECRETARIAT}`).context))).toBe(403);
  });

  it('answers 401 without a key or with an unknown one', () => {
    expect(status(() => guard.canActivate(contextFor(secretariatOnly).context))).toBe(401);
    expect(status(() => guard.canActivate(contextFor(secretariatOnly, 'Bearer nope-nope-nope-nope').context))).toBe(401);
    expect(status(() => guard.canActivate(contextFor(secretariatOnly, SECRETARIAT).context))).toBe(401);
  });

  it('answers 403 for a key of the wrong role', () => {
    expect(status(() => guard.canActivate(contextFor(secretariatOnly, `Bearer ${DPO}`).context))).toBe(403);
  });

  it('records the role and which key was used, by its index', () => {
    const { context, request } = contextFor(secretariatOnly, `Bearer ${SECOND_SECRETARIAT}`);
    expect(guard.canActivate(context)).toBe(true);
    expect(request.caller).toEqual({ role: 'secretariat', keyIndex: 2 });
  });

  describe('on a member route', () => {
    const memberOnly: AccessRule = { kind: 'member' };

    it('lets a live session through as that member', async () => {
      const { context, request } = contextFor(memberOnly, `Bearer ${LIVE_SESSION}`);
      await expect(guard.canActivate(context)).resolves.toBe(true);
      expect(request.caller).toEqual({ role: 'member', memberId: MEMBER });
    });

    it('answers 401 without a session, or with an unknown or expired one', async () => {
      expect(await rejection(() => guard.canActivate(contextFor(memberOnly).context))).toBe(401);
      expect(await rejection(() => guard.canActivate(contextFor(memberOnly, 'Bearer expired-or-forged').context))).toBe(401);
    });

    it('answers 403 to staff: a member route serves only the signed-in member', async () => {
      expect(await rejection(() => guard.canActivate(contextFor(memberOnly, `Bearer ${SECRETARIAT}`).context))).toBe(403);
      expect(await rejection(() => guard.canActivate(contextFor(memberOnly, `Bearer ${DPO}`).context))).toBe(403);
    });
  });

  describe('on a member web page', () => {
    const memberPage: AccessRule = { kind: 'member-page' };
    const withCookie = (authorization: string | undefined, cookies: Record<string, string>) => {
      const { context, request } = contextFor(memberPage, authorization);
      request.cookies = cookies;
      return { context, request };
    };

    it('lets a live session in the session cookie through as that member', async () => {
      const { context, request } = withCookie(undefined, { 'sjn-session': LIVE_SESSION });
      await expect(guard.canActivate(context)).resolves.toBe(true);
      expect(request.caller).toEqual({ role: 'member', memberId: MEMBER });
    });

    it('answers 401 without the cookie, even with the session as a Bearer token (the API’s way) or a staff key', async () => {
      expect(await rejection(() => guard.canActivate(withCookie(`Bearer ${LIVE_SESSION}`, {}).context))).toBe(401);
      expect(await rejection(() => guard.canActivate(withCookie(`Bearer ${SECRETARIAT}`, {}).context))).toBe(401);
      expect(await rejection(() => guard.canActivate(withCookie(undefined, { 'sjn-session': 'expired-or-forged' }).context))).toBe(401);
    });

    it('is not opened on a member API route by the cookie', async () => {
      const { context, request } = contextFor({ kind: 'member' });
      request.cookies = { 'sjn-session': LIVE_SESSION };
      expect(await rejection(() => guard.canActivate(context))).toBe(401);
    });
  });

  describe('on the metrics route', () => {
    const metrics: AccessRule = { kind: 'metrics' };
    const METRICS_TOKEN = 'metrics-token-00000000001';
    const scraped = new AccessGuard(new Reflector(), loadConfig({ API_KEYS: `secretariat:${SECRETARIAT}`, METRICS_TOKEN }), sessions);

    it('lets the metrics token through, and nothing else', () => {
      expect(scraped.canActivate(contextFor(metrics, `Bearer ${METRICS_TOKEN}`).context)).toBe(true);
      for (const authorization of [undefined, `Bearer ${SECRETARIAT}`, `Bearer ${METRICS_TOKEN}x`]) {
        expect(status(() => scraped.canActivate(contextFor(metrics, authorization).context))).toBe(401);
      }
    });

    it('refuses everyone when no metrics token is configured', () => {
      expect(status(() => guard.canActivate(contextFor(metrics, `Bearer ${METRICS_TOKEN}`).context))).toBe(401);
    });
  });
});
