/**
 * http.join and http.roster: the built service as a child process under autocannon at a fixed
 * rate (POST /commands/join-network, GET /groups/:id/roster of a group of ROSTER_MEMBERS), against
 * the same work sent in-process (the CommandBus, the roster query) at the same concurrency on a
 * service of its own, measured first in the same run. The fixed rate is BENCH_HTTP_RATE, or else the
 * in-process rate: HTTP is offered what the application behind it sustains, and the ratio says how
 * much of it survives the HTTP layer (and at which p99).
 */
import { CommandBus } from '@nestjs/cqrs';
import autocannon from 'autocannon';
import { plainToInstance } from 'class-transformer';
import { randomBytes, randomUUID } from 'node:crypto';
import { JoinNetworkDto } from '../contracts/commands/join-network.dto';
import { currentConsentText } from '../contracts/consent-texts';
import { GroupRosters } from '../projections/group-roster/group-roster.queries';
import { JoinNetworkCommand } from '../src/membership/join-network/join-network.command';
import { type BenchResult, round, throughput } from './measure';
import { Group, type Progress, type Service, spawnService, startService, until } from './service';

const CONCURRENCY = 8;
const ROSTER_MEMBERS = 100;
const STAFF_KEY = `secretariat-bench-${randomBytes(12).toString('hex')}`;
const PURPOSE = 'Ydelsesmåling';

export function httpSettings(): { durationMs: number; rate?: number } {
  const seconds = Number(process.env.BENCH_HTTP_SECONDS ?? '30');
  const rate = process.env.BENCH_HTTP_RATE === undefined ? undefined : Number(process.env.BENCH_HTTP_RATE);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new Error(`BENCH_HTTP_SECONDS must be a positive number, not ${process.env.BENCH_HTTP_SECONDS}`);
  if (rate !== undefined && !(Number.isInteger(rate) && rate > 0)) throw new Error(`BENCH_HTTP_RATE must be a positive whole number of requests per second, not ${process.env.BENCH_HTTP_RATE}`);
  return { durationMs: seconds * 1000, rate };
}

/** A web sign-up of a new person each time (the same address for the same group would return the first member). */
function signUp(diagnosisId: string): Record<string, unknown> {
  const n = randomUUID().slice(0, 8);
  return {
    role: 'patient',
    birthYear: 1980,
    name: `Ærø Målesen ${n}`,
    email: `bench.${n}@example.org`,
    phone: `+4520${String(parseInt(n.slice(0, 6), 16) % 1_000_000).padStart(6, '0')}`,
    address: { street: `Ølandsgade ${n}`, postalCode: '2300', city: 'København S', country: 'DK' },
    language: 'da',
    diagnosis: { diagnosisId },
    consent: { textVersion: currentConsentText().version, given: true, sharedFields: ['address', 'phone', 'email'], allowTransferToGreenland: false },
  };
}

/** A service with a registered group of ROSTER_MEMBERS admitted members, written straight to its log. */
async function serviceWithGroup(serverUrl: string): Promise<{ service: Service; group: Group }> {
  const service = await startService(serverUrl, { API_KEYS: `secretariat:${STAFF_KEY}`, MAIL_TRANSPORT: 'file' });
  const group = new Group(service);
  await group.register();
  await group.seed(ROSTER_MEMBERS);
  return { service, group };
}

/** Operations per second of `operation` in CONCURRENCY loops, after a short warm-up. */
async function inProcessRate(operation: () => Promise<unknown>, durationMs: number): Promise<number> {
  const once = async () => {
    await operation();
    return 1;
  };
  await throughput(once, { durationMs: Math.min(2000, durationMs / 5), concurrency: CONCURRENCY });
  return (await throughput(once, { durationMs, concurrency: CONCURRENCY })).perSecond;
}

async function inProcessRates(serverUrl: string, durationMs: number, progress: Progress): Promise<{ join: number; roster: number }> {
  const { service, group } = await serviceWithGroup(serverUrl);
  try {
    await service.start();
    const rosters = service.app.get(GroupRosters);
    const caller = { role: 'secretariat' as const, keyIndex: 0 };
    await until('the roster to show the group', 60_000, async () => ((await rosters.lookUp(group.diagnosisId, { caller, purpose: PURPOSE })).members.length === ROSTER_MEMBERS ? true : undefined));
    const commands = service.app.get(CommandBus);
    const join = await inProcessRate(
      () => commands.execute(new JoinNetworkCommand(plainToInstance(JoinNetworkDto, signUp(group.diagnosisId)), { actorRole: 'public', correlationId: randomUUID(), now: new Date() })),
      durationMs,
    );
    progress(`http: in-process join-network ${join.toFixed(1)} commands/s at ${CONCURRENCY} concurrent`);
    const roster = await inProcessRate(() => rosters.lookUp(group.diagnosisId, { caller, purpose: PURPOSE }), durationMs);
    progress(`http: in-process roster query ${roster.toFixed(1)} look-ups/s at ${CONCURRENCY} concurrent`);
    return { join, roster };
  } finally {
    await service.close();
  }
}

function httpResult(name: string, result: autocannon.Result, rate: number, baseline: string, baselineValue: number): BenchResult {
  const errors = result.errors + result.non2xx;
  const value = round(result['2xx'] / result.duration, 1);
  return { name, value, unit: 'requests/s', p99: result.latency.p99, samples: result.requests.total, errors, baseline, baselineValue: round(baselineValue, 1), ratio: round(value / baselineValue, 2), goal: null, offeredRate: rate };
}

export async function measureHttp(serverUrl: string, settings: { durationMs: number; rate?: number }, progress: Progress): Promise<BenchResult[]> {
  const inProcess = await inProcessRates(serverUrl, settings.durationMs, progress);
  const { service, group } = await serviceWithGroup(serverUrl);
  try {
    // The in-process app above only wrote the log; the child process serves it.
    const child = await spawnService(service.connectionString, service.masterKey, { API_KEYS: `secretariat:${STAFF_KEY}`, MAIL_TRANSPORT: 'file' }, progress);
    try {
      const rosterUrl = `${child.url}/groups/${group.diagnosisId}/roster?purpose=${encodeURIComponent(PURPOSE)}`;
      const headers = { authorization: `Bearer ${STAFF_KEY}` };
      await until('the service process to show the roster', 60_000, async () => {
        const response = await fetch(rosterUrl, { headers });
        return response.ok && ((await response.json()) as { members: unknown[] }).members.length === ROSTER_MEMBERS ? true : undefined;
      });
      const duration = settings.durationMs / 1000;
      const joinRate = settings.rate ?? Math.max(1, Math.round(inProcess.join));
      const joins = await autocannon({
        url: `${child.url}/commands/join-network`,
        connections: CONCURRENCY,
        overallRate: joinRate,
        duration,
        requests: [{ method: 'POST', headers: { 'content-type': 'application/json' }, setupRequest: (request) => ({ ...request, body: JSON.stringify(signUp(group.diagnosisId)) }) }],
      });
      progress(`http.join: offered ${joinRate}/s, ${joins['2xx']} answered 2xx in ${joins.duration} s, p99 ${joins.latency.p99} ms, ${joins.errors + joins.non2xx} errors`);
      const rosterRate = settings.rate ?? Math.max(1, Math.round(inProcess.roster));
      const rosters = await autocannon({ url: rosterUrl, connections: CONCURRENCY, overallRate: rosterRate, duration, headers });
      progress(`http.roster: offered ${rosterRate}/s, ${rosters['2xx']} answered 2xx in ${rosters.duration} s, p99 ${rosters.latency.p99} ms, ${rosters.errors + rosters.non2xx} errors`);
      return [
        { name: 'inprocess.join', value: round(inProcess.join, 1), unit: 'commands/s' },
        { name: 'inprocess.roster', value: round(inProcess.roster, 1), unit: 'look-ups/s' },
        httpResult('http.join', joins, joinRate, 'inprocess.join', inProcess.join),
        httpResult('http.roster', rosters, rosterRate, 'inprocess.roster', inProcess.roster),
      ];
    } finally {
      await child.stop();
    }
  } finally {
    await service.close();
  }
}
