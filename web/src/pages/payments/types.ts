/** The payments API's shapes as the pages read them (src/modules/payments/schema.ts). */
export type EntryKind = 'invoice' | 'correction' | 'payment' | 'refund' | 'interest_note' | 'adjustment';
export type PaymentStatus = 'paid' | 'partly_paid' | 'unpaid' | 'overdue' | 'credited';

export interface LedgerEntry {
  kind: EntryKind;
  id: number;
  date: string;
  reference: string;
  contractId: number | null;
  dueDate: string | null;
  amount: number;
  balance: number;
}

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

export interface Summary {
  balance: number;
  due: number;
  overdue: number;
  overpaid: number;
  nextDueDate: string | null;
  asOf: string;
  items: ItemStatus[];
}

export interface Ledger {
  summary: Summary;
  entries: LedgerEntry[];
}

export interface StaffLedger extends Ledger {
  credits: { paymentId: number; bookedOn: string; remaining: number }[];
}

export interface Problem {
  code: string;
  statement: string | null;
  fileLine: number | null;
  message: { pl: string; en: string };
}

export interface StatementResult {
  statement: string;
  account: string;
  status: 'imported' | 'refused';
  lines: number;
  added: number;
  duplicates: number;
  matched: number;
  unmatched: number;
  debits: number;
  credited: number;
  problem?: Problem;
}

export interface ImportRecord {
  id: number;
  fileName: string;
  encoding: string | null;
  status: 'running' | 'done' | 'failed';
  createdAt: string;
  statements: StatementResult[];
  problems: Problem[];
}

export interface UnmatchedLine {
  id: number;
  bookingDate: string;
  amount: number;
  counterAccount: string | null;
  counterName: string | null;
  title: string;
  statement: string;
}

export const ENTRY_KINDS: EntryKind[] = ['invoice', 'correction', 'payment', 'refund', 'interest_note', 'adjustment'];

/** "12,34" / "12.34" / "-5" → grosze; null when it is not an amount. */
export function parseAmount(s: string): number | null {
  const m = /^\s*(-?)(\d{1,9})(?:[.,](\d{1,2}))?\s*(?:zł)?\s*$/i.exec(s.replace(/\u00a0| (?=\d{3})/g, ''));
  if (!m) return null;
  const v = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0'));
  return m[1] ? -v : v;
}
