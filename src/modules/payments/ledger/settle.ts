/**
 * Settling: runs the allocation (allocate.ts) for some customers and stores
 * it. Called in the same transaction as whatever changed their ledger (an
 * imported statement, a recorded payment, a clerk's assignment, a refund, an
 * adjustment), so a balance and its allocations never disagree after a
 * commit. Ledger writes of one utility take one transaction-scoped advisory
 * lock (`lockLedger`): two writers never allocate the same open amount twice.
 */
import { sql } from 'kysely';
import type { CopyFn } from '../../../db/bulk.ts';
import { CopyBuffer } from '../../../db/copy-buffer.ts';
import type { Tx } from '../../../db/tenant.ts';
import { allocate, type Allocation } from './allocate.ts';
import { byCustomer, creditsOf, debtsOf } from './debts.ts';

/** Serialises ledger writes of one utility until the transaction ends. */
export async function lockLedger(tx: Tx, utilityId: number): Promise<void> {
  await sql`select pg_advisory_xact_lock(7715, ${utilityId}::int)`.execute(tx);
}

const ALLOCATION_COLUMNS = ['utility_id', 'payment_id', 'invoice_id', 'charge_id', 'refund_id', 'amount_grosze'] as const;

/** Stores allocations in one statement (by COPY when the transaction has it: a statement import's thousands). */
export async function insertAllocations(tx: Tx, utilityId: number, allocations: readonly Allocation[], copy?: CopyFn): Promise<void> {
  if (allocations.length === 0) return;
  if (copy) {
    const out = new CopyBuffer(allocations.length * 48);
    for (const a of allocations) {
      out.int(utilityId).int(a.paymentId);
      if (a.kind === 'invoice') out.int(a.id).nul().nul();
      else if (a.kind === 'charge') out.nul().int(a.id).nul();
      else out.nul().nul().int(a.id);
      out.int(a.amount, 10);
    }
    await copy('payment_allocations', ALLOCATION_COLUMNS, out.bytes());
    return;
  }
  const col = (kind: Allocation['kind']) => allocations.map((a) => (a.kind === kind ? a.id : null));
  await sql`
    insert into payment_allocations (utility_id, payment_id, invoice_id, charge_id, refund_id, amount_grosze)
    select ${utilityId}::bigint, p, i, c, r, a
      from unnest(${allocations.map((a) => a.paymentId)}::bigint[], ${col('invoice')}::bigint[], ${col('charge')}::bigint[],
                  ${col('refund')}::bigint[], ${allocations.map((a) => a.amount)}::bigint[]) as t(p, i, c, r, a)`.execute(tx);
}

/**
 * Allocates what the customers' payments have left to their open debts.
 * `named` gives, per payment, the invoices its payer named. An invoice that a
 * correction brought below what is allocated to it first gives its
 * allocations back (they settle other debts or stay as overpayment).
 */
export async function settle(tx: Tx, utilityId: number, customerIds: readonly number[], named: ReadonlyMap<number, readonly number[]> = new Map(), copy?: CopyFn): Promise<Allocation[]> {
  const ids = [...new Set(customerIds)];
  if (ids.length === 0) return [];
  let debts = await debtsOf(tx, ids, { unsettled: true });
  const over = debts.filter((d) => d.allocated > Math.max(0, d.amount));
  if (over.length > 0) {
    const inv = over.filter((d) => d.kind === 'invoice').map((d) => d.id);
    const chg = over.filter((d) => d.kind === 'charge').map((d) => d.id);
    await sql`delete from payment_allocations where invoice_id = any(${inv}::bigint[]) or charge_id = any(${chg}::bigint[])`.execute(tx);
    debts = await debtsOf(tx, ids, { unsettled: true });
  }
  const credits = byCustomer(await creditsOf(tx, ids));
  const debtsBy = byCustomer(debts.filter((d) => d.open > 0));
  const all: Allocation[] = [];
  for (const [customerId, cs] of credits) {
    const ds = debtsBy.get(customerId);
    if (!ds) continue;
    // The rows are this call's own: the named invoices go onto them (allocate copies what it changes).
    for (const c of cs) c.namedInvoiceIds = named.get(c.paymentId) ?? [];
    const { allocations } = allocate(ds, cs);
    all.push(...allocations);
  }
  await insertAllocations(tx, utilityId, all, copy);
  return all;
}
