/**
 * The ledger's rules: an allocation above the open amount or above the
 * payment, and a refund above the overpayment, are refused with codes;
 * recordPayment stores a payment once per externalRef; balanceOf at a date;
 * and a property-based test over random sequences of invoices, corrections,
 * payments, refunds and manual allocations: allocations never exceed a
 * payment nor (once settled) a debt, a balance equals its ledger's sum and
 * the model's, the summary adds up to the balance, and a correction moves
 * the balance by exactly its difference.
 */
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/connection.ts';
import { withTenant } from '../src/db/tenant.ts';
import { AppError } from '../src/lib/errors.ts';
import { balanceOf, balanceSummary, customerLedger, ledgerPage } from '../src/modules/payments/ledger/read.ts';
import { recordPayment } from '../src/modules/payments/ledger/record.ts';
import { adjust, allocateManually, refund, recordCharge } from '../src/modules/payments/ledger/staff.ts';
import { createTestDatabase } from './support/db.ts';
import { customerWithAccount, invoiceRow, paymentsWorld } from './support/payments.ts';

let database: Database;
let utilityId: number;
let customerSeq = 1000;
const actor = () => ({ utilityId, staffId: null as unknown as number, ip: null });
const inU = <T>(fn: Parameters<typeof withTenant<T>>[2]) => withTenant(database.db, { utilityId }, fn);
const FAR = '2099-12-31';
const codeOf = async (p: Promise<unknown>) => p.then(() => null, (e: unknown) => (e instanceof AppError ? e.code : Promise.reject(e)));
const newCustomer = async () => Number((await customerWithAccount(database, utilityId, String(++customerSeq).padStart(7, '0'))).id);
let refSeq = 0;
const pay = (customerId: number, amount: number, invoiceIds: number[] = [], bookedOn = '2026-11-20') =>
  recordPayment(database.db, utilityId, { customerId, amountGrosze: amount, bookedOn, channel: 'online', title: 'test', payerName: null, externalRef: `t:${++refSeq}`, invoiceIds });

beforeAll(async () => {
  database = await createTestDatabase();
  utilityId = (await paymentsWorld(database)).id;
});
afterAll(async () => database?.close());

describe('rules a clerk meets', () => {
  it('refuses an allocation above the open amount or above what is left of the payment, and a refund above the overpayment', async () => {
    const c = await newCustomer();
    const inv = await invoiceRow(database, utilityId, c, { gross: 5_000, issue: '2026-10-01', due: '2026-10-15' });
    const p = await pay(c, 8_000); // 50.00 to the invoice, 30.00 left
    const inv2 = await invoiceRow(database, utilityId, c, { gross: 2_000, issue: '2026-11-01', due: '2026-11-15' });
    expect(await codeOf(inU((tx) => allocateManually(tx, actor(), { paymentId: p, kind: 'invoice', targetId: inv2.id, amountGrosze: 2_001 })))).toBe('payments.allocation_above_open');
    expect(await codeOf(inU((tx) => allocateManually(tx, actor(), { paymentId: p, kind: 'invoice', targetId: inv.id, amountGrosze: 1 })))).toBe('payments.allocation_above_open');
    await inU((tx) => allocateManually(tx, actor(), { paymentId: p, kind: 'invoice', targetId: inv2.id, amountGrosze: 1_500 }));
    // 15.00 left of the payment; 5.00 open on inv2; the overpayment (balance) is -10.00
    expect(await balanceOf(database.db, utilityId, c, FAR)).toBe(-1_000);
    expect(await codeOf(inU((tx) => refund(tx, actor(), c, { amountGrosze: 1_001, refundedOn: '2026-11-25', toAccount: null, note: '' })))).toBe('payments.refund_above_overpayment');
    const before = await inU((tx) => sql<{ n: number }>`select count(*)::int as n from payment_refunds`.execute(tx));
    expect(before.rows[0].n).toBe(0);
    await inU((tx) => refund(tx, actor(), c, { amountGrosze: 1_000, refundedOn: '2026-11-25', toAccount: null, note: 'zwrot nadpłaty' }));
    expect(await balanceOf(database.db, utilityId, c, FAR)).toBe(0);
    const s = await inU((tx) => balanceSummary(tx, c, '2026-11-10'));
    expect(s).toMatchObject({ balance: 0, due: 0, overdue: 0, overpaid: 0 });
    const ledger = await inU((tx) => customerLedger(tx, c));
    expect(ledger.map((e) => e.kind).sort()).toEqual(['invoice', 'invoice', 'payment', 'refund']);
  });

  it('stores a payment once per externalRef, and allocates interest notes before principal', async () => {
    const c = await newCustomer();
    await invoiceRow(database, utilityId, c, { gross: 10_000, issue: '2026-09-01', due: '2026-09-15' });
    const note = await inU((tx) => recordCharge(tx, utilityId, { customerId: c, kind: 'interest_note', reference: 'NO/2026/1', amountGrosze: 300, entryDate: '2026-11-01', dueDate: '2026-11-15' }));
    const input = { customerId: c, amountGrosze: 1_000, bookedOn: '2026-11-20', channel: 'online' as const, title: 'BLIK', payerName: 'Jan', externalRef: 'p24:abc' };
    const a = await recordPayment(database.db, utilityId, input);
    const b = await recordPayment(database.db, utilityId, input);
    expect(b).toBe(a);
    expect(await balanceOf(database.db, utilityId, c, FAR)).toBe(9_300);
    const alloc = await inU((tx) => sql<{ charge_id: number | null; amount_grosze: number }>`select charge_id, amount_grosze from payment_allocations where payment_id = ${a} order by id`.execute(tx));
    expect(alloc.rows.map((r) => [r.charge_id === null ? null : Number(r.charge_id), Number(r.amount_grosze)])).toEqual([
      [note, 300],
      [null, 700],
    ]);
    // balanceOf counts entries up to the date given
    expect(await balanceOf(database.db, utilityId, c, '2026-10-31')).toBe(10_000);
    expect(await balanceOf(database.db, utilityId, c, '2026-11-19')).toBe(10_300);
  });

  it('a manual adjustment: a credit settles debts like a payment, a debit is a debt', async () => {
    const c = await newCustomer();
    await invoiceRow(database, utilityId, c, { gross: 1_000, issue: '2026-09-01', due: '2026-09-15' });
    expect(await codeOf(inU((tx) => adjust(tx, actor(), c, { amountGrosze: -500, entryDate: '2026-11-20', note: ' ' })))).toBe('payments.note_required');
    await inU((tx) => adjust(tx, actor(), c, { amountGrosze: -400, entryDate: '2026-11-20', note: 'umorzenie' }));
    await inU((tx) => adjust(tx, actor(), c, { amountGrosze: 250, entryDate: '2026-11-21', note: 'opłata za duplikat' }));
    expect(await balanceOf(database.db, utilityId, c, FAR)).toBe(850);
    const s = await inU((tx) => balanceSummary(tx, c, '2026-11-25'));
    expect(s.items.map((i) => [i.kind, i.paid, i.open])).toEqual([
      ['invoice', 400, 600],
      ['charge', 0, 250],
    ]);
  });
});

type Op =
  | { t: 'invoice'; gross: number; due: number }
  | { t: 'correction'; which: number; diff: number }
  | { t: 'payment'; amount: number; name: number | null }
  | { t: 'refund'; amount: number }
  | { t: 'allocate'; payment: number; debt: number; amount: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ t: fc.constant('invoice' as const), gross: fc.integer({ min: 1, max: 50_000 }), due: fc.integer({ min: 0, max: 90 }) }),
  fc.record({ t: fc.constant('correction' as const), which: fc.nat(20), diff: fc.integer({ min: -30_000, max: 30_000 }).filter((d) => d !== 0) }),
  fc.record({ t: fc.constant('payment' as const), amount: fc.integer({ min: 1, max: 60_000 }), name: fc.option(fc.nat(20), { nil: null }) }),
  fc.record({ t: fc.constant('refund' as const), amount: fc.integer({ min: 1, max: 40_000 }) }),
  fc.record({ t: fc.constant('allocate' as const), payment: fc.nat(20), debt: fc.nat(20), amount: fc.integer({ min: 1, max: 40_000 }) }),
);

const day = (n: number) => new Date(Date.UTC(2026, 0, 1 + n)).toISOString().slice(0, 10);

describe('property: random sequences of ledger operations', () => {
  it('keeps every invariant', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 12 }), async (ops) => {
        const c = await newCustomer();
        const invoices: number[] = [];
        const payments: number[] = [];
        let model = 0;
        let step = 0;
        for (const o of ops) {
          step += 1;
          const before = await balanceOf(database.db, utilityId, c, FAR);
          let settled = true;
          if (o.t === 'invoice') {
            invoices.push((await invoiceRow(database, utilityId, c, { gross: o.gross, issue: day(step), due: day(step + o.due) })).id);
            model += o.gross;
            settled = false; // billing issues invoices without allocating
          } else if (o.t === 'correction') {
            if (invoices.length === 0) continue;
            await invoiceRow(database, utilityId, c, { gross: o.diff, issue: day(step), due: day(step), corrects: invoices[o.which % invoices.length] });
            model += o.diff;
            settled = false;
            expect(await balanceOf(database.db, utilityId, c, FAR)).toBe(before + o.diff);
          } else if (o.t === 'payment') {
            const named = o.name !== null && invoices.length ? [invoices[o.name % invoices.length]] : [];
            payments.push(await pay(c, o.amount, named, day(step)));
            model -= o.amount;
          } else if (o.t === 'refund') {
            const code = await codeOf(inU((tx) => refund(tx, actor(), c, { amountGrosze: o.amount, refundedOn: day(step), toAccount: null, note: '' })));
            if (code === null) {
              expect(o.amount).toBeLessThanOrEqual(Math.max(0, -before));
              model += o.amount;
            } else {
              expect(code).toBe('payments.refund_above_overpayment');
              // A refused refund writes nothing, its settling included: what a correction left over-allocated stays so.
              settled = false;
            }
            if (o.amount > Math.max(0, -before)) expect(code).toBe('payments.refund_above_overpayment');
          } else {
            if (!payments.length || !invoices.length) continue;
            const code = await codeOf(
              inU((tx) => allocateManually(tx, actor(), { paymentId: payments[o.payment % payments.length], kind: 'invoice', targetId: invoices[o.debt % invoices.length], amountGrosze: o.amount })),
            );
            if (code !== null) expect(['payments.allocation_above_open', 'payments.allocation_above_payment']).toContain(code);
          }
          const balance = await balanceOf(database.db, utilityId, c, FAR);
          expect(balance).toBe(model);
          const ledger = await inU((tx) => customerLedger(tx, c));
          expect(ledger.reduce((s, e) => s + e.amount, 0)).toBe(balance);
          expect(ledger[0]?.balance ?? 0).toBe(balance);
          const s = await inU((tx) => balanceSummary(tx, c, day(step)));
          expect(s.due + s.overdue - s.overpaid).toBe(balance);
          expect(s.balance).toBe(balance);
          // The page's one-statement read says exactly what the separate reads say.
          expect(await inU((tx) => ledgerPage(tx, c, {}, day(step)))).toEqual({ summary: s, entries: ledger });
          const overPayment = await inU((tx) =>
            sql<{ n: number }>`select count(*)::int as n from payments p where p.customer_id = ${c}
              and (select coalesce(sum(amount_grosze), 0) from payment_allocations a where a.payment_id = p.id) > p.amount_grosze`.execute(tx),
          );
          expect(overPayment.rows[0].n).toBe(0);
          if (settled && o.t !== 'allocate') {
            const { rows } = await inU((tx) =>
              sql<{ n: number }>`select count(*)::int as n from invoices i where i.customer_id = ${c} and i.kind = 'invoice'
                and (select coalesce(sum(amount_grosze), 0) from payment_allocations a where a.invoice_id = i.id)
                    > greatest(0, i.gross_grosze + (select coalesce(sum(k.gross_grosze), 0) from invoices k where k.corrects_invoice_id = i.id))`.execute(tx),
            );
            expect(rows[0].n).toBe(0);
          }
        }
      }),
      { numRuns: 15 },
    );
  }, 120_000);
});
