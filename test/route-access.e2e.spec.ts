import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import { ACCESS_RULE, type AccessRule } from '../src/http/access';
import { DPO_KEY, SECRETARIAT_KEY, startTestApp, type TestApp } from './support/test-app';

/** The routes anyone may call. Every other route must refuse a caller without credentials. */
const PUBLIC_ROUTES = [
  'GET /health',
  'GET /health/live',
  'GET /diagnoses',
  'GET /consent-texts/current',
  'POST /commands/join-network',
  'POST /commands/verify-email',
  'POST /me/login-link',
  'POST /me/session',
];

interface Route {
  method: string;
  path: string;
  rule: AccessRule | undefined;
}

/** Every route Nest serves, read from the controllers' routing metadata, with its access rule. */
function discoverRoutes(service: TestApp): Route[] {
  const discovery = new DiscoveryService(service.app.get(ModulesContainer));
  const scanner = new MetadataScanner();
  const reflector = new Reflector();
  const routes: Route[] = [];
  for (const wrapper of discovery.getControllers()) {
    const controller = wrapper.metatype as (new (...args: never[]) => unknown) | undefined;
    if (!controller) continue;
    const prefix = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
    for (const name of scanner.getAllMethodNames(controller.prototype)) {
      const handler = (controller.prototype as Record<string, (...args: unknown[]) => unknown>)[name];
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (method === undefined) continue;
      const path = `/${[prefix, String(Reflect.getMetadata(PATH_METADATA, handler) ?? '')].join('/')}`.replace(/\/+/g, '/').replace(/(.)\/$/, '$1');
      routes.push({ method: RequestMethod[method], path, rule: reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_RULE, [handler, controller]) });
    }
  }
  return routes;
}

const name = (route: Route): string => `${route.method} ${route.path}`;
const concrete = (path: string): string => path.replace(/:[A-Za-z]+/g, '00000000-0000-4000-8000-000000000000');

describe('access to every route', () => {
  let service: TestApp;
  let routes: Route[];
  beforeAll(async () => {
    service = await startTestApp();
    routes = discoverRoutes(service);
  });
  afterAll(() => service.close());

  async function call(route: Route, authorization?: string): Promise<{ status: number; type: string | null }> {
    const response = await fetch(`${service.url}${concrete(route.path)}`, {
      method: route.method,
      headers: { ...(authorization ? { authorization } : {}), ...(route.method === 'GET' ? {} : { 'content-type': 'application/json' }) },
      ...(route.method === 'GET' ? {} : { body: '{}' }),
    });
    await response.arrayBuffer();
    return { status: response.status, type: response.headers.get('content-type') };
  }

  it('finds the routes of every area, each with an access rule', () => {
    expect(routes.length).toBeGreaterThan(20);
    expect(routes.map(name)).toEqual(expect.arrayContaining([...PUBLIC_ROUTES, 'GET /disclosures', 'POST /commands/erase-member', 'GET /me']));
    expect(routes.filter((route) => route.rule === undefined).map(name)).toEqual([]);
  });

  it('is public exactly on the listed routes', () => {
    const publicRoutes = routes.filter((route) => route.rule?.kind === 'public').map(name);
    expect(publicRoutes.sort()).toEqual([...PUBLIC_ROUTES].sort());
  });

  it('serves /me routes to signed-in members only, and nothing else to members', () => {
    for (const route of routes) {
      const isMemberRoute = route.path === '/me' || route.path.startsWith('/me/');
      if (PUBLIC_ROUTES.includes(name(route))) continue;
      expect({ route: name(route), kind: route.rule?.kind }).toEqual({ route: name(route), kind: isMemberRoute ? 'member' : 'staff' });
    }
  });

  it('lets no dpo key run a command: the dpo changes nothing', () => {
    const commands = routes.filter((route) => route.path.startsWith('/commands/') && route.rule?.kind === 'staff');
    expect(commands.length).toBeGreaterThan(5);
    for (const route of commands) expect({ route: name(route), dpo: route.rule?.kind === 'staff' && route.rule.roles.includes('dpo') }).toEqual({ route: name(route), dpo: false });
  });

  it('answers 401 problem+json on every non-public route without credentials or with a forged one', async () => {
    for (const route of routes.filter((candidate) => candidate.rule?.kind !== 'public')) {
      for (const authorization of [undefined, 'Bearer forged-token-forged-token-0001']) {
        const { status, type } = await call(route, authorization);
        expect({ route: name(route), authorization, status, type }).toEqual({ route: name(route), authorization, status: 401, type: expect.stringContaining('application/problem+json') });
      }
    }
  });

  it('answers 403 to a staff key of the wrong role, and to staff on member routes', async () => {
    for (const route of routes) {
      const rule = route.rule;
      let wrongKeys: string[] = [];
      if (rule?.kind === 'member') wrongKeys = [SECRETARIAT_KEY, DPO_KEY];
      if (rule?.kind === 'staff') wrongKeys = [rule.roles.includes('secretariat') ? undefined : SECRETARIAT_KEY, rule.roles.includes('dpo') ? undefined : DPO_KEY].filter((key) => key !== undefined);
      for (const key of wrongKeys) {
        const { status } = await call(route, `Bearer ${key}`);
        expect({ route: name(route), status }).toEqual({ route: name(route), status: 403 });
      }
    }
  });
});
