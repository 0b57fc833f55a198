/**
 * Statement import against hand-computed expectations: matching by the
 * individual account, invoice number, KSeF number, customer number and the
 * split-payment form; allocation to named invoices, else oldest first; the
 * same file twice and an overlapping file add nothing twice; an import killed
 * between statements and run again leaves every balance exactly right.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { Database } from '../src/db/connection.ts';
import { withTenant } from '../src/db/tenant.ts';
import { importParsed } from '../src/modules/payments/import/service.ts';
import { importStatementFile } from '../src/modules/payments/import/file.ts';
import { balanceOf, balanceSummary, customerLedger } from '../src/modules/payments/ledger/read.ts';
import { assignLine } from '../src/modules/payments/ledger/staff.ts';
import { writeMt940, encode } from '../src/modules/payments/statements/testing/mt940-writer.ts';
import type { ParseResult } from '../src/modules/payments/statements/types.ts';
import { createTestDatabase } from './support/db.ts';
import { BANK_ACCOUNT, customerWithAccount, iban, invoiceRow, paymentsWorld, statement } from './support/payments.ts';

let database: Database;
let utilityId: number;
const C: Record<string, { id: number; account: string }> = {};
const I: Record<string, { id: number; number: string }> = {};
const file = (statements: ParseResult['statements']): ParseResult => ({ encoding: 'utf-8', statements, problems: [] });
const bytes = (s: string) => new TextEncoder().encode(s);
const meta = (name: string, extra: object = {}) => ({ fileName: name, bytes: bytes(name), userId: null, ...extra });
const inU = <T>(fn: Parameters<typeof withTenant<T>>[2]) => withTenant(database.db, { utilityId }, fn);
const balance = (customerId: number) => balanceOf(database.db, utilityId, customerId, '2099-12-31');
const summary = (customerId: number) => inU((tx) => balanceSummary(tx, customerId, '2026-11-25'));

beforeAll(async () => {
  database = await createTestDatabase();
  utilityId = (await paymentsWorld(database)).id;
  for (const n of ['0000101', '0000102', '0000103', '0000104', '0000105', '0000106']) {
    const c = await customerWithAccount(database, utilityId, n, n === '0000105' ? { nip: '5250001009', kind: 'business' } : {});
    C[n] = { id: Number(c.id), account: c.payment_account as string };
  }
  // 101: two invoices, 100.00 (due 10.10) and 50.00 (due 10.11)
  I.a1 = await invoiceRow(database, utilityId, C['0000101'].id, { gross: 10_000, issue: '2026-09-30', due: '2026-10-10' });
  I.a2 = await invoiceRow(database, utilityId, C['0000101'].id, { gross: 5_000, issue: '2026-10-31', due: '2026-11-10' });
  // 102: 150.00; pays 200.00 quoting its customer number
  I.b1 = await invoiceRow(database, utilityId, C['0000102'].id, { gross: 15_000, issue: '2026-10-31', due: '2026-11-14' });
  // 103: an old 80.00 and a new 60.00; a family member pays 60.00 naming the new one
  I.c1 = await invoiceRow(database, utilityId, C['0000103'].id, { gross: 8_000, issue: '2026-08-31', due: '2026-09-14' });
  I.c2 = await invoiceRow(database, utilityId, C['0000103'].id, { gross: 6_000, issue: '2026-10-31', due: '2026-11-14' });
  // 104: an e-invoice with a KSeF number, 99.99
  I.d1 = await invoiceRow(database, utilityId, C['0000104'].id, { gross: 9_999, issue: '2026-10-31', due: '2026-11-14', ksef: '5250001009-20261031-0A1B2C3D4E5F-7A' });
  // 105: a business paying by split payment, 246.00
  I.e1 = await invoiceRow(database, utilityId, C['0000105'].id, { gross: 24_600, issue: '2026-10-31', due: '2026-11-14' });
  // 106: 40.00; its payer gets it wrong (paid later by a clerk's assignment)
  I.f1 = await invoiceRow(database, utilityId, C['0000106'].id, { gross: 4_000, issue: '2026-10-31', due: '2026-11-14' });
});
afterAll(async () => database?.close());

describe('statement import', () => {
  const first = () =>
    statement('ST/1', [
      { amount: '120.00', counterAccount: iban(C['0000101'].account), title: 'Opłata za wodę', bankReference: 'B001' },
      { amount: '200.00', title: 'woda nr klienta 0000102', bankReference: 'B002' },
      { amount: '60.00', counterName: 'Maria Nowak', title: `Zapłata za fakturę ${I.c2.number.toLowerCase().replace(/\//g, ' ')}`, bankReference: 'B003' },
      { amount: '99.99', title: 'Faktura 5250001009-20261031-0A1B2C3D4E5F-7A', bankReference: 'B004' },
      { amount: '246.00', title: `/VAT/18.22/IDC/5250001009/INV/${I.e1.number}/TXT/woda X`, bankReference: 'B005' },
      { amount: '40.00', title: 'za wodę sierpień', counterName: 'Ktoś Inny', bankReference: 'B006' },
      { amount: '-1500.00', title: 'Wynagrodzenia', bankReference: 'B007' },
    ]);

  it('matches every way the issue names and allocates to named invoices, else oldest first', async () => {
    const r = await importParsed(database, utilityId, file([first()]), meta('a.sta'));
    expect(r.statements[0]).toMatchObject({ status: 'imported', lines: 7, added: 7, duplicates: 0, matched: 5, unmatched: 1, debits: 1, credited: 76_599 });
    const lines = await inU((tx) => sql<{ bank_reference: string; status: string; matched_by: string | null }>`select bank_reference, status, matched_by from bank_statement_lines order by bank_reference`.execute(tx));
    expect(lines.rows.map((l) => [l.bank_reference, l.status, l.matched_by])).toEqual([
      ['B001', 'matched', 'account'],
      ['B002', 'matched', 'customer_number'],
      ['B003', 'matched', 'invoice'],
      ['B004', 'matched', 'ksef'],
      ['B005', 'matched', 'split_payment'],
      ['B006', 'unmatched', null],
      ['B007', 'debit', null],
    ]);
    // 101: 120.00 → 100.00 to the older invoice, 20.00 to the newer; 30.00 left (not yet due on 25.11? due 10.11: overdue)
    expect(await balance(C['0000101'].id)).toBe(3_000);
    const s101 = await summary(C['0000101'].id);
    expect(s101).toMatchObject({ overdue: 3_000, due: 0, overpaid: 0 });
    expect(s101.items.map((i) => [i.reference, i.status, i.paid])).toEqual([
      [I.a1.number, 'paid', 10_000],
      [I.a2.number, 'overdue', 2_000],
    ]);
    // 102: 200.00 for 150.00 → 50.00 overpaid
    expect(await balance(C['0000102'].id)).toBe(-5_000);
    expect(await summary(C['0000102'].id)).toMatchObject({ overpaid: 5_000, due: 0, overdue: 0, balance: -5_000 });
    // 103: 60.00 goes to the named newer invoice, not the older one
    const s103 = await summary(C['0000103'].id);
    expect(s103.items.map((i) => [i.reference, i.status])).toEqual([
      [I.c1.number, 'overdue'],
      [I.c2.number, 'paid'],
    ]);
    expect(await balance(C['0000103'].id)).toBe(8_000);
    expect(await balance(C['0000104'].id)).toBe(0);
    expect(await balance(C['0000105'].id)).toBe(0);
    expect(await balance(C['0000106'].id)).toBe(4_000);
  });

  it('adds nothing twice: the same file again, then an overlapping one under another statement id', async () => {
    const again = await importParsed(database, utilityId, file([first()]), meta('a.sta'));
    expect(again.statements[0]).toMatchObject({ added: 0, duplicates: 7, matched: 0 });
    const overlap = statement('ST/1-7', [...first().lines.slice(0, 3).map((l) => ({ ...l, statement: 'ST/1-7' })), { amount: '10.00', counterAccount: iban(C['0000101'].account), title: 'dopłata', bankReference: 'B008' }]);
    const r = await importParsed(database, utilityId, file([overlap]), meta('week.sta'));
    expect(r.statements[0]).toMatchObject({ added: 1, duplicates: 3, matched: 1 });
    expect(await balance(C['0000101'].id)).toBe(2_000);
    expect(await balance(C['0000102'].id)).toBe(-5_000);
  });

  it('keeps two identical transfers without a bank reference on one day as two, once each', async () => {
    const same = { amount: '5.00', counterAccount: iban(C['0000103'].account), title: 'woda', bankReference: 'NONREF' };
    const st = statement('ST/2', [same, same]);
    expect((await importParsed(database, utilityId, file([st]), meta('b.sta'))).statements[0]).toMatchObject({ added: 2 });
    expect((await importParsed(database, utilityId, file([st]), meta('b.sta'))).statements[0]).toMatchObject({ added: 0, duplicates: 2 });
    expect(await balance(C['0000103'].id)).toBe(7_000);
  });

  it('refuses a statement for an account that is not the utility’s, and imports the others', async () => {
    const foreign = statement('ST/X', [{ amount: '1.00', title: 'x', bankReference: 'X1' }], 'PL61109010140000071219812874');
    const ok = statement('ST/3', [{ amount: '1.00', counterAccount: iban(C['0000106'].account), title: 'x', bankReference: 'Y1' }]);
    const r = await importParsed(database, utilityId, file([foreign, ok]), meta('c.sta'));
    expect(r.statements.map((s) => [s.statement, s.status, s.problem?.code ?? null])).toEqual([
      ['ST/X', 'refused', 'payments.unknown_account'],
      ['ST/3', 'imported', null],
    ]);
    expect(await balance(C['0000106'].id)).toBe(3_900);
  });

  it('a clerk assigns the unmatched line (audited); the payment settles the invoice', async () => {
    const line = await inU((tx) => sql<{ id: number }>`select id from bank_statement_lines where status = 'unmatched'`.execute(tx));
    expect(line.rows).toHaveLength(1);
    await inU((tx) => assignLine(tx, { utilityId, staffId: null as unknown as number, ip: '127.0.0.1' }, Number(line.rows[0].id), C['0000106'].id));
    expect(await balance(C['0000106'].id)).toBe(-100);
    const audit = await inU((tx) => sql<{ action: string; customer_id: number }>`select action, customer_id from audit_log where action = 'payment.assign'`.execute(tx));
    expect(audit.rows.map((r) => [r.action, Number(r.customer_id)])).toEqual([['payment.assign', C['0000106'].id]]);
    const ledger = await inU((tx) => customerLedger(tx, C['0000106'].id));
    expect(ledger.map((e) => [e.kind, e.amount, e.balance])).toEqual([
      // Both booked on 20.11; the assigned line's payment was stored first (at its import).
      ['payment', -100, -100],
      ['payment', -4_000, 0],
      ['invoice', 4_000, 4_000],
    ]);
  });
});

describe('an import killed mid-way', () => {
  it('keeps the statements committed before the kill, and a re-run leaves every balance exactly right', async () => {
    const k = await customerWithAccount(database, utilityId, '0000201');
    await invoiceRow(database, utilityId, Number(k.id), { gross: 30_000, issue: '2026-10-01', due: '2026-10-15' });
    const days = ['D1', 'D2', 'D3'].map((d, i) => statement(`ST/K/${d}`, [{ amount: '100.00', counterAccount: iban(k.payment_account as string), title: 'woda', bankReference: `K${i}`, bookingDate: `2026-11-1${i}` }]));
    await expect(
      importParsed(database, utilityId, file(days), meta('k.sta', { beforeCommit: (i: number) => { if (i === 1) throw new Error('killed'); } })),
    ).rejects.toThrow('killed');
    expect(await balance(Number(k.id))).toBe(20_000);
    const r = await importParsed(database, utilityId, file(days), meta('k.sta'));
    expect(r.statements.map((s) => s.added)).toEqual([0, 1, 1]);
    expect(await balance(Number(k.id))).toBe(0);
    const runs = await inU((tx) => sql<{ status: string }>`select status from payment_imports where file_name = 'k.sta' order by id`.execute(tx));
    expect(runs.rows.map((x) => x.status)).toEqual(['failed', 'done']);
  });
});

describe('a real MT940 file through the parser', () => {
  it('imports a CP852 file in the ~ dialect and matches by the customer number in the title', async () => {
    const c = await customerWithAccount(database, utilityId, '0000301');
    const inv = await invoiceRow(database, utilityId, Number(c.id), { gross: 12_345, issue: '2026-10-31', due: '2026-11-14' });
    const text = writeMt940(
      [{ ref: 'W1', seq: '1/1', account: `PL${BANK_ACCOUNT}`, opening: 'C261119PLN1000,00', closing: 'C261120PLN1123,45', lines: [{ value: '261120', mark: 'C', amount: '123,45', bankRef: 'Z1', title: `Opłata za wodę ${inv.number} Żółć`, name: 'Józef Wąsik' }] }],
      { kind: 'numbered', separator: '~' },
    );
    const r = await importStatementFile(database, utilityId, encode(text, 'cp852'), { fileName: 'w.sta', userId: null });
    expect(r.statements[0]).toMatchObject({ status: 'imported', added: 1, matched: 1, credited: 12_345 });
    expect(await balance(Number(c.id))).toBe(0);
    const payer = await inU((tx) => sql<{ payer_name: string }>`select payer_name from payments where customer_id = ${Number(c.id)}`.execute(tx));
    expect(payer.rows[0].payer_name).toBe('Józef Wąsik');
  });
});
