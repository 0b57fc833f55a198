/**
 * Staff customer search with 100,000 customers and 1,000,000 cases on
 * PostgreSQL (issue 13: p99 under 100 ms): p50/p99 of GET /api/staff/customers
 * through the whole HTTP path (session, tenant transaction, the count and
 * the page in Polish order, the audit row) for what clerks type: a surname
 * with and without Polish letters, a customer number, a street and number,
 * a meter serial, a service point's code, an e-mail fragment, a miss, and
 * the first and a deep page of the whole list.
 *
 * Run on an idle machine:
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres node bin/run-ts.js bench/customer-search.bench.ts
 * (a scratch database is made and dropped; CUSTOMERS=N, CASES=N, ROUNDS=N change the sizes; KEEP=1 keeps it).
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
const CUSTOMERS = Number(process.env.CUSTOMERS ?? 100_000);
const CASES = Number(process.env.CASES ?? 1_000_000);
const ROUNDS = Number(process.env.ROUNDS ?? 200);

// Common Polish surnames and streets, letters with diacritics included, so that folding and Polish order are exercised.
const SURNAMES = ['Nowak', 'Kowalski', 'Wiśniewski', 'Wójcik', 'Kowalczyk', 'Kamiński', 'Lewandowski', 'Zieliński', 'Szymański', 'Woźniak', 'Dąbrowski', 'Kozłowski', 'Jankowski', 'Mazur', 'Kwiatkowski', 'Krawczyk', 'Piotrowski', 'Grabowski', 'Nowakowski', 'Pawłowski', 'Michalski', 'Nowicki', 'Adamczyk', 'Dudek', 'Zając', 'Wieczorek', 'Jabłoński', 'Król', 'Majewski', 'Olszewski', 'Łukasik', 'Żak', 'Ślusarczyk', 'Śliwa', 'Żółkiewski'];
const FIRST = ['Anna', 'Piotr', 'Maria', 'Krzysztof', 'Katarzyna', 'Andrzej', 'Małgorzata', 'Tomasz', 'Agnieszka', 'Paweł', 'Barbara', 'Łukasz', 'Ewa', 'Michał', 'Zofia', 'Józef'];
const STREETS = ['ul. Lipowa', 'ul. Klonowa', 'ul. Słoneczna', 'ul. Żeromskiego', 'ul. Mickiewicza', 'ul. Kościuszki', 'ul. Łąkowa', 'ul. Źródlana', 'al. Wojska Polskiego', 'ul. Ogrodowa', 'ul. Szkolna', 'ul. Polna'];
const arr = (xs: string[]) => sql.raw(`array[${xs.map((x) => `'${x.replace(/'/g, "''")}'`).join(',')}]`);

const database = await createScratchDatabase(url, 'wodnik_bench_search', { poolSize: 5, keep: process.env.KEEP === '1' });
try {
  const db = database.db;
  const u = await buildUtility(database);
  await buildUser(database, u.id, { kind: 'staff', email: 'bok@bench.example', roles: ['customer_service'] });

  let t0 = performance.now();
  await sql`
    insert into customers (utility_id, customer_number, kind, name, first_name, last_name, email, street, building, apartment, postal_code, city)
    select ${u.id}, 'K' || lpad(g::text, 7, '0'), 'person',
           (${arr(SURNAMES)})[1 + g % ${SURNAMES.length}] || ' ' || (${arr(FIRST)})[1 + (g / 7) % ${FIRST.length}],
           (${arr(FIRST)})[1 + (g / 7) % ${FIRST.length}], (${arr(SURNAMES)})[1 + g % ${SURNAMES.length}],
           'klient' || g || '@example.com',
           (${arr(STREETS)})[1 + (g / 3) % ${STREETS.length}], (1 + g % 120)::text, case when g % 4 = 0 then (1 + g % 40)::text end,
           '16-0' || lpad((g % 100)::text, 2, '0'), 'Wodnikowo'
      from generate_series(1, ${CUSTOMERS}) g`.execute(db);
  const c0 = Number((await sql<{ id: number }>`select min(id)::bigint as id from customers where utility_id = ${u.id}`.execute(db)).rows[0].id);
  await sql`
    insert into service_points (utility_id, code, street, building, apartment, postal_code, locality, route_order)
    select ${u.id}, 'PP' || lpad(g::text, 7, '0'), (${arr(STREETS)})[1 + (g / 3) % ${STREETS.length}], (1 + g % 120)::text,
           case when g % 4 = 0 then (1 + g % 40)::text end, '16-0' || lpad((g % 100)::text, 2, '0'), 'Wodnikowo', g
      from generate_series(1, ${CUSTOMERS}) g`.execute(db);
  const sp0 = Number((await sql<{ id: number }>`select min(id)::bigint as id from service_points where utility_id = ${u.id}`.execute(db)).rows[0].id);
  await sql`
    insert into contracts (utility_id, contract_number, customer_id, service_point_id, kind, tariff_group_code, valid_from)
    select ${u.id}, 'UM/' || g, ${c0} + g - 1, ${sp0} + g - 1, 'water_sewage', 'G1', date '2024-01-01'
      from generate_series(1, ${CUSTOMERS}) g`.execute(db);
  await sql`
    insert into meters (utility_id, service_point_id, role, serial_number, installed_on, legalization_valid_until)
    select ${u.id}, ${sp0} + g - 1, 'main', 'SN' || lpad(g::text, 8, '0'), date '2024-01-01', date '2029-01-01'
      from generate_series(1, ${CUSTOMERS}) g`.execute(db);
  await sql`
    insert into cases (utility_id, case_number, customer_id, kind, subject, status, created_at, updated_at, last_message_at)
    select ${u.id}, 'SPR/' || (2025 + g / 500001) || '/' || lpad((g % 500001)::text, 6, '0'), ${c0} + (g::bigint * 7919) % ${CUSTOMERS},
           (array['complaint','failure','message','reading','dataChange'])[1 + (g / 20) % 5], 'Sprawa ' || g,
           case when g % 20 < 17 then 'closed' else 'new' end,
           now() - make_interval(secs => (${CASES} - g) * 63), now() - make_interval(secs => (${CASES} - g) * 63), now() - make_interval(secs => (${CASES} - g) * 63)
      from generate_series(1, ${CASES}) g`.execute(db);
  await sql`vacuum analyze`.execute(db);
  const loadS = (performance.now() - t0) / 1000;

  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', WODNIK_SECRET_KEY: '11'.repeat(32), TRUST_PROXY: 'true' });
  const app = await buildApp({ config, database });
  await app.ready();
  const c = client(app, u.slug);
  const login = await c.post('/api/auth/login', { email: 'bok@bench.example', password: TEST_PASSWORD });
  if (login.statusCode !== 200) throw new Error(login.body);

  const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];
  async function measure(label: string, q: string, extra = '') {
    const path = `/api/staff/customers?limit=20${q ? `&q=${encodeURIComponent(q)}` : ''}${extra}`;
    for (let i = 0; i < 10; i++) await c.get(path); // warm-up
    const ms: number[] = [];
    let total = 0;
    for (let i = 0; i < ROUNDS; i++) {
      t0 = performance.now();
      const res = await c.get(path);
      ms.push(performance.now() - t0);
      if (res.statusCode !== 200) throw new Error(`${path}: ${res.statusCode} ${res.body}`);
      total = res.json().total;
    }
    console.log(`| ${label} | ${total.toLocaleString('en')} | ${pct(ms, 50).toFixed(1)} | ${pct(ms, 99).toFixed(1)} |`);
    return pct(ms, 99);
  }

  console.log(`cpu: ${cpus()[0]?.model} × ${cpus().length}, node ${process.version}, ${database.kind}`);
  console.log(`${CUSTOMERS.toLocaleString('en')} customers (each with a service point, contract and meter), ${CASES.toLocaleString('en')} cases, loaded in ${loadS.toFixed(0)} s; ${ROUNDS} requests per row, one after another`);
  console.log('| search | matches | p50 ms | p99 ms |');
  console.log('| --- | --- | --- | --- |');
  const worst = Math.max(
    await measure('everyone, first page (Polish order)', ''),
    await measure('everyone, page 200', '', '&offset=4000'),
    await measure('surname with Polish letters', 'Wiśniewski'),
    await measure('surname typed without them', 'wisniewski'),
    await measure('rare surname', 'Żółkiewski Józef'),
    await measure('customer number', 'K0054321'),
    await measure('street and number', 'Lipowa 12'),
    await measure('meter serial', 'SN00054321'),
    await measure('service point code', 'pp0054321'),
    await measure('e-mail fragment', 'klient54321@'),
    await measure('no match', 'Qxyzzy'),
  );
  console.log(`worst p99: ${worst.toFixed(1)} ms (target < 100 ms)`);
  await app.close();
} finally {
  await database.close();
}
