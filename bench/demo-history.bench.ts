/**
 * The demo's first start with its billing history: `seedDemoIfEmpty` on a
 * fresh database (PGlite in memory, or the server of TEST_DATABASE_URL),
 * timed, with the invoices it made by kind. `--customers N` (default 500).
 */
import { sql } from 'kysely';
import { createTestDatabase } from '../test/support/db.ts';
import { seedDemoIfEmpty } from '../src/modules/demo/seed.ts';

const i = process.argv.indexOf('--customers');
const customers = i > 0 ? Number(process.argv[i + 1]) : 500;
const database = await createTestDatabase();
const t0 = Date.now();
await seedDemoIfEmpty(database, { customers, now: new Date('2026-11-20T12:00:00Z'), log: (l) => console.log(l), config: { secretKey: '11'.repeat(32), dataDir: ':memory:', env: 'test' } });
console.log(`first start (${database.kind}, ${customers} customers): ${((Date.now() - t0) / 1000).toFixed(1)} s, peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
const kinds = await sql<{ kind: string; n: number }>`
  select case when is_estimate then 'estimate' else buyer_kind end as kind, count(*)::int as n from invoices group by 1 order by 1`.execute(database.db);
console.log(kinds.rows);
const held = await sql<{ code: string; n: number }>`select hold_code as code, count(*)::int as n from billing_run_items where status = 'held' group by 1 order by 2 desc`.execute(database.db);
console.log('held', held.rows);
await database.close();
