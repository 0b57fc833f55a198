/**
 * A billing run at scale on PostgreSQL: `wodnik seed` data (three years of
 * readings) for N customers (default 100,000: one contract each) in a
 * scratch database, then one run over every contract for two months:
 * preview (load in sets, bill, keep the bills), approve, issue (numbers,
 * invoices, lines, FA(3) XML, estimated registers stored). Prints the
 * contract and invoice counts, wall time and CPU of each step, and peak RSS.
 *
 *   node bin/run-ts.js bench/billing-run.bench.ts [--customers N] [--keep]
 *   (server: BENCH_DATABASE_URL or TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres)
 */
import { sql } from 'kysely';
import { createScratchDatabase } from '../test/support/db.ts';
import { seedUtility } from '../src/modules/demo/seed.ts';
import { withTenant } from '../src/db/tenant.ts';
import { approveRun, createPreviewRun, issueRun } from '../src/modules/billing/runs/service.ts';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const customers = arg('customers', 100_000);
const url = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const database = await createScratchDatabase(url, 'wodnik_billing_bench', { poolSize: 4, keep: process.argv.includes('--keep') });
const loadavg = async () => (await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ');

try {
  console.log(`load average before: ${await loadavg()}`);
  let t = Date.now();
  const seeded = await seedUtility(database, { slug: 'zgk-demo', customers, now: new Date('2026-11-20T12:00:00Z'), config: { secretKey: '11'.repeat(32), dataDir: ':memory:', env: 'test' } });
  await sql`analyze`.execute(database.db);
  const utilityId = seeded.utilityId;
  console.log(`seeded ${customers} customers, ${seeded.counts.contracts} contracts, ${seeded.counts.readings} readings in ${((Date.now() - t) / 1000).toFixed(1)} s`);

  const period = { from: '2026-09-01', to: '2026-10-31' };
  const step = async <T,>(name: string, fn: () => Promise<T>) => {
    const c0 = process.cpuUsage();
    const t0 = Date.now();
    const r = await fn();
    const c = process.cpuUsage(c0);
    console.log(`${name}: ${((Date.now() - t0) / 1000).toFixed(1)} s wall, node CPU ${((c.user + c.system) / 1e6).toFixed(1)} s, load average ${await loadavg()}`);
    return r;
  };
  t = Date.now();
  const runId = await step('preview', () => withTenant(database.db, { utilityId }, (tx) => createPreviewRun(tx, utilityId, { period, selection: {} })));
  await withTenant(database.db, { utilityId }, (tx) => approveRun(tx, utilityId, runId, null));
  const done = await step('issue', () => issueRun(database, utilityId, runId, { issueDate: '2026-11-03' }));
  console.log(
    `run: ${done.contracts} contracts, ${done.issued} invoices issued, ${done.held} held; preview + issue ${((Date.now() - t) / 1000).toFixed(1)} s; peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`,
  );
  const { rows } = await sql<{ lines: number; xml_mb: number }>`select (select count(*)::int from invoice_lines) as lines, (select (sum(length(xml)) / 1e6)::float8 from invoices) as xml_mb`.execute(database.db);
  console.log(`stored: ${rows[0].lines} invoice lines, ${rows[0].xml_mb.toFixed(0)} MB of XML`);
} finally {
  await database.close();
}
