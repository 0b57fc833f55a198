/**
 * Billing runs on the database: preview (totals, held contracts with their
 * codes, warnings), approve, issue; the invoices as stored (document, lines,
 * XML valid against FA(3)); and issuing that crashes between and inside
 * batches, rerun to the end: the same invoices, numbers without gaps.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/connection.ts';
import { withCopyTx } from '../src/db/bulk.ts';
import { withTenant } from '../src/db/tenant.ts';
import { validateFa3 } from '../src/modules/billing/fa3/index.ts';
import { checkInvoiceDocument, type InvoiceDocument } from '../src/modules/billing/invoice-document.ts';
import { approveRun, createPreviewRun, getRun, issueRun, runLines, runWarnings } from '../src/modules/billing/runs/service.ts';
import { PERIOD, buildBillingWorld, type World } from './support/billing-world.ts';
import { createTestDatabase } from './support/db.ts';

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
}, 60_000);
afterAll(() => database?.close());

const NOW = () => new Date('2026-11-03T09:00:00Z');
const tenant = <T,>(w: World, fn: Parameters<typeof withTenant<T>>[2]) => withTenant(database.db, { utilityId: w.utilityId }, fn);

async function previewAndApprove(w: World) {
  const runId = await tenant(w, (tx) => createPreviewRun(tx, w.utilityId, { period: PERIOD, selection: {} }));
  await tenant(w, (tx) => approveRun(tx, w.utilityId, runId, null));
  return runId;
}

async function invoicesOf(w: World) {
  const { rows } = await sql<{ id: number; invoice_number: string; contract_number: string; gross_grosze: number; document: InvoiceDocument; xml: Uint8Array; lines: number }>`
    select i.id, i.invoice_number, c.contract_number, i.gross_grosze, i.document, i.xml,
           (select count(*)::int from invoice_lines l where l.utility_id = i.utility_id and l.invoice_id = i.id) as lines
    from invoices i join contracts c on c.utility_id = i.utility_id and c.id = i.contract_id
    where i.utility_id = ${w.utilityId} order by i.invoice_number`.execute(database.db);
  return rows;
}

/** Numbers 1..n in the run's series, each contract once. */
function expectGapless(rows: { invoice_number: string; contract_number: string }[], n: number) {
  expect(rows.map((r) => r.invoice_number)).toEqual(Array.from({ length: n }, (_, i) => `FV/2026/11/${String(i + 1).padStart(6, '0')}`));
  expect(new Set(rows.map((r) => r.contract_number)).size).toBe(n);
}

describe('a billing run', () => {
  let w: World;
  let runId: number;
  beforeAll(async () => {
    w = await buildBillingWorld(database);
    runId = await tenant(w, (tx) => createPreviewRun(tx, w.utilityId, { period: PERIOD, selection: {} }));
  }, 60_000);

  it('previews every contract: totals, the held ones with their codes, warnings', async () => {
    const run = await tenant(w, (tx) => getRun(tx, w.utilityId, runId));
    const heldCount = Object.values(w.held).reduce((a, b) => a + b, 0);
    expect(run).toMatchObject({ status: 'preview', contracts: w.billable + heldCount, billed: w.billable, held: heldCount, issued: 0 });
    const warnings = await tenant(w, (tx) => runWarnings(tx, w.utilityId, runId));
    expect(Object.fromEntries(warnings.held.map((h) => [h.code, h.count]))).toEqual(w.held);
    const lines = await tenant(w, (tx) => runLines(tx, w.utilityId, runId, { limit: 100 }));
    const billable = lines.items.filter((l) => l.status === 'billable');
    expect(run.gross).toBe(billable.reduce((s, l) => s + l.gross, 0));
    expect(run.net + run.vat).toBe(run.gross);
    const held = lines.items.find((l) => l.holdCode === 'customer.no_address')!;
    expect(held.holdReason?.pl).toMatch(/adresu/);
  });

  it('stores the same bills by COPY (withCopyTx) as by one JSON parameter', async () => {
    const copied = await withCopyTx(database, { utilityId: w.utilityId }, (tx, copy) => createPreviewRun(tx, w.utilityId, { period: PERIOD, selection: {} }, copy));
    const items = async (id: number) =>
      (
        await sql<Record<string, unknown>>`
          select contract_id, customer_id, position, status, hold_code, hold_reason, warnings, net_grosze, vat_grosze, gross_grosze,
                 is_estimate, delivery, draft::text as draft, estimates
          from billing_run_items where utility_id = ${w.utilityId} and run_id = ${id} order by position`.execute(database.db)
      ).rows;
    const [viaJson, viaCopy] = [await items(runId), await items(copied)];
    expect(viaCopy.length).toBeGreaterThan(0);
    expect(viaCopy).toEqual(viaJson);
    const [a, b] = [await tenant(w, (tx) => getRun(tx, w.utilityId, runId)), await tenant(w, (tx) => getRun(tx, w.utilityId, copied))];
    expect({ ...b, id: 0, createdAt: '' }).toEqual({ ...a, id: 0, createdAt: '' });
  });

  it('works out the first household by hand: tariff change on 1 October, paper then e-invoice fee', async () => {
    // Customer 1: 12.345 m³ over 61 days (Sep 30, Oct 31); e-invoice from 1 September.
    // water: 12.345 × 30/61 = 6.071 (6.0713…) at 5.00 → 30.36 (30.355 half up); the rest 6.274 at 5.40 → 33.88 (33.8796)
    // sewage: same quantities at 9.00 → 54.64 (54.639) and 9.40 → 58.98 (58.9756)
    // fee: the old tariff's e-invoice fee 5.40 × 1 month = 5.40; the new one 3.60 × 1 = 3.60
    // net 30.36 + 33.88 + 54.64 + 58.98 + 5.40 + 3.60 = 186.86; VAT 8 % = 14.9488 → 14.95; gross 201.81
    const lines = await tenant(w, (tx) => runLines(tx, w.utilityId, runId, { limit: 1 }));
    expect(lines.items[0]).toMatchObject({ contractNumber: 'UM/1', net: 18686, vat: 1495, gross: 20181, delivery: 'einvoice' });
  });

  it('is issued only once approved; the invoices carry the document, lines and valid FA(3) XML', async () => {
    await expect(issueRun(database, w.utilityId, runId, { now: NOW })).rejects.toMatchObject({ code: 'billing_run.not_approved' });
    await tenant(w, (tx) => approveRun(tx, w.utilityId, runId, null));
    await expect(tenant(w, (tx) => approveRun(tx, w.utilityId, runId, null))).rejects.toMatchObject({ code: 'billing_run.not_preview' });
    const done = await issueRun(database, w.utilityId, runId, { now: NOW, batchSize: 5 });
    expect(done).toMatchObject({ status: 'issued', issued: w.billable, issueDate: '2026-11-03' });
    const rows = await invoicesOf(w);
    expectGapless(rows, w.billable);
    for (const r of rows) {
      const doc = r.document;
      expect(() => checkInvoiceDocument(doc)).not.toThrow();
      expect(doc.number).toBe(r.invoice_number);
      expect(doc.dueDate).toBe('2026-11-17');
      expect(r.lines).toBe(doc.lines.length);
      expect(validateFa3(r.xml)).toEqual({ valid: true });
      expect(Buffer.from(r.xml).toString('utf8')).toContain(`<P_2>${r.invoice_number}</P_2>`);
    }
    const kinds = rows.map((r) => r.document.buyer.kind);
    expect(kinds).toContain('business');
    expect(kinds).toContain('community');
    // Each invoice's PDF (and then its delivery) is queued with it, once.
    const jobs = await sql<{ key: string }>`select key from jobs where utility_id = ${w.utilityId} and kind = 'invoice.pdf' order by id`.execute(database.db);
    expect(jobs.rows.map((j) => j.key).sort()).toEqual(rows.map((r) => `${w.utilityId}:invoice.pdf:${r.id}`).sort());
    // A second run of the same period bills nobody twice.
    const again = await tenant(w, (tx) => createPreviewRun(tx, w.utilityId, { period: PERIOD, selection: {} }));
    const run2 = await tenant(w, (tx) => getRun(tx, w.utilityId, again));
    expect(run2.billed).toBe(0);
    const codes = await tenant(w, (tx) => runWarnings(tx, w.utilityId, again));
    expect(codes.held.find((h) => h.code === 'contract.already_billed')?.count).toBe(w.billable);
  });
});

describe('issuing that crashes', () => {
  it('inside a batch rolls that batch back whole, and a rerun gives the same invoices with no gap', async () => {
    // The reference: the same world issued without a crash.
    const ref = await buildBillingWorld(database);
    await issueRun(database, ref.utilityId, await previewAndApprove(ref), { now: NOW, batchSize: 4 });
    const expected = (await invoicesOf(ref)).map((r) => [r.invoice_number, r.contract_number, r.gross_grosze]);

    const w = await buildBillingWorld(database);
    const runId = await previewAndApprove(w);
    // Batch 2 stores its invoices, then the process "dies" before the commit.
    await expect(
      issueRun(database, w.utilityId, runId, {
        now: NOW,
        batchSize: 4,
        inBatch: (batch) => {
          if (batch === 2) throw new Error('crash');
        },
      }),
    ).rejects.toThrow('crash');
    const half = await invoicesOf(w);
    expectGapless(half, 4);
    expect((await tenant(w, (tx) => getRun(tx, w.utilityId, runId))).status).toBe('issuing');
    // A second crash in the first batch of the rerun, then the rerun to the end.
    await expect(issueRun(database, w.utilityId, runId, { now: NOW, batchSize: 4, inBatch: () => Promise.reject(new Error('crash again')) })).rejects.toThrow('crash again');
    expectGapless(await invoicesOf(w), 4);
    const done = await issueRun(database, w.utilityId, runId, { now: NOW, batchSize: 4 });
    expect(done).toMatchObject({ status: 'issued', issued: w.billable });
    const rows = await invoicesOf(w);
    expectGapless(rows, w.billable);
    expect(rows.map((r) => [r.invoice_number, r.contract_number, r.gross_grosze])).toEqual(expected);
    // Run again after the end: nothing more.
    await issueRun(database, w.utilityId, runId, { now: NOW });
    expect((await invoicesOf(w)).length).toBe(w.billable);
  }, 60_000);
});

describe('issuing with batches made ahead (on a server: the next batch read and made while one is stored)', () => {
  it('two issuers of one run at once: what one made ahead and the other issued is made again; the same invoices, gapless, none twice', async () => {
    const ref = await buildBillingWorld(database);
    await issueRun(database, ref.utilityId, await previewAndApprove(ref), { now: NOW, batchSize: 3 });
    const expected = (await invoicesOf(ref)).map((r) => [r.invoice_number, r.contract_number, r.gross_grosze]);

    const w = await buildBillingWorld(database);
    const runId = await previewAndApprove(w);
    // The run's row lock makes the two take turns batch by batch: each one's batch made ahead is the other's next batch.
    const [a, b] = await Promise.all([
      issueRun(database, w.utilityId, runId, { now: NOW, batchSize: 3 }),
      issueRun(database, w.utilityId, runId, { now: NOW, batchSize: 3 }),
    ]);
    expect(a.status).toBe('issued');
    expect(b).toMatchObject({ status: 'issued', issued: w.billable });
    const rows = await invoicesOf(w);
    expectGapless(rows, w.billable);
    expect(rows.map((r) => [r.invoice_number, r.contract_number, r.gross_grosze])).toEqual(expected);
    for (const r of rows) {
      expect(r.document.number).toBe(r.invoice_number);
      expect(Buffer.from(r.xml).toString('utf8')).toContain(`<P_2>${r.invoice_number}</P_2>`);
    }
  }, 60_000);
});

describe('an estimate, then the actual reading that settles it', () => {
  it('bills an estimated closing register, keeps it, and opens the next period from it', async () => {
    const w = await buildBillingWorld(database, 1);
    const db = database.db;
    const c = await db.insertInto('customers').values({ utility_id: w.utilityId, customer_number: 'K-EST', kind: 'person', name: 'Ewa Szacowana', street: 'ul. Polna', building: '1', postal_code: '05-800', city: 'Pruszków', payment_account: '61109010140000071219812874' }).returning('id').executeTakeFirstOrThrow();
    const sp = await db.insertInto('service_points').values({ utility_id: w.utilityId, code: 'PP-EST', street: 'ul. Polna', building: '1', postal_code: '05-800', locality: 'Pruszków' }).returning('id').executeTakeFirstOrThrow();
    const contract = await db.insertInto('contracts').values({ utility_id: w.utilityId, contract_number: 'UM/EST', customer_id: c.id, service_point_id: sp.id, kind: 'water', tariff_group_code: 'G1', valid_from: '2025-01-01' }).returning('id').executeTakeFirstOrThrow();
    const m = await db.insertInto('meters').values({ utility_id: w.utilityId, service_point_id: sp.id, role: 'main', serial_number: 'SN-EST', installed_on: '2025-01-01' }).returning('id').executeTakeFirstOrThrow();
    const read = (day: string, m3: string) => db.insertInto('readings').values({ utility_id: w.utilityId, meter_id: m.id, read_at: `${day}T12:00:00+02:00`, value_m3: m3, source: 'reader' }).execute();
    for (const [day, v] of [['2026-02-27', '100.000'], ['2026-04-30', '106.000'], ['2026-06-30', '112.000'], ['2026-08-31', '118.000']]) await read(day, v);
    const waterOf = async (period: { from: string; to: string }) => {
      const runId = await tenant(w, (tx) => createPreviewRun(tx, w.utilityId, { period, selection: { customerId: c.id } }));
      await tenant(w, (tx) => approveRun(tx, w.utilityId, runId, null));
      await issueRun(database, w.utilityId, runId, { now: NOW });
      const { rows } = await sql<{ document: InvoiceDocument }>`select document from invoices where utility_id = ${w.utilityId} and contract_id = ${contract.id} and period_to = ${period.to}`.execute(db);
      return rows[0].document;
    };
    // Six months before 1 September: 106.000 (30 April) → 118.000 (31 August), 12 m³ in 123 days;
    // × 61 days from the last reading to 31 October = 5.9512… → 5.951 m³, estimated.
    const first = await waterOf(PERIOD);
    expect(first.estimated).toBe(true);
    expect(first.lines.filter((l) => l.unit === 'm3').reduce((s, l) => s + l.quantity, 0)).toBe(5951);
    expect(first.readings[0]).toMatchObject({ opening: { date: '2026-08-31', value: 118000 }, closing: { date: '2026-10-31', value: 123951, source: 'estimated' } });
    const kept = await sql<{ value_m3: string }>`select value_m3::text from estimated_readings where utility_id = ${w.utilityId} and meter_id = ${m.id} and day = '2026-10-31'`.execute(db);
    expect(kept.rows).toEqual([{ value_m3: '123.951' }]);
    // The actual reading of 31 December, 125.000: the next invoice bills 125.000 − 123.951 = 1.049 m³.
    await read('2026-12-31', '125.000');
    const second = await waterOf({ from: '2026-11-01', to: '2026-12-31' });
    expect(second.estimated).toBe(false);
    expect(second.lines.filter((l) => l.unit === 'm3').reduce((s, l) => s + l.quantity, 0)).toBe(1049);
    expect(second.readings[0]).toMatchObject({ opening: { date: '2026-10-31', value: 123951, source: 'estimated' }, closing: { date: '2026-12-31', value: 125000 } });
  }, 60_000);
});

describe('references of invoices, lines and run items (checked once per statement, not by foreign keys)', () => {
  it('refuses what a foreign key refused and deletes an invoice with its lines', async () => {
    const w = await buildBillingWorld(database, 2);
    const runId = await previewAndApprove(w);
    await issueRun(database, w.utilityId, runId, { now: NOW });
    const [inv] = await invoicesOf(w);
    const db = database.db;
    const row = await db.selectFrom('invoices').selectAll().where('id', '=', inv.id).executeTakeFirstOrThrow();
    const copy = (over: Record<string, unknown>) => {
      const { id: _id, created_at: _c, ...rest } = row as Record<string, unknown>;
      return tenant(w, (tx) => tx.insertInto('invoices').values({ ...rest, invoice_number: `X/${Math.random()}`, billing_run_id: null, ...over } as never).execute());
    };
    // A customer, contract, corrected invoice or PDF that does not exist (or is another utility's).
    for (const bad of [{ customer_id: 999_999_999 }, { contract_id: 999_999_999 }, { corrects_invoice_id: 999_999_999 }, { pdf_file_id: 999_999_999 }]) {
      await expect(copy(bad)).rejects.toMatchObject({ code: '23503' });
    }
    await expect(
      tenant(w, (tx) => tx.updateTable('invoices').set({ contract_id: 999_999_999 }).where('id', '=', inv.id).execute()),
    ).rejects.toMatchObject({ code: '23503' });
    await expect(
      tenant(w, (tx) => tx.insertInto('invoice_lines').values({ utility_id: w.utilityId, invoice_id: 999_999_999, position: 1, description: 'x', quantity: '1', unit: 'm3', unit_price_net_grosze: 1, net_grosze: 1, vat_rate_percent: 8 }).execute()),
    ).rejects.toMatchObject({ code: '23503' });
    await expect(
      tenant(w, (tx) => tx.updateTable('billing_run_items').set({ invoice_id: 999_999_999 }).where('run_id', '=', runId).execute()),
    ).rejects.toMatchObject({ code: '23503' });
    // The referenced side: a customer or contract with invoices, an invoice that a run item names, cannot go.
    await expect(db.deleteFrom('customers').where('id', '=', row.customer_id).execute()).rejects.toMatchObject({ code: '23503' });
    await expect(db.deleteFrom('contracts').where('id', '=', row.contract_id!).execute()).rejects.toMatchObject({ code: '23503' });
    await expect(db.deleteFrom('invoices').where('id', '=', inv.id).execute()).rejects.toMatchObject({ code: '23503' });
    // An invoice nothing else names goes with its lines (the foreign key's ON DELETE CASCADE).
    await db.updateTable('billing_run_items').set({ invoice_id: null, status: 'billable' }).where('utility_id', '=', w.utilityId).where('invoice_id', '=', inv.id).execute();
    expect(inv.lines).toBeGreaterThan(0);
    await db.deleteFrom('invoices').where('id', '=', inv.id).execute();
    const left = await sql<{ n: number }>`select count(*)::int as n from invoice_lines where utility_id = ${w.utilityId} and invoice_id = ${inv.id}`.execute(db);
    expect(left.rows[0].n).toBe(0);
  }, 60_000);
});
