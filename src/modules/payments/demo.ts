/**
 * Demo payments (issue 15, item 9): the demo invoices are paid through the
 * same path a utility's payments take. One MT940 file is generated with a
 * statement per month of the billing history, in the numbered-sub-field
 * dialect and CP1250 as Polish banks export it, and imported by the import
 * service: most invoices paid on time (most titles carry the invoice number,
 * as the payment QR code fills it in; some the customer number; some arrive
 * on the individual account only), some late, some in part, a few never,
 * and a few transfers no customer can be found for (the clerk's queue).
 * Deterministic: the same invoices give the same payments.
 */
import { sql } from 'kysely';
import type { Database } from '../../db/connection.ts';
import { withTenant } from '../../db/tenant.ts';
import { Rng } from '../demo/random.ts';
import { encode, writeMt940, type WrittenLine, type WrittenStatement } from './statements/testing/mt940-writer.ts';
import { importStatementFile } from './import/file.ts';

interface DemoInvoice {
  id: number;
  number: string;
  customerNumber: string;
  name: string;
  account: string | null;
  gross: number;
  due: string;
}

const DAY = 86_400_000;
const addDays = (d: string, n: number) => new Date(Date.parse(`${d}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);
const yymmdd = (d: string) => d.slice(2).replace(/-/g, '');
const money = (grosze: number) => `${Math.floor(grosze / 100)},${String(grosze % 100).padStart(2, '0')}`;
const balanceField = (date: string, grosze: number) => `${grosze < 0 ? 'D' : 'C'}${yymmdd(date)}PLN${money(Math.abs(grosze))}`;

type Behaviour = 'on_time' | 'late' | 'partial' | 'unpaid';

/** The payments of the demo invoices due before `today`, as statement lines by booking date. */
export function demoPaymentLines(invoices: readonly DemoInvoice[], today: string, seed: number): Array<{ date: string; line: WrittenLine }> {
  const rng = new Rng(seed);
  const out: Array<{ date: string; line: WrittenLine }> = [];
  for (const inv of invoices) {
    const behaviour = rng.weighted<Behaviour>([['on_time', 82], ['late', 9], ['partial', 5], ['unpaid', 4]]);
    const date = behaviour === 'late' ? addDays(inv.due, rng.int(5, 45)) : addDays(inv.due, -rng.int(0, 10));
    if (behaviour === 'unpaid' || date >= today || inv.gross <= 0) continue;
    const amount = behaviour === 'partial' ? Math.max(100, Math.round((inv.gross * rng.int(30, 80)) / 100)) : inv.gross;
    const style = rng.weighted([['invoice', 65], ['customer', 25], ['account', 10]] as const);
    const title =
      style === 'invoice' ? `Opłata za fakturę ${inv.number}` : style === 'customer' ? `Woda i ścieki nr klienta ${inv.customerNumber}` : 'Opłata za wodę';
    out.push({
      date,
      line: {
        value: yymmdd(date),
        mark: 'C',
        amount: money(amount),
        bankRef: `D${seed}${inv.id}`,
        title,
        name: inv.name.slice(0, 54),
        // A transfer that names nothing: the bank reports the individual account it arrived on.
        ...(style === 'account' && inv.account ? { account: `PL${inv.account}` } : {}),
      },
    });
  }
  // A few transfers nobody can be matched to, in the last two months: the clerk's queue.
  for (let i = 0; i < 3; i++) {
    const date = addDays(today, -rng.int(2, 50));
    out.push({ date, line: { value: yymmdd(date), mark: 'C', amount: money(rng.int(20, 300) * 100), bankRef: `U${seed}${i}`, title: rng.pick(['Za wodę', 'Wpłata', 'Opłata za marzec']), name: rng.pick(['Jan Kowalski', 'A. Nowak', 'Wspólnota Mieszkaniowa']) } });
  }
  return out.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

/** One statement per month of the lines, their balances adding up from `opening`. */
export function monthlyStatements(lines: ReadonlyArray<{ date: string; line: WrittenLine }>, account: string, opening = 0): WrittenStatement[] {
  const months = new Map<string, Array<{ date: string; line: WrittenLine }>>();
  for (const l of lines) {
    const m = l.date.slice(0, 7);
    months.set(m, [...(months.get(m) ?? []), l]);
  }
  let balance = opening;
  return [...months.entries()].map(([month, ls], i) => {
    const first = `${month}-01`;
    const last = ls.at(-1)!.date;
    const open = balance;
    balance += ls.reduce((s, l) => s + Number(l.line.amount.replace(',', '')), 0);
    return { ref: `WYC/${month.replace('-', '/')}`, seq: `${i + 1}/1`, account, opening: balanceField(first, open), closing: balanceField(last, balance), lines: ls.map((l) => l.line) };
  });
}

/** Generates and imports the demo payments of one utility; returns the lines imported. */
export async function importDemoPayments(database: Database, utilityId: number, now: Date, log: (line: string) => void = () => {}): Promise<number> {
  const started = Date.now();
  const today = now.toISOString().slice(0, 10);
  const { invoices, bankAccount } = await withTenant(database.db, { utilityId }, async (tx) => {
    const { rows } = await sql<{ id: number; invoice_number: string; customer_number: string; name: string; payment_account: string | null; gross: number; due_date: string }>`
      select i.id, i.invoice_number, c.customer_number, c.name, c.payment_account, i.gross_grosze::int8 as gross, i.due_date::text
        from invoices i join customers c on c.id = i.customer_id
       where i.kind = 'invoice' order by i.due_date, i.id`.execute(tx);
    const u = await sql<{ bank_account: string | null }>`select bank_account from utilities where id = ${utilityId}`.execute(tx);
    return {
      invoices: rows.map((r) => ({ id: Number(r.id), number: r.invoice_number, customerNumber: r.customer_number, name: r.name, account: r.payment_account, gross: Number(r.gross), due: r.due_date })),
      bankAccount: u.rows[0]?.bank_account ?? null,
    };
  });
  if (invoices.length === 0 || !bankAccount) return 0;
  const lines = demoPaymentLines(invoices, today, utilityId);
  const statements = monthlyStatements(lines, `PL${bankAccount.replace(/\D/g, '')}`);
  const bytes = encode(writeMt940(statements, { kind: 'numbered', separator: '~' }), 'windows-1250');
  const r = await importStatementFile(database, utilityId, bytes, { fileName: 'demo-wyciagi.sta', userId: null });
  const added = r.statements.reduce((s, x) => s + x.added, 0);
  log(`  demo payments: ${r.statements.length} monthly statements, ${added} lines imported in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return added;
}
