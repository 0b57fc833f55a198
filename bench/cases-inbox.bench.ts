/**
 * The staff inbox with 1,000,000 cases on PostgreSQL: p50/p99 of
 * GET /api/staff/cases through the whole HTTP path (session, tenant
 * transaction, page query, five bounded counts) for the filters clerks use,
 * first page and a page deep in the keyset.
 *
 * Run: BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres node bin/run-ts.js bench/cases-inbox.bench.ts
 * (a scratch database is created and dropped; CASES=N changes the count).
 */
import { cpus } from 'node:os';
import { sql } from 'kysely';
import { buildApp } from '../src/http/app.ts';
import { loadConfig } from '../src/config.ts';
import { createScratchDatabase } from '../test/support/db.ts';
import { client } from '../test/support/app.ts';
import { TEST_PASSWORD, buildUser, buildUtility } from '../test/support/factories.ts';

const url = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
if (!url) {
  console.error('Set BENCH_DATABASE_URL=postgres://… (a PostgreSQL server; a scratch database is made there).');
  process.exit(2);
}
const CASES = Number(process.env.CASES ?? 1_000_000);
const CUSTOMERS = 100_000;
const ROUNDS = Number(process.env.ROUNDS ?? 200);

const database = await createScratchDatabase(url, 'wodnik_bench_cases', { poolSize: 5, keep: process.env.KEEP === '1' });
try {
  const db = database.db;
  const u = await buildUtility(database);
  const clerks: number[] = [];
  for (let i = 0; i < 20; i++) clerks.push((await buildUser(database, u.id, { kind: 'staff', email: `bok${i}@bench.example`, roles: ['customer_service'] })).id);
  const me = clerks[0];

  let t0 = performance.now();
  await sql`insert into customers (utility_id, customer_number, kind, name)
            select ${u.id}, 'K' || lpad(g::text, 7, '0'), 'person', 'Klient ' || g from generate_series(1, ${CUSTOMERS}) g`.execute(db);
  const { rows: firstCustomer } = await sql<{ id: number }>`select min(id)::bigint as id from customers where utility_id = ${u.id}`.execute(db);
  const c0 = Number(firstCustomer[0].id);
  // Over two years: 85 % finished, the rest open; a fifth complaints (with deadlines from 30 days ago to 14 ahead); 70 % of cases assigned.
  // Status (g % 20), kind ((g / 20) % 5) and assignee ((g / 7) % 10 for 70 %, (g / 100) % 20 of 20 clerks) vary independently enough for every filter to find rows.
  await sql`
    insert into cases (utility_id, case_number, customer_id, kind, subject, status, assignee_id, due_on, created_at, updated_at, last_message_at)
    select ${u.id}, 'SPR/' || (2025 + g / 500001) || '/' || lpad((g % 500001)::text, 6, '0'), ${c0} + (g::bigint * 7919) % ${CUSTOMERS},
           (array['complaint','failure','message','reading','dataChange'])[1 + (g / 20) % 5],
           'Sprawa ' || g,
           case when g % 20 < 17 then (array['resolved','closed','rejected'])[1 + g % 3] else (array['new','in_progress','waiting_for_customer'])[1 + g % 3] end,
           case when (g / 7) % 10 < 7 then (${sql.raw(`array[${clerks.join(',')}]::bigint[]`)})[1 + (g / 100) % 20] end,
           case when (g / 20) % 5 = 0 then current_date + ((g / 7) % 45 - 30) end,
           now() - make_interval(secs => (${CASES} - g) * 63),
           now() - make_interval(secs => (${CASES} - g) * 63),
           now() - make_interval(secs => (${CASES} - g) * 63)
    from generate_series(1, ${CASES}) g`.execute(db);
  // As autovacuum leaves a table in use: statistics and the visibility map (index-only counts).
  await sql`vacuum analyze cases`.execute(db);
  await sql`analyze`.execute(db);
  const loadS = (performance.now() - t0) / 1000;
  const { rows: openRows } = await sql<{ n: number }>`select count(*)::int as n from cases where status in ('new','in_progress','waiting_for_customer')`.execute(db);

  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', WODNIK_SECRET_KEY: '11'.repeat(32), TRUST_PROXY: 'true' });
  const app = await buildApp({ config, database });
  await app.ready();
  const c = client(app, u.slug);
  const login = await c.post('/api/auth/login', { email: 'bok0@bench.example', password: TEST_PASSWORD });
  if (login.statusCode !== 200) throw new Error(login.body);

  const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];
  async function measure(label: string, path: string) {
    for (let i = 0; i < 10; i++) await c.get(path); // warm-up
    const ms: number[] = [];
    let items = 0;
    for (let i = 0; i < ROUNDS; i++) {
      t0 = performance.now();
      const res = await c.get(path);
      ms.push(performance.now() - t0);
      if (res.statusCode !== 200) throw new Error(`${path}: ${res.statusCode} ${res.body}`);
      items = res.json().items.length;
    }
    console.log(`| ${label} | ${items} | ${pct(ms, 50).toFixed(1)} | ${pct(ms, 99).toFixed(1)} |`);
    return pct(ms, 99);
  }

  // A cursor deep in the open list: 20 pages of 50 on.
  let deep = '';
  let cursor: string | null = null;
  for (let i = 0; i < 20; i++) {
    const page: { next: string | null } = (await c.get(`/api/staff/cases?limit=50${cursor ? `&cursor=${cursor}` : ''}`)).json();
    cursor = page.next;
  }
  deep = cursor ?? '';

  console.log(`cpu: ${cpus()[0]?.model} × ${cpus().length}, node ${process.version}, ${database.kind}`);
  console.log(`${CASES.toLocaleString('en')} cases (${openRows[0].n.toLocaleString('en')} open), ${CUSTOMERS.toLocaleString('en')} customers, loaded in ${loadS.toFixed(0)} s; ${ROUNDS} requests per row, one after another`);
  console.log('| inbox request | rows | p50 ms | p99 ms |');
  console.log('| --- | --- | --- | --- |');
  const worst = Math.max(
    await measure('open, newest first (default)', '/api/staff/cases'),
    await measure('open, 21st page (keyset cursor)', `/api/staff/cases?cursor=${deep}`),
    await measure('all statuses', '/api/staff/cases?status=all'),
    await measure('kind = complaint', '/api/staff/cases?kind=complaint'),
    await measure('status = waiting_for_customer', '/api/staff/cases?status=waiting_for_customer'),
    await measure('assignee = me', '/api/staff/cases?assignee=me'),
    await measure('unassigned', '/api/staff/cases?assignee=none'),
    await measure('overdue, nearest deadline first', '/api/staff/cases?due=overdue&sort=due'),
    await measure('due within 3 days', '/api/staff/cases?due=soon&sort=due'),
    await measure('kind = dataChange, assignee = me', '/api/staff/cases?kind=dataChange&assignee=me'),
    await measure('case number', `/api/staff/cases?q=${encodeURIComponent('SPR/2025/123456')}&status=all`),
  );
  console.log(`worst p99: ${worst.toFixed(1)} ms (target < 100 ms)`);

  // The same work without HTTP and the session: the inbox's queries in one tenant transaction.
  const { withTenant } = await import('../src/db/tenant.ts');
  const { inbox } = await import('../src/modules/cases/service.ts');
  const ms: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    t0 = performance.now();
    await withTenant(db, { utilityId: u.id, userId: me }, (tx) => inbox(tx, u.id, me, { limit: 50 }));
    ms.push(performance.now() - t0);
  }
  console.log(`inbox queries alone (default filter, one transaction): p50 ${pct(ms, 50).toFixed(1)} ms, p99 ${pct(ms, 99).toFixed(1)} ms`);
  await app.close();
} finally {
  await database.close();
}
