/**
 * What an interest note (nota odsetkowa) and a payment reminder (wezwanie do
 * zapłaty) say, worked out from a customer's debts on a day: pure, so the
 * figures are tested without a PDF. letter-pdf.ts draws them.
 *
 * The note charges the statutory late interest on each late invoice (paid
 * late or still open) and, for a business debtor, the recovery compensation
 * per invoice when the EUR rate is given; the reminder lists what is overdue
 * and the interest accrued so far (for information), with a deadline to pay.
 */
import { addDays } from './dates.ts';
import { compensationPln } from './compensation.ts';
import type { Debt } from './debts.ts';
import { daysPastDue } from './ageing.ts';
import { lateInterest, type InterestPeriod } from './interest.ts';
import type { InterestKind, RatePeriod } from './rates.ts';

export interface Debtor {
  customerNumber: string;
  name: string;
  street: string;
  postalCode: string;
  city: string;
  nip: string | null;
  /** The NRB the customer pays to (their individual account). */
  account: string;
}

export interface NoteInvoice {
  invoiceNumber: string;
  dueDate: string;
  gross: number;
  paid: Array<{ date: string; amount: number }>;
  periods: InterestPeriod[];
  interest: number;
  compensation: { eur: number; grosze: number } | null;
}

export interface InterestNote {
  kind: 'interest_note';
  number: string;
  date: string;
  payBy: string;
  interestKind: InterestKind;
  debtor: Debtor;
  invoices: NoteInvoice[];
  interest: number;
  compensation: number;
  /** The EUR rate the compensation was converted at, as given. */
  eurRate: string | null;
  total: number;
}

export interface ReminderInvoice {
  invoiceNumber: string;
  issueDate: string;
  dueDate: string;
  daysOverdue: number;
  gross: number;
  open: number;
}

export interface Reminder {
  kind: 'reminder';
  number: string;
  date: string;
  payBy: string;
  interestKind: InterestKind;
  debtor: Debtor;
  invoices: ReminderInvoice[];
  open: number;
  interest: number;
}

/** Days the debtor is given to pay a note or a reminder. */
export const PAY_WITHIN_DAYS = 7;

const compact = (d: string) => d.replace(/-/g, '');

export function interestNote(input: { debtor: Debtor; debts: Debt[]; date: string; interestKind: InterestKind; rates: RatePeriod[]; eurRate?: string | null }): InterestNote {
  const invoices: NoteInvoice[] = [];
  for (const d of input.debts) {
    const r = lateInterest({ amount: d.gross, dueDate: d.dueDate, payments: d.payments, until: input.date, rates: input.rates });
    if (r.total <= 0) continue;
    const compensation = input.interestKind === 'commercial' && input.eurRate ? compensationPln(d.gross, d.dueDate, input.eurRate) : null;
    invoices.push({ invoiceNumber: d.invoiceNumber, dueDate: d.dueDate, gross: d.gross, paid: d.payments, periods: r.periods, interest: r.total, compensation });
  }
  const interest = invoices.reduce((s, i) => s + i.interest, 0);
  const compensation = invoices.reduce((s, i) => s + (i.compensation?.grosze ?? 0), 0);
  return {
    kind: 'interest_note',
    number: `NO/${compact(input.date)}/${input.debtor.customerNumber}`,
    date: input.date,
    payBy: addDays(input.date, PAY_WITHIN_DAYS),
    interestKind: input.interestKind,
    debtor: input.debtor,
    invoices,
    interest,
    compensation,
    eurRate: compensation > 0 ? (input.eurRate ?? null) : null,
    total: interest + compensation,
  };
}

/** A reminder for the open invoices at least `minDaysOverdue` days past due; null when there are none. */
export function reminder(input: { debtor: Debtor; debts: Debt[]; date: string; interestKind: InterestKind; rates: RatePeriod[]; minDaysOverdue: number }): Reminder | null {
  const overdue = input.debts.filter((d) => d.open > 0 && daysPastDue(d.dueDate, input.date) >= Math.max(1, input.minDaysOverdue));
  if (overdue.length === 0) return null;
  const invoices = overdue.map((d) => ({ invoiceNumber: d.invoiceNumber, issueDate: d.issueDate, dueDate: d.dueDate, daysOverdue: daysPastDue(d.dueDate, input.date), gross: d.gross, open: d.open }));
  const interest = overdue.reduce((s, d) => s + lateInterest({ amount: d.gross, dueDate: d.dueDate, payments: d.payments, until: input.date, rates: input.rates }).total, 0);
  return {
    kind: 'reminder',
    number: `WZ/${compact(input.date)}/${input.debtor.customerNumber}`,
    date: input.date,
    payBy: addDays(input.date, PAY_WITHIN_DAYS),
    interestKind: input.interestKind,
    debtor: input.debtor,
    invoices,
    open: invoices.reduce((s, i) => s + i.open, 0),
    interest,
  };
}
