/**
 * Load on a running server from a second process (autocannon): the portal
 * overview of signed-in customers, saturated and at a fixed 2,000/s, and
 * /healthz saturated. Started by bench/request-path.bench.sh, which seeds the
 * database and starts the server; run alone it needs:
 *   BASE=http://127.0.0.1:3101  EMAIL=…  PASSWORD=…  DATABASE_URL=…  [RUN_SECONDS=10] [CONNECTIONS=20] [RATE=2000]
 *   [USERS=2000] [SERVER_PID=…] (then CPU per request of the server and of its PostgreSQL backends)
 *
 * The overview is asked for by USERS different signed-in customers in turn
 * (their portal users and sessions are written straight into the database
 * before the runs and removed after), not by one: one customer asking
 * thousands of times a second would measure nothing but a cache.
 *
 * On a shared machine requests/s fall with the load; CPU milliseconds per
 * request of the server process and of the database backends barely do, so
 * they are printed too: 2 cores give 2,000 ms of CPU a second.
 */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import pg from 'pg';
import { createBenchSessions, dropBenchUsers } from './bench-sessions.ts';

const BASE = process.env.BASE ?? 'http://127.0.0.1:3101';
const SECONDS = Number(process.env.RUN_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 20);
const RATE = Number(process.env.RATE ?? 2000);
const USERS = Number(process.env.USERS ?? 2000);
const MODE = process.env.CACHES ?? 'on';

function cookiesOf(res: Response): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of res.headers.getSetCookie()) {
    const [pair] = c.split(';');
    const eq = pair.indexOf('=');
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

async function signIn(): Promise<string> {
  const first = await fetch(`${BASE}/api/auth/session`);
  const jar = cookiesOf(first);
  const res = await fetch(`${BASE}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: `wodnik_csrf=${jar.wodnik_csrf}`, 'x-csrf-token': jar.wodnik_csrf },
    body: JSON.stringify({ email: process.env.EMAIL, password: process.env.PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  Object.assign(jar, cookiesOf(res));
  return Object.entries(jar)
    .map(([k, v]) => `${k}=${v}`)
    .join('; ');
}

/** CPU seconds (user + system) a process has used, from /proc (Linux). */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

const serverPid = Number(process.env.SERVER_PID ?? 0);
const probe = process.env.DATABASE_URL ? new pg.Client({ connectionString: process.env.DATABASE_URL }) : undefined;
await probe?.connect();
async function backendPids(): Promise<number[]> {
  if (!probe) return [];
  const r = await probe.query<{ pid: number }>('select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()');
  return r.rows.map((x) => x.pid);
}
async function cpuNow(): Promise<{ server: number; db: Map<number, number> }> {
  const db = new Map<number, number>();
  for (const pid of await backendPids()) db.set(pid, cpuSeconds(pid));
  return { server: serverPid ? cpuSeconds(serverPid) : 0, db };
}
function cpuSince(before: { server: number; db: Map<number, number> }, after: { server: number; db: Map<number, number> }) {
  let db = 0;
  for (const [pid, s] of after.db) db += s - (before.db.get(pid) ?? 0);
  return { server: after.server - before.server, db };
}

interface Run {
  name: string;
  path: string;
  rate?: number;
  cookie?: string;
  /** Cookies to take in turn, one per request. */
  cookies?: string[];
}

const PREFIX = 'bench-';

/** USERS portal users of different demo customers, each with a session (bench-sessions.ts); returns their cookies. */
async function benchSessions(csrf: string): Promise<string[]> {
  if (!probe || USERS <= 1) return [];
  return (await createBenchSessions(probe, { users: USERS, prefix: PREFIX, csrf })).map((x) => x.cookie);
}

function rotate(cookies: string[]) {
  let i = 0;
  return (req: autocannon.Request): autocannon.Request => ({
    ...req,
    headers: { ...(req.headers as Record<string, string> | undefined), cookie: cookies[i++ % cookies.length] },
  });
}

async function run(r: Run) {
  const before = await cpuNow();
  const result = await autocannon({
    url: `${BASE}${r.path}`,
    connections: CONNECTIONS,
    duration: SECONDS,
    headers: r.cookie ? { cookie: r.cookie } : {},
    ...(r.rate ? { overallRate: r.rate } : {}),
    ...(r.cookies?.length ? { requests: [{ setupRequest: rotate(r.cookies) }] } : {}),
  });
  const ok = result['2xx'];
  const cpu = cpuSince(before, await cpuNow());
  const perRequest = (seconds: number) => (ok && seconds ? ((seconds * 1000) / ok).toFixed(3) : '–');
  const line = {
    run: r.name,
    requestsPerSecond: Math.round(ok / SECONDS),
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
  console.log(
    `| ${line.run} | ${MODE} | ${r.cookies?.length || (r.cookie ? 1 : 0)} | ${CONNECTIONS} | ${r.rate ? `${r.rate}/s` : 'none'} | ${line.requestsPerSecond.toLocaleString('en')} | ${line.p50} | ${line.p90} | ${line.p99} | ${line.max} | ${line.non2xx} | ${line.errors} | ${perRequest(cpu.server)} | ${perRequest(cpu.db)} |`,
  );
  return line;
}

const cookie = await signIn();
// The overview must answer 200 for this user, or the figures measure an error page.
const check = await fetch(`${BASE}/api/portal/overview`, { headers: { cookie } });
if (check.status !== 200) throw new Error(`overview: ${check.status} ${await check.text()}`);
const customers = ((await check.json()) as { customers: unknown[] }).customers.length;
const csrf = /wodnik_csrf=([^;]+)/.exec(cookie)?.[1] ?? '';
const many = await benchSessions(csrf);
const oneOfMany = await fetch(`${BASE}/api/portal/overview`, { headers: { cookie: many[many.length - 1] ?? cookie } });
if (oneOfMany.status !== 200) throw new Error(`overview of a bench user: ${oneOfMany.status} ${await oneOfMany.text()}`);
console.log(`signed in; the overview shows ${customers} customer(s); ${many.length} more customers' sessions; memory caches ${MODE}; ${SECONDS} s per run`);
console.log('| run | caches | users | connections | rate limit | requests/s (2xx) | p50 ms | p90 ms | p99 ms | max ms | non-2xx | errors | server CPU ms/request | PostgreSQL CPU ms/request |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
// Warm-up (JIT, connection pool, caches), not reported.
await autocannon({ url: `${BASE}/api/portal/overview`, connections: CONNECTIONS, duration: 3, headers: { cookie } });
const users = many.length ? many : [cookie];
const results = [
  await run({ name: 'GET /api/portal/overview', path: '/api/portal/overview', cookies: users }),
  await run({ name: 'GET /api/portal/overview', path: '/api/portal/overview', cookies: users, rate: RATE }),
  await run({ name: 'GET /healthz', path: '/healthz' }),
];
if (probe) await dropBenchUsers(probe, PREFIX);
const [sat, fixed, health] = results;
const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
console.log(`targets: overview at ${RATE}/s p99 ≤ 25 ms: ${verdict(fixed.p99 <= 25 && fixed.requestsPerSecond >= RATE * 0.97)}; overview saturation > 4,000/s: ${verdict(sat.requestsPerSecond > 4000)}; /healthz > 10,000/s: ${verdict(health.requestsPerSecond > 10000)}`);
await probe?.end();
