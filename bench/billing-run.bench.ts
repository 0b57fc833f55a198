/**
 * A billing run at scale on PostgreSQL: `wodnik seed` data (three years of
 * readings) for N contracts (default 100,000; one customer each) in a
 * scratch database, then one run over every contract for two months:
 * preview (load in sets, bill, keep the bills), approve, issue (numbers,
 * invoices, lines, FA(3) XML, estimated registers, PDF jobs stored). Prints
 * the contract and invoice counts, and per step the wall time, this
 * process's CPU (all threads), the PostgreSQL backends' CPU (from /proc:
 * the server runs on this machine) and RSS.
 *
 *   node bin/run-ts.js bench/billing-run.bench.ts [--contracts N] [--reuse-seed] [--keep]
 *
 * --contracts N    how many (1,000,000 works: the seed then takes a while; peak RSS is reported)
 * --reuse-seed     seed once into a kept database `wodnik_billing_seed_N` and run on a copy of it
 *                  (`create database … template …`): back-to-back comparisons of two versions of the
 *                  run on the same data without seeding again. Drop it by hand when done.
 * --keep           keep the run's database
 * --explain        (with --reuse-seed; needs a superuser) auto_explain in the run's database: the plan of each
 *                  statement over 400 ms, triggers' statements too, goes to the server's log
 * (server: BENCH_DATABASE_URL or TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres)
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { sql } from 'kysely';
import pg from 'pg';
import { createScratchDatabase } from '../test/support/db.ts';
import { seedUtility } from '../src/modules/demo/seed.ts';
import { openDatabase, type Database } from '../src/db/connection.ts';
import { migrate } from '../src/db/migrate.ts';
import { withTenant } from '../src/db/tenant.ts';
import { withCopyTx } from '../src/db/bulk.ts';
import { approveRun, createPreviewRun, issueRun } from '../src/modules/billing/runs/service.ts';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const contracts = arg('contracts', arg('customers', 100_000));
const url = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const NOW = new Date('2026-11-20T12:00:00Z');
const seedConfig = { secretKey: '11'.repeat(32), dataDir: ':memory:', env: 'test' as const };
const loadavg = () => os.loadavg().map((x) => x.toFixed(1)).join(' ');
const mb = (bytes: number) => Math.round(bytes / 1e6);

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}
const urlOf = (name: string) => {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
};

/** The seeded data: a fresh scratch database, or a copy of the kept seed database (made first when missing). */
async function seededDatabase(): Promise<Database> {
  const seed = async (database: Database) => {
    const t = Date.now();
    const s = await seedUtility(database, { slug: 'zgk-demo', customers: contracts, now: NOW, config: seedConfig });
    await sql`analyze`.execute(database.db);
    console.log(`seeded ${s.counts.contracts} contracts, ${s.counts.readings} readings in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  };
  if (!process.argv.includes('--reuse-seed')) {
    const database = await createScratchDatabase(url, 'wodnik_billing_bench', { poolSize: 4, keep: process.argv.includes('--keep') });
    await seed(database);
    return database;
  }
  const template = `wodnik_billing_seed_${contracts}`;
  const exists = await admin((c) => c.query('select 1 from pg_database where datname = $1', [template]));
  if (exists.rowCount === 0) {
    const made = await createScratchDatabase(url, 'wodnik_billing_seeding', { poolSize: 4, keep: true });
    await seed(made);
    const name = (await sql<{ n: string }>`select current_database() as n`.execute(made.db)).rows[0].n;
    await made.close();
    await admin((c) => c.query(`alter database ${name} rename to ${template}`));
  }
  const name = `wodnik_billing_bench_${process.pid}`;
  const t = Date.now();
  await admin((c) => c.query(`create database ${name} template ${template}`));
  console.log(`copied ${template} in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  if (process.argv.includes('--explain')) {
    // The plan of every statement over 400 ms (triggers' statements too) into the server's log, for this copy only.
    await admin(async (c) => {
      await c.query(`alter database ${name} set session_preload_libraries = 'auto_explain'`);
      await c.query(`alter database ${name} set auto_explain.log_min_duration = '400ms'`);
      await c.query(`alter database ${name} set auto_explain.log_nested_statements = on`);
    });
  }
  const database = await openDatabase({ databaseUrl: urlOf(name), dataDir: ':memory:', poolSize: 4 });
  await migrate(database.db); // the code's migrations newer than the seed's
  const close = database.close;
  database.close = async () => {
    await close();
    if (process.argv.includes('--keep')) return console.log(`kept database ${name}`);
    await admin((c) => c.query(`drop database if exists ${name} with (force)`));
  };
  return database;
}

// Per-statement timers for hand instrumentation: wrap a statement in the code as
// `await (globalThis as any).__T('name', () => …)` and the run ends with each name's wall time and the
// PostgreSQL backends' CPU spent meanwhile (how the issuing was taken apart; nothing in src/ calls it).
const T = new Map<string, number>();
const P = new Map<string, number>();
const pgCpuNow = () => {
  let s = 0;
  for (const pid of pgSeen.keys()) {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      s += (Number(f[11]) + Number(f[12])) / 100;
    } catch {
      // gone
    }
  }
  return s;
};
(globalThis as any).__T = async (k: string, f: () => Promise<unknown>) => {
  const t = performance.now();
  const p0 = pgCpuNow();
  try {
    return await f();
  } finally {
    T.set(k, (T.get(k) ?? 0) + performance.now() - t);
    P.set(k, (P.get(k) ?? 0) + pgCpuNow() - p0);
  }
};
process.on('exit', () => console.log([...T].map(([k, v]) => `${k}: wall ${(v / 1000).toFixed(2)} s, PostgreSQL CPU ${(P.get(k) ?? 0).toFixed(2)} s`).join('\n')));
const database = await seededDatabase();
const dbName = (await sql<{ n: string }>`select current_database() as n`.execute(database.db)).rows[0].n;

/** CPU seconds of this database's backends, sampled (a backend that ends keeps its last figure). */
const pgSeen = new Map<number, number>();
async function samplePg(): Promise<void> {
  const r = await admin((c) => c.query<{ pid: number }>(`select pid from pg_stat_activity where datname = $1`, [dbName]));
  for (const { pid } of r.rows) {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      pgSeen.set(pid, (Number(f[11]) + Number(f[12])) / 100);
    } catch {
      // not on this machine
    }
  }
}
const pgTotal = () => [...pgSeen.values()].reduce((a, b) => a + b, 0);

try {
  const { rows: u } = await sql<{ id: number }>`select id from utilities where slug = 'zgk-demo'`.execute(database.db);
  const utilityId = Number(u[0].id);
  console.log(`machine: nproc ${os.cpus().length}, node ${process.version}, load average before: ${loadavg()}`);
  const period = { from: '2026-09-01', to: '2026-10-31' };
  let peak = process.memoryUsage().rss;
  const step = async <T,>(name: string, fn: () => Promise<T>) => {
    await samplePg();
    const pg0 = pgTotal();
    const c0 = process.cpuUsage();
    const t0 = Date.now();
    const rss: number[] = [];
    const fast = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
    const slow = setInterval(() => {
      rss.push(mb(process.memoryUsage().rss));
      void samplePg();
    }, 1000);
    try {
      return await fn();
    } finally {
      clearInterval(fast);
      clearInterval(slow);
      await samplePg();
      const c = process.cpuUsage(c0);
      console.log(
        `${name}: ${((Date.now() - t0) / 1000).toFixed(1)} s wall, node CPU ${((c.user + c.system) / 1e6).toFixed(1)} s, PostgreSQL CPU ${(pgTotal() - pg0).toFixed(1)} s, load average ${loadavg()}; RSS every second (MB): ${rss.join(' ')}`,
      );
    }
  };
  const t = Date.now();
  const runId = await step('preview', () => withCopyTx(database, { utilityId }, (tx, copy) => createPreviewRun(tx, utilityId, { period, selection: {} }, copy)));
  await withTenant(database.db, { utilityId }, (tx) => approveRun(tx, utilityId, runId, null));
  // A fixed instant for the documents (FA(3) DataWytworzeniaFa), so that two versions of the code can be compared by digest.
  const done = await step('issue', () => issueRun(database, utilityId, runId, { issueDate: '2026-11-03', now: () => new Date('2026-11-03T08:00:00Z') }));
  console.log(
    `run: ${done.contracts} contracts, ${done.issued} invoices issued, ${done.held} held; preview + issue ${((Date.now() - t) / 1000).toFixed(1)} s; peak RSS ${mb(Math.max(peak, process.resourceUsage().maxRSS * 1024))} MB`,
  );
  const { rows } = await sql<{ lines: number; xml_mb: number; last: string; digest: string }>`
    select (select count(*)::int from invoice_lines) as lines, (select (sum(length(xml)) / 1e6)::float8 from invoices) as xml_mb,
           (select max(invoice_number) from invoices) as last,
           (select md5(string_agg(concat_ws('|', i.invoice_number, i.contract_id, i.gross_grosze, md5(i.xml), md5(i.document::text),
                      (select string_agg(concat_ws('|', l.position, l.description, l.quantity, l.net_grosze), ';' order by l.position) from invoice_lines l
                        where l.utility_id = i.utility_id and l.invoice_id = i.id)), ',' order by i.invoice_number)) from invoices i) as digest`.execute(database.db);
  console.log(`stored: ${rows[0].lines} invoice lines, ${rows[0].xml_mb.toFixed(0)} MB of XML, last number ${rows[0].last}; digest of numbers, contracts, amounts, XML, documents and lines ${rows[0].digest}`);
} finally {
  await database.close();
}
