/**
 * Reading the ledger (the view ledger_entries over the source tables): a
 * customer's balance at a date, the summary the portal shows, and the
 * settlement history with a running balance. The same functions serve the
 * portal, the staff's customer view and the next invoice.
 */
import { sql } from 'kysely';
import type { Db } from '../../../db/connection.ts';
import type { Tx } from '../../../db/tenant.ts';
import { creditRow, creditsOf, creditsQuery, debtRow, debtsOf, debtsQuery, type CreditRow, type CreditSqlRow, type DebtRow, type DebtSqlRow } from './debts.ts';
import { summarize, type BalanceSummary } from './present.ts';
import { inUtility } from './tenant-or-tx.ts';

export const ENTRY_KINDS = ['invoice', 'correction', 'payment', 'refund', 'interest_note', 'adjustment'] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

/**
 * The customer's balance on `asOf` (YYYY-MM-DD, inclusive) in grosze:
 * positive what they owe, negative an overpayment to settle. The next
 * invoice prints it as "saldo poprzednie" / "nadpłata do rozliczenia".
 */
export async function balanceOf(db: Db | Tx, utilityId: number, customerId: number, asOf: string): Promise<number> {
  return inUtility(db, utilityId, async (tx) => {
    const { rows } = await sql<{ balance: number }>`
      select coalesce(sum(amount_grosze), 0)::int8 as balance from ledger_entries
       where customer_id = ${customerId} and entry_date <= ${asOf}::date`.execute(tx);
    return Number(rows[0].balance);
  });
}

/** Due, overdue, overpaid, the next due date and each invoice's payment status (as of `today`). */
export async function balanceSummary(tx: Tx, customerId: number, today: string): Promise<BalanceSummary> {
  return summaryOf(await debtsOf(tx, [customerId]), await creditsOf(tx, [customerId]), today);
}

function summaryOf(debts: readonly DebtRow[], credits: readonly CreditRow[], today: string): BalanceSummary {
  const excess = debts.reduce((s, d) => s + Math.max(0, d.allocated - Math.max(0, d.amount)), 0);
  // An invoice corrected below zero is a credit too (its negative amount), beyond any allocation to it.
  const negative = debts.reduce((s, d) => s + (d.amount < 0 ? -d.amount : 0), 0);
  const credit = credits.reduce((s, c) => s + c.remaining, 0) + excess + negative;
  return summarize(debts, credit, today);
}

export interface LedgerEntry {
  kind: EntryKind;
  id: number;
  date: string;
  reference: string;
  contractId: number | null;
  dueDate: string | null;
  /** Debit positive, credit negative. */
  amount: number;
  /** The balance after this entry. */
  balance: number;
}

export interface LedgerFilter {
  from?: string;
  to?: string;
  kinds?: EntryKind[];
  limit?: number;
}

/**
 * The settlement history, newest first, each entry with the balance after it
 * (the running sum over all the customer's entries in date order, so a
 * filtered page still shows true balances).
 */
export async function customerLedger(tx: Tx, customerId: number, f: LedgerFilter = {}): Promise<LedgerEntry[]> {
  const { rows } = await sql<LedgerSqlRow>`${ledgerQuery(customerId, f)}`.execute(tx);
  return rows.map(entryOf);
}

interface LedgerSqlRow { kind: EntryKind; source_id: number; entry_date: string; reference: string; contract_id: number | null; due_date: string | null; amount_grosze: number; balance: number }

const entryOf = (r: LedgerSqlRow): LedgerEntry => ({
  kind: r.kind,
  id: Number(r.source_id),
  date: r.entry_date,
  reference: r.reference,
  contractId: r.contract_id === null ? null : Number(r.contract_id),
  dueDate: r.due_date,
  amount: Number(r.amount_grosze),
  balance: Number(r.balance),
});

function ledgerQuery(customerId: number, f: LedgerFilter) {
  return sql`    select kind, source_id, entry_date::text, reference, contract_id, due_date::text, amount_grosze, balance from (
      select kind, source_id, entry_date, reference, contract_id, due_date, amount_grosze::int8,
             (sum(amount_grosze) over (order by entry_date, created_at, kind, source_id rows unbounded preceding))::int8 as balance,
             created_at
        from ledger_entries where customer_id = ${customerId}) e
     where (${f.from ?? null}::date is null or entry_date >= ${f.from ?? null}::date)
       and (${f.to ?? null}::date is null or entry_date <= ${f.to ?? null}::date)
       and (${f.kinds && f.kinds.length ? f.kinds : null}::text[] is null or kind = any(${f.kinds && f.kinds.length ? f.kinds : null}::text[]))
     order by entry_date desc, created_at desc, kind desc, source_id desc
     limit ${Math.min(f.limit ?? 500, 2000)}`;
}

/** What the ledger page reads from the database: independent of the date it is shown on (see `pageOf`). */
export interface LedgerRows {
  debts: DebtRow[];
  credits: CreditRow[];
  entries: LedgerEntry[];
}

/**
 * The tables the ledger page reads (ledgerRows: the view ledger_entries over invoices, payments,
 * payment_refunds and ledger_charges; the debts and credits from invoices, ledger_charges, payments and
 * payment_allocations). Each has a statement trigger announcing its changes on `wodnik_ledger`
 * (migration 202612090500); test/ledger-cache.test.ts checks both lists agree.
 */
export const LEDGER_TABLES = ['invoices', 'payments', 'payment_allocations', 'payment_refunds', 'ledger_charges'] as const;

/**
 * The ledger page's rows (portal "Faktury i saldo", the staff's customer view): the debts, the credits
 * and the settlement history, read in ONE statement (three JSON arrays, each from its sorted subquery)
 * instead of three: at 1,000 requests a second every round trip is a write and a read on two sockets,
 * which the server's profile showed costing more than the reads themselves (bench/ledger-api.bench.sh).
 * Nothing in them depends on the day: the portal keeps them in memory (ledger/cache.ts) and `pageOf`
 * makes the summary as of the request's day.
 */
export async function ledgerRows(tx: Tx, customerId: number, f: LedgerFilter): Promise<LedgerRows> {
  const ids = [customerId];
  const { rows } = await sql<{ debts: DebtSqlRow[] | string; credits: CreditSqlRow[] | string; entries: LedgerSqlRow[] | string }>`
    select (select coalesce(json_agg(d), '[]') from (${debtsQuery(ids, false)}) d) as debts,
           (select coalesce(json_agg(c), '[]') from (${creditsQuery(ids)}) c) as credits,
           (select coalesce(json_agg(e), '[]') from (${ledgerQuery(customerId, f)}) e) as entries`.execute(tx);
  const json = <T>(v: T[] | string): T[] => (typeof v === 'string' ? (JSON.parse(v) as T[]) : v);
  const r = rows[0];
  return { debts: json(r.debts).map(debtRow), credits: json(r.credits).map(creditRow), entries: json(r.entries).map(entryOf) };
}

/** The page as of `today` (YYYY-MM-DD): what is due and overdue is decided here, per request. */
export function pageOf(rows: LedgerRows, today: string): { summary: BalanceSummary; entries: LedgerEntry[] } {
  return { summary: summaryOf(rows.debts, rows.credits, today), entries: rows.entries };
}

/** The ledger page as of `today`, read from the database. */
export async function ledgerPage(tx: Tx, customerId: number, f: LedgerFilter, today: string): Promise<{ summary: BalanceSummary; entries: LedgerEntry[] }> {
  return pageOf(await ledgerRows(tx, customerId, f), today);
}

/**
 * One contract's ledger: its invoices, corrections and charges, and the parts
 * of payments allocated to them (a payment belongs to the customer; only what
 * it settled of this contract shows here). Its balance is what is open on
 * the contract.
 */
export async function contractLedger(tx: Tx, customerId: number, contractId: number): Promise<LedgerEntry[]> {
  const { rows } = await sql<{ kind: EntryKind; source_id: number; entry_date: string; reference: string; due_date: string | null; amount_grosze: number; balance: number }>`
    select kind, source_id, entry_date::text, reference, due_date::text, amount_grosze::int8,
           (sum(amount_grosze) over (order by entry_date, seq, source_id rows unbounded preceding))::int8 as balance
      from (
        select kind, source_id, entry_date, reference, due_date, amount_grosze, 0 as seq
          from ledger_entries where customer_id = ${customerId} and contract_id = ${contractId}
        union all
        select p.ledger_kind, p.id, p.booked_on, coalesce(p.title, ''), null::date, -sum(a.amount_grosze), 1
          from payment_allocations a
          join payments p on p.id = a.payment_id
          left join invoices i on i.id = a.invoice_id
          left join ledger_charges c on c.id = a.charge_id
         where p.customer_id = ${customerId} and coalesce(i.contract_id, c.contract_id) = ${contractId}
         group by p.ledger_kind, p.id, p.booked_on, p.title) e
     order by entry_date desc, seq desc, source_id desc`.execute(tx);
  return rows.map((r) => ({
    kind: r.kind,
    id: Number(r.source_id),
    date: r.entry_date,
    reference: r.reference,
    contractId,
    dueDate: r.due_date,
    amount: Number(r.amount_grosze),
    balance: Number(r.balance),
  }));
}
