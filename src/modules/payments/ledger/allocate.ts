/**
 * Allocation (pure): which debts a payment settles. A payment goes first to
 * the invoices its payer named (in the order named), then to the oldest debt:
 * interest notes before principal (art. 451 of the civil code: interest is
 * settled first), then by due date. An allocation is never above the debt's
 * open amount nor above what is left of the payment; what is left over is an
 * overpayment and carries forward (it settles the next debt when allocation
 * runs again).
 */

export type DebtKind = 'invoice' | 'charge';

export interface Debt {
  kind: DebtKind;
  id: number;
  /** What is still to pay (grosze, > 0 to be allocatable). */
  open: number;
  dueDate: string;
  /** An interest note: settled before principal. */
  interest: boolean;
}

export interface Credit {
  paymentId: number;
  /** What is left of the payment (grosze). */
  remaining: number;
  /** Invoices the payer named, in the order named. */
  namedInvoiceIds?: readonly number[];
}

export interface Allocation {
  paymentId: number;
  kind: DebtKind | 'refund';
  id: number;
  amount: number;
}

/** Oldest first, interest before principal; ties by kind and id so that the order is stable. */
export function debtOrder(a: Debt, b: Debt): number {
  if (a.interest !== b.interest) return a.interest ? -1 : 1;
  if (a.dueDate !== b.dueDate) return a.dueDate < b.dueDate ? -1 : 1;
  if (a.kind !== b.kind) return a.kind < b.kind ? -1 : 1;
  return a.id - b.id;
}

/** Allocates the credits, in their order, to the debts; returns the allocations and what is left on each side. */
export function allocate(debts: readonly Debt[], credits: readonly Credit[]): { allocations: Allocation[]; debts: Debt[]; credits: Credit[] } {
  const open = debts.map((d) => ({ ...d })).sort(debtOrder);
  // Only when a payer named invoices (a statement import allocates for thousands of customers, most naming none).
  let byInvoice: Map<number, Debt> | undefined;
  const allocations: Allocation[] = [];
  const left = credits.map((c) => ({ ...c }));
  const take = (c: Credit, d: Debt) => {
    const amount = Math.min(c.remaining, d.open);
    if (amount <= 0) return;
    c.remaining -= amount;
    d.open -= amount;
    const last = allocations.at(-1);
    if (last && last.paymentId === c.paymentId && last.kind === d.kind && last.id === d.id) last.amount += amount;
    else allocations.push({ paymentId: c.paymentId, kind: d.kind, id: d.id, amount });
  };
  for (const c of left) {
    for (const id of c.namedInvoiceIds ?? []) {
      byInvoice ??= new Map(open.filter((d) => d.kind === 'invoice').map((d) => [d.id, d]));
      const d = byInvoice.get(id);
      if (d) take(c, d);
    }
    for (const d of open) {
      if (c.remaining <= 0) break;
      take(c, d);
    }
  }
  return { allocations, debts: open, credits: left };
}

/**
 * A refund paid out of the customer's overpayment: takes `amount` from the
 * remainders of the credits, oldest first. Null when the credits hold less
 * (a refund is never above the overpayment).
 */
export function refundFrom(credits: readonly Credit[], amount: number, refundId: number): Allocation[] | null {
  const total = credits.reduce((s, c) => s + Math.max(0, c.remaining), 0);
  if (!(amount > 0) || amount > total) return null;
  const out: Allocation[] = [];
  let rest = amount;
  for (const c of credits) {
    if (rest === 0) break;
    const a = Math.min(rest, Math.max(0, c.remaining));
    if (a > 0) {
      out.push({ paymentId: c.paymentId, kind: 'refund', id: refundId, amount: a });
      rest -= a;
    }
  }
  return out;
}
