/**
 * The demo's first start bills three years of readings in billing runs: the
 * demo portal customer has invoices across the three years, numbered without
 * gaps per year, every run is issued, and each kind of invoice the history
 * made (household, business, housing community, estimate) is valid FA(3).
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Database } from '../src/db/connection.ts';
import { validateFa3 } from '../src/modules/billing/fa3/index.ts';
import { DEMO_CUSTOMER_EMAIL, seedDemoIfEmpty } from '../src/modules/demo/seed.ts';
import { createTestDatabase } from './support/db.ts';

const NOW = new Date('2026-11-20T12:00:00Z');
let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
  await seedDemoIfEmpty(database, { customers: 60, now: NOW, config: { secretKey: '11'.repeat(32), dataDir: ':memory:', env: 'test' } });
}, 300_000);
afterAll(() => database?.close());

it('gives the demo customer three years of invoices from issued runs, gapless per year, valid FA(3) of every kind', async () => {
  const db = database.db;
  const runs = await sql<{ status: string; n: number }>`select status, count(*)::int as n from billing_runs group by status`.execute(db);
  expect(runs.rows).toEqual([{ status: 'issued', n: expect.any(Number) }]);
  const mine = await sql<{ first: string; last: string; n: number }>`
    select min(i.period_from)::text as first, max(i.period_to)::text as last, count(*)::int as n
    from invoices i join user_customers uc on uc.utility_id = i.utility_id and uc.customer_id = i.customer_id
    join users u on u.utility_id = uc.utility_id and u.id = uc.user_id
    join utilities t on t.id = i.utility_id
    where u.email = ${DEMO_CUSTOMER_EMAIL} and t.slug = 'zgk-demo'`.execute(db);
  expect(mine.rows[0].first < '2024-01-01').toBe(true);
  expect(mine.rows[0].last >= '2026-10-31').toBe(true);
  expect(mine.rows[0].n).toBeGreaterThanOrEqual(18);
  // Gapless per utility, series and year: the numbers of a year are 1..count.
  const years = await sql<{ utility_id: number; year: string; n: number; top: number }>`
    select utility_id, substr(invoice_number, 4, 4) as year, count(*)::int as n, max(substr(invoice_number, 12)::int) as top
    from invoices group by 1, 2`.execute(db);
  for (const y of years.rows) expect(y.top).toBe(y.n);
  const kinds = await sql<{ kind: string; xml: Uint8Array }>`
    select distinct on (kind) case when is_estimate then 'estimate' else buyer_kind end as kind, xml from invoices order by kind, id`.execute(db);
  expect(kinds.rows.map((k) => k.kind).sort()).toEqual(['business', 'community', 'estimate', 'household']);
  for (const k of kinds.rows) expect(validateFa3(k.xml), `${k.kind}: ${JSON.stringify(validateFa3(k.xml)).slice(0, 600)}`).toEqual({ valid: true });
}, 120_000);
