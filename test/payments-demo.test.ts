/**
 * Demo payments go through the real path: a generated MT940 file (a
 * statement per month, CP1250, numbered sub-fields) parsed and imported.
 * Checks the mix (paid on time, late, partial, unpaid, unmatched), that the
 * statements add up (the parser refuses any that do not), and that a second
 * run adds nothing.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Database } from '../src/db/connection.ts';
import { withTenant } from '../src/db/tenant.ts';
import { importDemoPayments } from '../src/modules/payments/demo.ts';
import { balanceSummary } from '../src/modules/payments/ledger/read.ts';
import { createTestDatabase } from './support/db.ts';
import { customerWithAccount, invoiceRow, paymentsWorld } from './support/payments.ts';

let database: Database;
let utilityId: number;
const customers: number[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  utilityId = (await paymentsWorld(database)).id;
  for (let i = 0; i < 40; i++) {
    const c = Number((await customerWithAccount(database, utilityId, String(5000 + i).padStart(7, '0'), { name: `Łukasz Żółć ${i}` })).id);
    customers.push(c);
    for (let m = 1; m <= 10; m += 1) {
      const issue = `2026-${String(m).padStart(2, '0')}-01`;
      await invoiceRow(database, utilityId, c, { gross: 5_000 + i * 13 + m, issue, due: `2026-${String(m).padStart(2, '0')}-15` });
    }
  }
});
afterAll(async () => database?.close());

it('imports a month-by-month statement file with on-time, late, partial and missing payments', async () => {
  const added = await importDemoPayments(database, utilityId, new Date('2026-11-20T10:00:00Z'));
  expect(added).toBeGreaterThan(300);
  const stats = await withTenant(database.db, { utilityId }, async (tx) => {
    const s = await sql<{ status: string; n: number }>`select status, count(*)::int as n from bank_statement_lines group by status order by status`.execute(tx);
    const imports = await sql<{ results: Array<{ status: string }> }>`select results from payment_imports`.execute(tx);
    const summaries = await Promise.all(customers.map((c) => balanceSummary(tx, c, '2026-11-20')));
    return { byStatus: Object.fromEntries(s.rows.map((r) => [r.status, r.n])), imports: imports.rows, summaries };
  });
  expect(stats.byStatus.unmatched).toBe(3);
  expect(stats.byStatus.matched).toBe(added - 3);
  expect(stats.imports[0].results.every((r) => r.status === 'imported')).toBe(true);
  expect(stats.imports[0].results.length).toBeGreaterThanOrEqual(10);
  const statuses = stats.summaries.flatMap((s) => s.items.map((i) => i.status));
  const count = (k: string) => statuses.filter((s) => s === k).length;
  expect(count('paid')).toBeGreaterThan(statuses.length * 0.6);
  expect(count('overdue')).toBeGreaterThan(0);
  expect(stats.summaries.some((s) => s.overdue > 0 && s.items.some((i) => i.status === 'overdue' && i.paid > 0))).toBe(true);
  expect(await importDemoPayments(database, utilityId, new Date('2026-11-20T10:00:00Z'))).toBe(0);
});
