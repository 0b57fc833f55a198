/**
 * Load on a running server (started by bench/readings.bench.sh): the demo customer's contracts (the
 * Pulpit's meters panel and the contracts page), a year's consumption analysis of their house, and the
 * customer-service clerk's verification queue. Prints one Markdown table row per route.
 */
import autocannon from 'autocannon';

const BASE = process.env.BASE ?? 'http://127.0.0.1:3101';
const SECONDS = Number(process.env.RUN_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 10);
const PASSWORD = 'Wodnik-Demo-2026';

async function signIn(email: string): Promise<string> {
  const jar: Record<string, string> = {};
  const take = (res: Response) => {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair.indexOf('=');
      jar[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
  };
  take(await fetch(`${BASE}/healthz`));
  const res = await fetch(`${BASE}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: `wodnik_csrf=${jar.wodnik_csrf}`, 'x-csrf-token': jar.wodnik_csrf },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`sign-in of ${email} failed: ${res.status} ${await res.text()}`);
  take(res);
  return Object.entries(jar).map(([k, v]) => `${k}=${v}`).join('; ');
}

async function run(name: string, path: string, cookie: string) {
  const check = await fetch(`${BASE}${path}`, { headers: { cookie } });
  if (check.status !== 200) throw new Error(`${path}: ${check.status} ${await check.text()}`);
  await autocannon({ url: `${BASE}${path}`, connections: CONNECTIONS, duration: 2, headers: { cookie } });
  const r = await autocannon({ url: `${BASE}${path}`, connections: CONNECTIONS, duration: SECONDS, headers: { cookie } });
  console.log(`| ${name} | ${CONNECTIONS} | ${Math.round(r['2xx'] / SECONDS)} | ${r.latency.p50} | ${r.latency.p90} | ${r.latency.p99} | ${r.latency.max} | ${r.non2xx} |`);
}

const customer = await signIn('anna.kowalska@example.com');
const clerk = await signIn('bok@zgk-demo.example');
const contracts = (await (await fetch(`${BASE}/api/portal/contracts`, { headers: { cookie: customer } })).json()) as {
  customers: { id: number; contracts: { id: number; kind: string }[] }[];
};
const me = contracts.customers[0];
const house = me.contracts.find((k) => k.kind === 'water_sewage') ?? me.contracts[0];
const year = new Date().getFullYear() - 1;
const queue = (await (await fetch(`${BASE}/api/staff/verification?limit=20`, { headers: { cookie: clerk } })).json()) as { total: number };
console.log(`readings pending in the queue: ${queue.total}`);
console.log('| route | connections | requests/s | p50 ms | p90 ms | p99 ms | max ms | non-2xx |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
await run('GET /api/portal/contracts', '/api/portal/contracts', customer);
await run(`GET …/consumption (${year}, 12 months)`, `/api/customers/${me.id}/consumption?contractId=${house.id}&from=${year}-01-01&to=${year}-12-31`, customer);
await run('GET /api/staff/verification (first 20)', '/api/staff/verification?limit=20', clerk);
