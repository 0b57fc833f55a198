/**
 * The balance as a customer reads it (pure): due, overdue and overpaid, the
 * next due date, and each invoice's payment status. Stored allocations say
 * what is paid; an overpayment not yet allocated (an invoice issued after it
 * arrived, settled at the next import) is applied here the way the next
 * settlement will apply it, so the figures always add up:
 * due + overdue - overpaid = balance.
 */
import { allocate } from './allocate.ts';
import type { DebtRow } from './debts.ts';

export type PaymentStatus = 'paid' | 'partly_paid' | 'unpaid' | 'overdue' | 'credited';

export interface ItemStatus {
  kind: 'invoice' | 'charge';
  id: number;
  reference: string;
  contractId: number | null;
  issueDate: string;
  dueDate: string;
  amount: number;
  paid: number;
  open: number;
  status: PaymentStatus;
}

export interface BalanceSummary {
  /** Positive: owed; negative: overpaid. */
  balance: number;
  due: number;
  overdue: number;
  overpaid: number;
  nextDueDate: string | null;
  items: ItemStatus[];
}

/** `credit`: what the customer's payments have left unallocated plus what is allocated above corrected-down amounts. */
export function summarize(debts: readonly DebtRow[], credit: number, today: string): BalanceSummary {
  const open = debts.filter((d) => d.open > 0);
  const { debts: after, credits } = allocate(open, credit > 0 ? [{ paymentId: 0, remaining: credit }] : []);
  const openAfter = new Map(after.map((d) => [`${d.kind}:${d.id}`, d.open]));
  let due = 0;
  let overdue = 0;
  let nextDueDate: string | null = null;
  const items = debts.map((d): ItemStatus => {
    const left = openAfter.get(`${d.kind}:${d.id}`) ?? 0;
    const paid = Math.max(0, d.amount) - left;
    if (left > 0) {
      if (d.dueDate < today) overdue += left;
      else {
        due += left;
        if (nextDueDate === null || d.dueDate < nextDueDate) nextDueDate = d.dueDate;
      }
    }
    const status: PaymentStatus = d.amount <= 0 ? 'credited' : left === 0 ? 'paid' : d.dueDate < today ? 'overdue' : paid > 0 ? 'partly_paid' : 'unpaid';
    return { kind: d.kind, id: d.id, reference: d.reference, contractId: d.contractId, issueDate: d.issueDate, dueDate: d.dueDate, amount: d.amount, paid, open: left, status };
  });
  const overpaid = credits.length > 0 ? credits[0].remaining : 0;
  return { balance: due + overdue - overpaid, due, overdue, overpaid, nextDueDate, items };
}
