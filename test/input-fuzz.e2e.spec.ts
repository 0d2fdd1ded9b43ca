import fc from 'fast-check';
import { join } from 'node:path';
import { MemberSessions } from '../src/member-access/member-sessions';
import type { Problem } from '../src/http/problem';
import { builtOpenApiDocument, operationsOf } from './support/built-openapi';
import { fileSink, Network } from './support/network';
import { enumValuesOf, type FuzzRequest, type OpenApiDocument, type Operation, SchemaFuzzer } from './support/openapi-fuzz';
import { quiet } from './support/settle';
import { discoverRoutes, type Route, routeName, staffKeyFor } from './support/routes';
import { startTestApp, type TestApp } from './support/test-app';

/** Runs per route and phase: small enough for CI, the seed printed to replay a failure (FUZZ_SEED=…). */
const INVALID_RUNS = 30;
const HOSTILE_RUNS = 12;
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);

interface Target {
  name: string;
  method: string;
  /** The OpenAPI form, /groups/{diagnosisId}/roster */
  path: string;
  operation: Operation;
  route: Route;
}

interface Answer {
  status: number;
  type: string;
  text: string;
}

/**
 * The JSON API: routes for the public, staff keys or member session tokens that take and serve
 * JSON. Left out: the web pages (HTML forms with cookies and CSRF tokens, errors as pages) and
 * routes with other credentials (the metrics scraper's).
 */
function isJsonApi(operation: Operation, route: Route): boolean {
  const bodyTypes = Object.keys(operation.requestBody?.content ?? {});
  const servesHtml = route.servesHtml || Object.values(operation.responses ?? {}).some((response) => Object.keys(response.content ?? {}).includes('text/html'));
  const apiAccess = route.rule?.kind === 'public' || route.rule?.kind === 'staff' || route.rule?.kind === 'member';
  return apiAccess && !servesHtml && (bodyTypes.length === 0 || bodyTypes.includes('application/json'));
}

/** Every string value in a JSON text, for checking that a refusal does not echo what was sent. */
function stringsIn(text: string | undefined): string[] {
  if (text === undefined) return [];
  try {
    const found: string[] = [];
    JSON.parse(text, (_key, value: unknown) => (typeof value === 'string' && found.push(value), value));
    return found;
  } catch {
    return [];
  }
}

/**
 * Every JSON route of the OpenAPI document, called with the credentials its access rule needs (so
 * the input reaches validation and the handler, not just the guard), with generated invalid and
 * hostile input: wrong types, over-long and hostile unicode strings, unknown and
 * prototype-polluting keys, deep nesting, arrays for objects, bodies that are not JSON or too big.
 */
describe('hostile input on every JSON route', () => {
  let service: TestApp;
  let network: Network;
  let targets: Target[];
  let fuzzer: SchemaFuzzer;
  let enumValues: Set<string>;
  let memberSession: string;
  const mails = fileSink(() => join(service.dataDir, 'mail'));

  beforeAll(async () => {
    process.stderr.write(`input fuzz: seed ${SEED} (replay with FUZZ_SEED=${SEED})\n`);
    // No sign-in limit gets in the way of the fuzz. (The default list debounce of 300 s keeps the contact-list sender quiet meanwhile.)
    service = await startTestApp({ SIGN_IN_LIMIT_PER_CLIENT: '100000', SIGN_IN_LIMIT_PER_ADDRESS: '1000' });
    network = new Network(service, mails);
    await network.openGroup();
    for (const n of [1, 2]) await network.join(n);
    memberSession = await openSession(network.person(1).memberId);

    const built = await builtOpenApiDocument();
    const served = (await (await fetch(`${service.url}/api/openapi.json`)).json()) as OpenApiDocument;
    // The built document must describe the code under test: a route added since the last build would escape the fuzz.
    const unbuilt = operationsOf(served).filter((operation) => !operationsOf(built).includes(operation));
    if (unbuilt.length > 0) throw new Error(`dist/ is older than the source (it lacks ${unbuilt.join(', ')}): run npm run build first (npm test does)`);
    const routes = new Map(discoverRoutes(service).map((route) => [routeName(route), route]));
    targets = Object.entries(built.paths)
      .flatMap(([path, methods]) =>
        Object.entries(methods).map(([method, operation]) => {
          const name = `${method.toUpperCase()} ${path}`;
          const route = routes.get(`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`);
          if (!route) throw new Error(`the OpenAPI document has ${name}, the router does not`);
          return { name, method: method.toUpperCase(), path, operation, route };
        }),
      )
      .filter((target) => isJsonApi(target.operation, target.route));
    enumValues = enumValuesOf(built);
    const ids: Record<string, string[]> = { memberId: [...network.people.values()].map((person) => person.memberId), diagnosisId: [network.diagnosisId] };
    fuzzer = new SchemaFuzzer(built, (property) => ids[property] ?? (property.endsWith('Id') ? ids.memberId : []));
    await quiet(service, network.store);
  }, 120_000);
  afterAll(() => service?.close());

  async function openSession(memberId: string): Promise<string> {
    const sessions = service.app.get(MemberSessions);
    const session = await sessions.exchange((await sessions.issueLink(memberId)).token);
    if (!session) throw new Error('no session');
    return session.sessionToken;
  }

  /** The credentials that pass the route's guard. */
  function authorization(target: Target): string | undefined {
    const rule = target.route.rule;
    if (rule?.kind === 'staff') return `Bearer ${staffKeyFor(rule)}`;
    if (rule?.kind === 'member') return `Bearer ${memberSession}`;
    return undefined;
  }

  async function send(target: Target, request: FuzzRequest): Promise<Answer> {
    const path = target.path.replace(/\{(\w+)\}/g, (_match, name: string) => encodeURIComponent(request.pathParams[name] ?? ''));
    const url = new URL(`${service.url}${path}`);
    for (const [name, value] of request.query) url.searchParams.append(name, value);
    const auth = authorization(target);
    const withBody = target.method !== 'GET' && request.body !== undefined;
    const response = await fetch(url, {
      method: target.method,
      headers: { ...(auth ? { authorization: auth } : {}), ...(withBody ? { 'content-type': 'application/json' } : {}) },
      ...(withBody ? { body: request.body } : {}),
    });
    return { status: response.status, type: response.headers.get('content-type') ?? '', text: await response.text() };
  }

  /** What is wrong with an answer, or undefined. */
  function problemsOf(request: FuzzRequest, answer: Answer, appended: bigint): string | undefined {
    if (answer.status >= 500) return `answered ${answer.status}`;
    if (Object.keys(Object.prototype).length > 0 || ({} as { polluted?: unknown }).polluted !== undefined) return 'polluted Object.prototype';
    if (request.invalid && answer.status !== 400 && answer.status !== 413) return `accepted invalid input with ${answer.status}`;
    if (answer.status < 400) return undefined;
    if (!answer.type.startsWith('application/problem+json')) return `answered ${answer.status} as ${answer.type || 'no content type'}`;
    if (appended !== 0n) return `refused with ${answer.status} but appended ${appended} event(s)`;
    const problem = JSON.parse(answer.text) as Problem;
    if (problem.type === '/problems/unauthorized' || problem.type === '/problems/forbidden') return `stopped at the guard (${problem.type}): the fuzz must reach validation and the handler`;
    if (problem.status !== answer.status || typeof problem.type !== 'string' || typeof problem.title !== 'string') return `not a problem document: ${answer.text}`;
    if (problem.type === '/problems/validation') {
      // A field may be named '' (an unknown query parameter `?=x` has that name).
      if (!problem.errors?.length || problem.errors.some((error) => typeof error.field !== 'string' || typeof error.message !== 'string')) return `a validation problem without field names: ${answer.text}`;
      const echoed = stringsIn(request.body).find((value) => value.length >= 16 && !enumValues.has(value) && answer.text.includes(JSON.stringify(value).slice(1, -1)));
      if (echoed) return `echoed a submitted value: ${answer.text}`;
    }
    const field = request.field;
    if (request.invalid && field !== undefined && answer.status === 400) {
      if (problem.type !== '/problems/validation') return `refused as ${problem.type}, not as invalid input naming ${field}`;
      const named = problem.errors?.some((error) => error.field === field || error.field.startsWith(`${field}.`) || field.startsWith(`${error.field}.`));
      if (!named) return `the validation problem does not name ${field}: ${answer.text}`;
    }
    return undefined;
  }

  /** Runs one phase over every target; collects every route's failure (with its shrunk request) instead of stopping at the first. */
  async function fuzz(invalid: boolean, runs: number): Promise<{ failures: string[]; fuzzed: string[]; reached: Set<string> }> {
    const failures: string[] = [];
    const fuzzed: string[] = [];
    /** Routes where some request got past validation (an answer or a refusal by a business rule). */
    const reached = new Set<string>();
    for (const target of targets) {
      const requests = fuzzer.requests(target.method, target.operation, [...target.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]), invalid);
      if (!requests) continue;
      fuzzed.push(target.name);
      const details = await fc.check(
        fc.asyncProperty(requests, async (request) => {
          // A fresh session each time: an accepted request of the hostile phase may erase its member, which ends their sessions.
          if (target.route.rule?.kind === 'member') memberSession = await openSession(network.person(invalid ? 1 : 2).memberId);
          const before = await network.store.headPosition();
          const answer = await send(target, request);
          const appended = (await network.store.headPosition()) - before;
          if (answer.status < 400 || !answer.text.includes('"/problems/validation"')) reached.add(target.name);
          if (answer.status < 400) await quiet(service, network.store); // an accepted request may set reactors going; the next comparison must not see them
          const problem = problemsOf(request, answer, answer.status >= 400 ? appended : 0n);
          if (problem) throw new Error(`${request.kind}: ${problem}`);
        }),
        { seed: SEED, numRuns: runs },
      );
      if (details.failed) {
        const request = details.counterexample?.[0];
        const shown = request ? { ...request, body: request.body && request.body.length > 500 ? `${request.body.slice(0, 500)}… (${request.body.length} characters)` : request.body } : undefined;
        failures.push(`${target.name}: ${details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance)}\n  request: ${JSON.stringify(shown)}`);
      }
    }
    return { failures, fuzzed, reached };
  }

  it('fuzzes every JSON route the OpenAPI document lists', () => {
    expect(targets.length).toBeGreaterThan(30);
    expect(targets.map((target) => target.name)).toEqual(expect.arrayContaining(['POST /commands/join-network', 'PATCH /me/contact-details', 'GET /disclosures', 'GET /groups/{diagnosisId}/roster']));
  });

  it('refuses invalid input with 400 or 413 problem+json naming the field, and appends nothing', async () => {
    const { failures, fuzzed } = await fuzz(true, INVALID_RUNS);
    expect(failures).toEqual([]);
    // Every route with a body got invalid bodies (GET routes only where their parameters can be broken).
    expect(fuzzed).toEqual(expect.arrayContaining(targets.filter((target) => target.method !== 'GET').map((target) => target.name)));
  }, 600_000);

  it('never fails on valid-shaped hostile input: no 5xx, and every refusal is problem+json and appends nothing', async () => {
    const { failures, fuzzed, reached } = await fuzz(false, HOSTILE_RUNS);
    expect(failures).toEqual([]);
    expect(fuzzed.length).toBe(targets.length);
    // Not vacuous: on most routes some hostile request got past validation to the handler.
    expect(reached.size).toBeGreaterThan((2 * targets.length) / 3);
  }, 600_000);
});
