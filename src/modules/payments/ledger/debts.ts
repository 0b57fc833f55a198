/**
 * What a customer owes item by item, and what is left of their payments, as
 * the allocation needs them (read from the source tables: an invoice's amount
 * is its gross plus its corrections' differences; what is paid of it is the
 * sum of its allocations).
 */
import { sql } from 'kysely';
import type { Tx } from '../../../db/tenant.ts';
import type { Credit, Debt } from './allocate.ts';

export interface DebtRow extends Debt {
  customerId: number;
  contractId: number | null;
  reference: string;
  issueDate: string;
  /** The invoice's amount after corrections (or the charge's). */
  amount: number;
  /** Allocated so far (may exceed a corrected-down amount until settled again). */
  allocated: number;
}

export interface CreditRow extends Credit {
  customerId: number;
  bookedOn: string;
}

/**
 * Every invoice and charge of the customers, with its amount and what is
 * allocated to it. `unsettled`: only those whose allocations differ from
 * their amount (still open, or allocated beyond a corrected-down amount),
 * which is all that allocation needs: a long history of settled invoices is
 * not sent back each time (reading a row into JavaScript costs more than
 * summing it in the database).
 */
export async function debtsOf(tx: Tx, customerIds: readonly number[], opts: { unsettled?: boolean } = {}): Promise<DebtRow[]> {
  if (customerIds.length === 0) return [];
  const unsettled = opts.unsettled === true;
  const { rows } = await sql<DebtSqlRow>`${debtsQuery(customerIds, unsettled)}`.execute(tx);
  return rows.map(debtRow);
}

/** A row of debtsQuery as DebtRow. */
export function debtRow(r: DebtSqlRow): DebtRow {
  return {
    customerId: Number(r.customer_id),
    contractId: r.contract_id === null ? null : Number(r.contract_id),
    kind: r.kind,
    id: Number(r.id),
    reference: r.reference,
    issueDate: r.issue_date,
    dueDate: r.due_date,
    interest: r.interest,
    amount: Number(r.amount),
    allocated: Number(r.allocated),
    open: Math.max(0, Number(r.amount) - Number(r.allocated)),
  };
}

export interface DebtSqlRow { customer_id: number; contract_id: number | null; kind: 'invoice' | 'charge'; id: number; reference: string; issue_date: string; due_date: string; interest: boolean; amount: number; allocated: number }

/** The statement of debtsOf (also a part of the ledger page's one statement, read.ts). */
export function debtsQuery(customerIds: readonly number[], unsettled: boolean) {
  const ofCustomers = customersCondition(customerIds);
  return sql`    select i.customer_id, i.contract_id, 'invoice' as kind, i.id, i.invoice_number as reference, i.issue_date::text, i.due_date::text, false as interest,
           (i.gross_grosze + coalesce(k.s, 0))::int8 as amount, coalesce(a.s, 0)::int8 as allocated
      from invoices i
      -- lateral: each sum once per row (as scalar subqueries in the select list, the filter below repeated them)
      left join lateral (select sum(k.gross_grosze) as s from invoices k where k.corrects_invoice_id = i.id and k.kind = 'correction') k on true
      left join lateral (select sum(a.amount_grosze) as s from payment_allocations a where a.invoice_id = i.id) a on true
     where i.kind = 'invoice' and i.customer_id ${ofCustomers}
       and (not ${unsettled}::boolean or coalesce(a.s, 0) > greatest(i.gross_grosze + coalesce(k.s, 0), 0) or i.gross_grosze + coalesce(k.s, 0) > coalesce(a.s, 0))
    union all
    select c.customer_id, c.contract_id, 'charge', c.id, c.reference, c.entry_date::text, c.due_date::text, c.kind = 'interest_note',
           c.amount_grosze::int8, coalesce(a.s, 0)::int8
      from ledger_charges c
      left join lateral (select sum(a.amount_grosze) as s from payment_allocations a where a.charge_id = c.id) a on true
     where c.customer_id ${ofCustomers}
       and (not ${unsettled}::boolean or coalesce(a.s, 0) > greatest(c.amount_grosze, 0) or c.amount_grosze > coalesce(a.s, 0))
     -- invoices, then charges, each in the order written (the order the portal lists their statuses in)
     order by kind desc, id`;
}

/** Payments (and credit adjustments) of the customers with something left to allocate, oldest first. */
export async function creditsOf(tx: Tx, customerIds: readonly number[]): Promise<CreditRow[]> {
  if (customerIds.length === 0) return [];
  const { rows } = await sql<CreditSqlRow>`${creditsQuery(customerIds)}`.execute(tx);
  return rows.map(creditRow);
}

export interface CreditSqlRow { customer_id: number; id: number; booked_on: string; remaining: number }

export const creditRow = (r: CreditSqlRow): CreditRow => ({ customerId: Number(r.customer_id), paymentId: Number(r.id), bookedOn: r.booked_on, remaining: Number(r.remaining) });

/** The statement of creditsOf (also a part of the ledger page's one statement, read.ts). */
export function creditsQuery(customerIds: readonly number[]) {
  return sql`    select p.customer_id, p.id, p.booked_on::text, (p.amount_grosze - coalesce(a.s, 0))::int8 as remaining
      from payments p
      left join lateral (select sum(a.amount_grosze) as s from payment_allocations a where a.payment_id = p.id) a on true
     where p.customer_id ${customersCondition(customerIds)} and p.amount_grosze > coalesce(a.s, 0)
     order by p.booked_on, p.id`;
}

/**
 * `= $1` for one customer (the ledger page, every request), `= any($1)` for many. With an array,
 * PostgreSQL plans the prepared statement anew on every run (a custom plan: its estimates depend on
 * the array), which cost the ledger page ~0.8 ms of planning against ~0.6 ms of running; with one id
 * it keeps a generic plan after the fifth run.
 */
function customersCondition(customerIds: readonly number[]) {
  return customerIds.length === 1 ? sql`= ${customerIds[0]}::bigint` : sql`= any(${customerIds}::bigint[])`;
}

/** Groups rows by customer. */
export function byCustomer<T extends { customerId: number }>(rows: readonly T[]): Map<number, T[]> {
  const out = new Map<number, T[]>();
  for (const r of rows) {
    const list = out.get(r.customerId);
    if (list) list.push(r);
    else out.set(r.customerId, [r]);
  }
  return out;
}
