/**
 * Load on a running server from a second process (autocannon): the portal's
 * ledger API ("Faktury i saldo": GET /api/portal/customers/:id/balance, the
 * balance, each invoice's payment status and the settlement history with a
 * running balance), asked for by USERS different signed-in customers in turn
 * (spread over the whole utility, not its first ids), unlimited and at a
 * fixed RATE. Started by bench/ledger-api.bench.sh, which seeds the database
 * and its ledgers and starts the server; run alone it needs:
 *   BASE=http://127.0.0.1:3102  DATABASE_URL=…  [RUN_SECONDS=15] [CONNECTIONS=20] [RATE=1000] [USERS=5000]
 *   [SERVER_PID=…] (then CPU per request of the server and of its PostgreSQL backends, from /proc)
 *
 * The bench users and their sessions are written straight into the database
 * before the runs and removed after (a sign-in costs an Argon2 hash, which is
 * not what is measured). Load average before and after each run is printed:
 * the machine may be shared, and CPU per request is the steadier figure.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import pg from 'pg';
import { createBenchSessions, dropBenchUsers } from './bench-sessions.ts';

const BASE = process.env.BASE ?? 'http://127.0.0.1:3102';
const SECONDS = Number(process.env.RUN_SECONDS ?? 15);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 20);
const RATE = Number(process.env.RATE ?? 1000);
const USERS = Number(process.env.USERS ?? 5000);

const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

const serverPid = Number(process.env.SERVER_PID ?? 0);
const probe = new pg.Client({ connectionString: process.env.DATABASE_URL });
await probe.connect();
async function cpuNow(): Promise<{ server: number; db: Map<number, number> }> {
  const r = await probe.query<{ pid: number }>('select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()');
  const db = new Map<number, number>();
  for (const { pid } of r.rows) db.set(pid, cpuSeconds(pid));
  return { server: serverPid ? cpuSeconds(serverPid) : 0, db };
}
function cpuSince(before: Awaited<ReturnType<typeof cpuNow>>, after: Awaited<ReturnType<typeof cpuNow>>) {
  let db = 0;
  for (const [pid, s] of after.db) db += s - (before.db.get(pid) ?? 0);
  return { server: after.server - before.server, db };
}

const PREFIX = 'bench-ledger-';

/** USERS portal users of customers spread over the utility, each with a session; returns [customerId, cookie]. */
async function benchSessions(): Promise<Array<[number, string]>> {
  const sessions = await createBenchSessions(probe, { users: USERS, prefix: PREFIX, csrf: randomBytes(16).toString('base64url'), spread: true });
  return sessions.map((x) => [x.customerId, x.cookie]);
}

const path = (id: number) => `/api/portal/customers/${id}/balance`;

function rotate(users: Array<[number, string]>) {
  let i = 0;
  return (req: autocannon.Request): autocannon.Request => {
    const [id, cookie] = users[i++ % users.length];
    return { ...req, path: path(id), headers: { ...(req.headers as Record<string, string> | undefined), cookie } };
  };
}

async function run(name: string, users: Array<[number, string]>, rate?: number) {
  const load0 = loadavg();
  const before = await cpuNow();
  const result = await autocannon({
    url: `${BASE}${path(users[0][0])}`,
    connections: CONNECTIONS,
    duration: SECONDS,
    ...(rate ? { overallRate: rate } : {}),
    requests: [{ setupRequest: rotate(users) }],
  });
  const cpu = cpuSince(before, await cpuNow());
  const ok = result['2xx'];
  const per = (s: number) => (ok && s ? ((s * 1000) / ok).toFixed(2) : '–');
  const line = { rps: Math.round(ok / SECONDS), p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99 };
  console.log(
    `| ${name} | ${users.length} | ${CONNECTIONS} | ${rate ? `${rate}/s` : 'none'} | ${line.rps.toLocaleString('en')} | ${line.p50} | ${line.p90} | ${line.p99} | ${result.latency.max} | ${result.non2xx} | ${result.errors + result.timeouts} | ${per(cpu.server)} | ${per(cpu.db)} | ${load0} → ${loadavg()} |`,
  );
  return line;
}

const users = await benchSessions();
// Every bench user must get its ledger, or the figures measure an error page.
const first = await fetch(`${BASE}${path(users[0][0])}`, { headers: { cookie: users[0][1] } });
if (first.status !== 200) throw new Error(`ledger: ${first.status} ${await first.text()}`);
const body = (await first.json()) as { entries: unknown[]; summary: Record<string, unknown> };
const sizes = await probe.query<{ avg: string; max: string }>(
  `select avg(n)::numeric(6,1)::text as avg, max(n)::text as max from (select count(*) as n from ledger_entries where customer_id = any($1::bigint[]) group by customer_id) x`,
  [users.map((u) => u[0])],
);
console.log(`${users.length} customers' sessions; a ledger has ${sizes.rows[0].avg} entries on average (max ${sizes.rows[0].max}); the first answer: ${body.entries.length} entries, ${JSON.stringify(first.headers.get('content-length'))} bytes; ${SECONDS} s per run`);
console.log('| run | users | connections | rate limit | requests/s (2xx) | p50 ms | p90 ms | p99 ms | max ms | non-2xx | errors | server CPU ms/request | PostgreSQL CPU ms/request | load average before → after |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
// Warm-up (JIT, connection pool, and each user's first answer: the sessions and ledger pages in memory,
// as in steady use, where every one of USERS customers asks again within the minute), not reported.
// With WODNIK_MEMORY_CACHES=off on the server every run below reads the database.
await autocannon({ url: `${BASE}${path(users[0][0])}`, connections: CONNECTIONS, amount: users.length, requests: [{ setupRequest: rotate(users) }] });
const sat = await run('GET /api/portal/customers/:id/balance', users);
const fixed = await run('GET /api/portal/customers/:id/balance', users, RATE);
await dropBenchUsers(probe, PREFIX);
console.log(`target: ledger at ${RATE}/s p99 < 25 ms: ${fixed.p99 < 25 && fixed.rps >= RATE * 0.97 ? 'met' : 'NOT met'} (saturated: ${sat.rps}/s)`);
await probe.end();
