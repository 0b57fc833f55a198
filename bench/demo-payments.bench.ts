/**
 * The demo payments alone (payments/demo.ts: a generated MT940 file with a
 * statement per month, imported through the import service), on a demo
 * billing history seeded once and kept as a dump of PGlite's data folder
 * (a tar file), so that the payments step can be timed again and again
 * without billing three years each time. Each run loads the dump into an
 * in-memory PGlite (as the demo's first start runs), applies newer migrations and
 * imports the demo payments of both utilities (wall and this process's CPU:
 * PGlite runs inside it, so its CPU is the database's too), then imports
 * them again (all duplicates). --trace: time per statement; --cpu-prof: a CPU
 * profile of the payments step.
 *
 *   node bin/run-ts.js bench/demo-payments.bench.ts [--customers 100] [--seed-file /tmp/wodnik-demo-history-100.tar] [--runs 1] [--trace] [--cpu-prof]
 *   TEST_DATABASE_URL=… : a scratch PostgreSQL database instead (seeded each run).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { openDatabase, type Database } from '../src/db/connection.ts';
import { migrate } from '../src/db/migrate.ts';
import { billDemoHistory } from '../src/modules/billing/runs/history.ts';
import { seedUtility, DEMO_PASSWORD } from '../src/modules/demo/seed.ts';
import { DEMO_UTILITY, SECOND_DEMO_UTILITY } from '../src/modules/demo/profiles.ts';
import { hashPassword } from '../src/modules/identity/passwords.ts';
import { importDemoPayments } from '../src/modules/payments/demo.ts';
import { createScratchDatabase } from '../test/support/db.ts';
import { traceQueries } from './query-trace.ts';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const customers = Number(arg('customers', '100'));
const seedFile = arg('seed-file', path.join(tmpdir(), `wodnik-demo-history-${customers}.tar`));
const runs = Number(arg('runs', '1'));
const now = new Date('2026-11-20T12:00:00Z');
const config = { secretKey: '11'.repeat(32), dataDir: ':memory:', env: 'test' as const };
const load = () => loadavg().map((x) => x.toFixed(1)).join(' ');
const cpu = (c: NodeJS.CpuUsage) => ((c.user + c.system) / 1e6).toFixed(2);

async function seedHistory(database: Database): Promise<void> {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const a = await seedUtility(database, { customers, slug: DEMO_UTILITY, passwordHash, config, now });
  const b = await seedUtility(database, { customers: Math.max(1, Math.round(customers * 0.4)), slug: SECOND_DEMO_UTILITY, passwordHash, config, now });
  for (const u of [a, b]) await billDemoHistory(database, u.utilityId, now);
}

async function timePayments(database: Database, label: string): Promise<void> {
  const { rows } = await sql<{ id: number }>`select id from utilities order by id`.execute(database.db);
  for (const pass of ['first', 'again']) {
    for (const u of rows) {
      const t = Date.now();
      const c0 = process.cpuUsage();
      const added = await importDemoPayments(database, Number(u.id), now);
      console.log(`${label} ${pass}: utility ${u.id}: ${added} lines added in ${((Date.now() - t) / 1000).toFixed(2)} s (node CPU ${cpu(process.cpuUsage(c0))} s), load ${load()}`);
    }
  }
  const { rows: sums } = await sql<{ payments: number; allocated: number; lines: number }>`
    select (select count(*) from payments)::int as payments, (select coalesce(sum(amount_grosze), 0) from payment_allocations)::int8 as allocated,
           (select count(*) from bank_statement_lines)::int as lines`.execute(database.db);
  console.log(`${label}: ${sums[0].lines} statement lines, ${sums[0].payments} payments, ${Number(sums[0].allocated) / 100} PLN allocated`);
}

/** --cpu-prof: a CPU profile of the payments step only (not of loading the dump), written to the working folder. */
async function startProfile(): Promise<(file: string) => Promise<void>> {
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return async (file) => {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
    console.log(`CPU profile: ${file}`);
  };
}

console.log(`load average before: ${load()}`);
if (process.env.TEST_DATABASE_URL) {
  for (let r = 0; r < runs; r++) {
    const database = await createScratchDatabase(process.env.TEST_DATABASE_URL, 'wodnik_demopay', { poolSize: 4 });
    try {
      const t = Date.now();
      await seedHistory(database);
      console.log(`history seeded in ${((Date.now() - t) / 1000).toFixed(1)} s`);
      await timePayments(database, `postgres run ${r + 1}`);
    } finally {
      await database.close();
    }
  }
} else {
  if (!existsSync(seedFile)) {
    const t = Date.now();
    const database = await openDatabase({ dataDir: ':memory:' });
    await migrate(database.db);
    await seedHistory(database);
    const dump = await database.pglite!.dumpDataDir('none');
    writeFileSync(seedFile, Buffer.from(await dump.arrayBuffer()));
    await database.close();
    console.log(`history seeded into ${seedFile} in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  }
  const dump = readFileSync(seedFile);
  for (let r = 0; r < runs; r++) {
    const database = await openDatabase({ dataDir: ':memory:', loadDataDir: new Blob([dump]) });
    await migrate(database.db);
    const printTrace = process.argv.includes('--trace') ? traceQueries(database) : null;
    const profile = process.argv.includes('--cpu-prof') ? await startProfile() : null;
    await timePayments(database, `pglite run ${r + 1}`);
    await profile?.(`demo-payments-${r + 1}.cpuprofile`);
    printTrace?.();
    await database.close();
  }
}
