/**
 * The arrears documents of one customer on a day: the interest note and the
 * payment reminder (as letter content, then PDF). Reads the customer, the
 * utility's branding and accounts, the customer's debts and the rate table;
 * writes nothing (booking an issued note belongs to the ledger).
 */
import type { Tx } from '../../../db/tenant.ts';
import { conflict, notFound } from '../../../lib/errors.ts';
import { loadBranding } from '../../billing/pdf/store.ts';
import { individualAccount, isValidVirtualPrefix, normalizeAccount } from '../accounts.ts';
import { addDays } from './dates.ts';
import { loadDebts } from './debts.ts';
import { InterestError } from './interest.ts';
import { renderInterestNote, renderReminder } from './letter-pdf.ts';
import { type Debtor, interestNote, reminder } from './letters.ts';
import { loadRates } from './rates-repo.ts';
import { interestKindOf } from './report.ts';

/** How far back a note looks for invoices paid late. */
export const NOTE_LOOKBACK_DAYS = 365;

async function customerContext(tx: Tx, utilityId: number, customerId: number, asOf: string, paidSince?: string) {
  const c = await tx
    .selectFrom('customers')
    .select(['id', 'customer_number', 'name', 'kind', 'street', 'building', 'apartment', 'postal_code', 'city', 'nip', 'payment_account', 'email'])
    .where('utility_id', '=', utilityId)
    .where('id', '=', customerId)
    .executeTakeFirst();
  if (!c) throw notFound('customer.not_found', 'Nie ma takiego klienta.', 'No such customer.');
  const u = await tx.selectFrom('utilities').select(['virtual_account_prefix', 'bank_account']).where('id', '=', utilityId).executeTakeFirstOrThrow();
  // The customer's own account as stored; else made from the utility's prefix; else the utility's general account.
  const account =
    normalizeAccount(c.payment_account)?.replace(/^PL/, '') ??
    (u.virtual_account_prefix && isValidVirtualPrefix(u.virtual_account_prefix) ? individualAccount(u.virtual_account_prefix, c.customer_number) : null) ??
    normalizeAccount(u.bank_account)?.replace(/^PL/, '') ??
    null;
  if (!account) throw conflict('arrears.no_account', 'Zakład nie ma ustawionego rachunku do wpłat.', 'The utility has no account for payments set.');
  const street = [c.street, [c.building, c.apartment].filter(Boolean).join('/')].filter(Boolean).join(' ');
  const debtor: Debtor = { customerNumber: c.customer_number, name: c.name, street, postalCode: c.postal_code, city: c.city, nip: c.nip, account };
  const kind = interestKindOf(c.kind);
  const [debts, rates] = [await loadDebts(tx, utilityId, asOf, { customerId, paidSince }), await loadRates(tx, utilityId, kind)];
  return { debtor, kind, debts, rates, email: c.email };
}

export interface PdfDocument {
  bytes: Buffer;
  fileName: string;
}

/** A debt older than the rate table has no rate to count with: a clear 409 rather than a failure. */
function counted<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof InterestError) {
      throw conflict('arrears.no_rate', `Brak stopy odsetek w tabeli dla części okresu opóźnienia (${e.message}).`, `No interest rate in the table for part of the late period (${e.message}).`);
    }
    throw e;
  }
}

const fileName = (number: string) => `${number.replace(/[^\w-]+/g, '_')}.pdf`;

export async function interestNotePdf(tx: Tx, utilityId: number, customerId: number, asOf: string, eurRate?: string): Promise<PdfDocument> {
  const ctx = await customerContext(tx, utilityId, customerId, asOf, addDays(asOf, -NOTE_LOOKBACK_DAYS));
  const note = counted(() => interestNote({ debtor: ctx.debtor, debts: ctx.debts, date: asOf, interestKind: ctx.kind, rates: ctx.rates, eurRate }));
  if (note.invoices.length === 0) {
    throw conflict('arrears.no_interest', 'Klient nie ma opóźnionych płatności, od których należałyby się odsetki.', 'The customer has no late payment that interest would be due on.');
  }
  return { bytes: await renderInterestNote(note, await loadBranding(tx, utilityId)), fileName: fileName(note.number) };
}

/** The customer's reminder on a day and their e-mail address; null when nothing is overdue by `minDaysOverdue` days. */
export async function buildReminder(tx: Tx, utilityId: number, customerId: number, asOf: string, minDaysOverdue: number) {
  const ctx = await customerContext(tx, utilityId, customerId, asOf);
  const rem = counted(() => reminder({ debtor: ctx.debtor, debts: ctx.debts, date: asOf, interestKind: ctx.kind, rates: ctx.rates, minDaysOverdue }));
  return rem ? { reminder: rem, email: ctx.email } : null;
}

export async function reminderPdf(tx: Tx, utilityId: number, customerId: number, asOf: string, minDaysOverdue: number): Promise<PdfDocument> {
  const made = await buildReminder(tx, utilityId, customerId, asOf, minDaysOverdue);
  if (!made) {
    throw conflict('arrears.nothing_overdue', `Klient nie ma należności przeterminowanych o co najmniej ${minDaysOverdue} dni.`, `The customer has nothing overdue by ${minDaysOverdue} days or more.`);
  }
  return { bytes: await renderReminder(made.reminder, await loadBranding(tx, utilityId)), fileName: fileName(made.reminder.number) };
}
