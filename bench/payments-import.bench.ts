/**
 * Statement import at scale on PostgreSQL (issue 15: 100,000 lines against
 * 100,000 customers under 10 s on 2 cores): a scratch database with N
 * customers (individual accounts) and one open invoice each, then one MT940
 * statement of N credit lines (a third naming the invoice number, a third
 * the customer number, a third only the individual account; 1% matching
 * nobody), parsed and imported: lines stored, matched, payments stored and
 * allocated in one transaction. Prints parse and import times and what was
 * matched; then imports the same file again (all duplicates).
 *
 *   node bin/run-ts.js bench/payments-import.bench.ts [--customers N] [--keep] [--trace]
 *   (--trace: time per statement of the first import)
 *   (server: BENCH_DATABASE_URL or TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres)
 */
import { sql } from 'kysely';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { PerformanceObserver } from 'node:perf_hooks';
import { createScratchDatabase } from '../test/support/db.ts';
import { traceQueries } from './query-trace.ts';
import { nrbFromBban } from '../src/lib/check-digits.ts';
import { importParsed } from '../src/modules/payments/import/service.ts';
import { parseStatementFile } from '../src/modules/payments/statements/parse.ts';
import { encode, writeMt940, type WrittenLine } from '../src/modules/payments/statements/testing/mt940-writer.ts';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const n = arg('customers', 100_000);
const url = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const database = await createScratchDatabase(url, 'wodnik_payments_bench', { poolSize: 4, keep: process.argv.includes('--keep') });
const load = () => loadavg().map((x) => x.toFixed(1)).join(' ');
const PREFIX = '10201329';
const bank = nrbFromBban(`${PREFIX}0000000000999999`);

/** CPU seconds of this database's backends (from /proc; a backend that ended keeps its last figure). */
const pgSeen = new Map<number, number>();
async function pgCpu(): Promise<number> {
  const { rows } = await sql<{ pid: number }>`select pid from pg_stat_activity where datname = current_database()`.execute(database.db);
  for (const { pid } of rows) {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      pgSeen.set(pid, (Number(f[11]) + Number(f[12])) / 100);
    } catch {
      // not on this machine
    }
  }
  return [...pgSeen.values()].reduce((a, b) => a + b, 0);
}

try {
  console.log(`load average before: ${load()}`);
  let t = Date.now();
  const u = await database.db
    .insertInto('utilities')
    .values({ slug: 'bench-payments', name: 'ZGK Bench', short_name: 'ZGK', bank_account: bank, virtual_account_prefix: PREFIX })
    .returning('id')
    .executeTakeFirstOrThrow();
  const utilityId = Number(u.id);
  const numbers = Array.from({ length: n }, (_, i) => String(i + 1).padStart(7, '0'));
  const accounts = numbers.map((c) => nrbFromBban(`${PREFIX}${c.padStart(16, '0')}`));
  await sql`
    insert into customers (utility_id, customer_number, kind, name, payment_account)
    select ${utilityId}, c, 'person', 'Klient ' || c, a from unnest(${numbers}::text[], ${accounts}::text[]) as t(c, a)`.execute(database.db);
  await sql`
    insert into invoices (utility_id, invoice_number, kind, customer_id, issue_date, due_date, net_grosze, vat_grosze, gross_grosze)
    select ${utilityId}, 'FV/2026/10/' || lpad(id::text, 6, '0'), 'invoice', id, '2026-10-31', '2026-11-14', 10000 + id % 5000, 0, 10000 + id % 5000
      from customers where utility_id = ${utilityId}`.execute(database.db);
  await sql`analyze`.execute(database.db);
  const { rows: inv } = await sql<{ id: number; number: string; gross: number }>`select customer_id as id, invoice_number as number, gross_grosze::int8 as gross from invoices order by customer_id`.execute(database.db);
  console.log(`${n} customers and invoices in ${((Date.now() - t) / 1000).toFixed(1)} s`);

  const lines: WrittenLine[] = inv.map((r, i) => {
    const k = i % 100 === 99 ? 'nobody' : (['invoice', 'customer', 'account'] as const)[i % 3];
    return {
      value: '261120',
      mark: 'C',
      amount: `${Math.floor(Number(r.gross) / 100)},${String(Number(r.gross) % 100).padStart(2, '0')}`,
      bankRef: `B${i}`,
      title: k === 'invoice' ? `Opłata za fakturę ${r.number}` : k === 'customer' ? `Woda nr klienta ${numbers[i]}` : k === 'account' ? 'Opłata za wodę' : 'Wpłata',
      name: `Klient ${numbers[i]}`,
      ...(k === 'account' ? { account: `PL${accounts[i]}` } : {}),
    };
  });
  const total = inv.reduce((s, r) => s + Number(r.gross), 0);
  const money = (g: number) => `${Math.floor(g / 100)},${String(g % 100).padStart(2, '0')}`;
  const text = writeMt940([{ ref: 'BENCH/1', seq: '1/1', account: `PL${bank}`, opening: 'C261119PLN0,00', closing: `C261120PLN${money(total)}`, lines }], { kind: 'numbered', separator: '~' });
  const bytes = encode(text, 'windows-1250');

  t = Date.now();
  let c0 = process.cpuUsage();
  const parsed = parseStatementFile(bytes);
  let c = process.cpuUsage(c0);
  console.log(`parse: ${(bytes.length / 1e6).toFixed(1)} MB, ${parsed.statements[0]?.lines.length} lines in ${((Date.now() - t) / 1000).toFixed(2)} s (CPU ${((c.user + c.system) / 1e6).toFixed(2)} s)`);

  const printTrace = process.argv.includes('--trace') ? traceQueries(database) : null;
  const pg0 = await pgCpu();
  const sampler = setInterval(() => void pgCpu().catch(() => {}), 1000);
  let gcMs = 0;
  const gc = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcMs += e.duration;
  });
  gc.observe({ entryTypes: ['gc'] });
  t = Date.now();
  c0 = process.cpuUsage();
  const r = await importParsed(database, utilityId, parsed, { fileName: 'bench.sta', bytes, userId: null });
  c = process.cpuUsage(c0);
  gc.disconnect();
  const s = r.statements[0];
  const wall = (Date.now() - t) / 1000;
  clearInterval(sampler);
  const pgUsed = (await pgCpu()) - pg0;
  console.log(`import: ${s.added} added, ${s.matched} matched, ${s.unmatched} unmatched in ${wall.toFixed(2)} s (node CPU ${((c.user + c.system) / 1e6).toFixed(2)} s of which GC ${(gcMs / 1000).toFixed(2)} s, PostgreSQL CPU ${pgUsed.toFixed(2)} s), load average ${load()}`);
  printTrace?.();
  const { rows } = await sql<{ n: number; open: number }>`
    select count(*)::int as n, coalesce(sum(i.gross_grosze - coalesce(a.s, 0)), 0)::int8 as open
      from invoices i left join (select invoice_id, sum(amount_grosze) as s from payment_allocations group by 1) a on a.invoice_id = i.id`.execute(database.db);
  console.log(`after: ${rows[0].n} invoices, ${Number(rows[0].open) / 100} PLN still open (the unmatched 1%)`);

  t = Date.now();
  const again = await importParsed(database, utilityId, parsed, { fileName: 'bench.sta', bytes, userId: null });
  console.log(`same file again: ${again.statements[0].added} added, ${again.statements[0].duplicates} duplicates in ${((Date.now() - t) / 1000).toFixed(2)} s`);
  console.log(`peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
} finally {
  await database.close();
}
