/**
 * A utility's debts as the arrears work reads them (read only; the ledger
 * module owns the payment tables): each invoice with a positive gross amount,
 * the allocations of payments booked up to the report day, and what is still
 * open. Negative corrections (credit notes) are left to the ledger's balance:
 * here only what a customer owes on a document ages.
 */
import { sql } from 'kysely';
import type { Tx } from '../../../db/tenant.ts';

export interface Debt {
  invoiceId: number;
  invoiceNumber: string;
  customerId: number;
  issueDate: string;
  dueDate: string;
  gross: number;
  /** Allocations of payments booked on or before the report day, oldest first. */
  payments: Array<{ date: string; amount: number }>;
  open: number;
}

const day = (v: unknown) => (v instanceof Date ? v.toISOString() : String(v)).slice(0, 10);

/**
 * The debts of invoices issued up to `asOf`: all open ones, plus, when
 * `paidSince` is given, those paid off on or after that day (paid late, they
 * still owe interest). Optionally one customer's only.
 */
export async function loadDebts(tx: Tx, utilityId: number, asOf: string, opts: { customerId?: number; paidSince?: string } = {}): Promise<Debt[]> {
  const rows = await sql<{ id: number; invoice_number: string; customer_id: number; issue_date: unknown; due_date: unknown; gross_grosze: number; pays: Array<{ d: string; a: number }> | null }>`
    select i.id, i.invoice_number, i.customer_id, i.issue_date, i.due_date, i.gross_grosze,
           (select json_agg(json_build_object('d', p.booked_on, 'a', a.amount_grosze) order by p.booked_on, a.id)
              from payment_allocations a
              join payments p on p.utility_id = a.utility_id and p.id = a.payment_id
             where a.utility_id = i.utility_id and a.invoice_id = i.id and p.booked_on <= ${asOf}) as pays
      from invoices i
     where i.utility_id = ${utilityId} and i.issue_date <= ${asOf} and i.gross_grosze > 0
       ${opts.customerId ? sql`and i.customer_id = ${opts.customerId}` : sql``}
     order by i.customer_id, i.due_date, i.id`.execute(tx);
  const out: Debt[] = [];
  for (const r of rows.rows) {
    const payments = (r.pays ?? []).map((p) => ({ date: day(p.d), amount: Number(p.a) }));
    const gross = Number(r.gross_grosze);
    const open = Math.max(0, gross - payments.reduce((s, p) => s + p.amount, 0));
    const paidLate = opts.paidSince !== undefined && payments.some((p) => p.date >= opts.paidSince! && p.date > day(r.due_date));
    if (open > 0 || paidLate) {
      out.push({ invoiceId: Number(r.id), invoiceNumber: r.invoice_number, customerId: Number(r.customer_id), issueDate: day(r.issue_date), dueDate: day(r.due_date), gross, payments, open });
    }
  }
  return out;
}
