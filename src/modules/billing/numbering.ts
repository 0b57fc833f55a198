/**
 * Invoice numbers: gapless per utility, series and year, e.g.
 * `FV/2026/12/000123` (invoices) and `KOR/2026/12/000007` (corrections).
 *
 * The counter lives in `number_series` (one row per utility, series and
 * year) and is advanced by the same transaction that stores the invoice:
 * the row lock taken by the upsert serialises issuers, and a transaction
 * that rolls back (a crash, a refused invoice) rolls its number back too, so
 * the numbers run without gaps. Never take a number outside the
 * transaction that stores its invoice.
 */
import { sql } from 'kysely';
import type { Tx } from '../../db/tenant.ts';
import { badRequest } from '../../lib/errors.ts';

export const SERIES = { invoice: 'FV', correction: 'KOR' } as const;
export type Series = (typeof SERIES)[keyof typeof SERIES];

const NUMBER = /^(FV|KOR)\/(\d{4})\/(0[1-9]|1[0-2])\/(\d{6,})$/;

/** The number of the `n`-th document of a series in the year of `issueDate` (the month is the issue month). */
export function formatInvoiceNumber(series: Series, issueDate: string, n: number): string {
  const [y, m] = issueDate.split('-');
  return `${series}/${y}/${m}/${String(n).padStart(6, '0')}`;
}

/** Parses an invoice number; null when it is not one (the CLI and routes answer `invoice.bad_number`). */
export function parseInvoiceNumber(s: string): { series: Series; year: number; month: number; n: number } | null {
  const m = NUMBER.exec(s);
  if (!m) return null;
  return { series: m[1] as Series, year: Number(m[2]), month: Number(m[3]), n: Number(m[4]) };
}

export function checkInvoiceNumber(s: string): void {
  if (!parseInvoiceNumber(s)) {
    throw badRequest('invoice.bad_number', `„${s}” nie jest numerem faktury (np. FV/2026/12/000123).`, `"${s}" is not an invoice number (e.g. FV/2026/12/000123).`);
  }
}

/**
 * Takes the next `count` numbers of a series for the year of `issueDate`,
 * inside `tx` (which must also store the invoices): returns the first one;
 * the block is first … first + count − 1.
 */
export async function takeNumbers(tx: Tx, utilityId: number, series: Series, issueDate: string, count = 1): Promise<number> {
  const year = issueDate.slice(0, 4);
  const { rows } = await sql<{ last_number: number }>`
    insert into number_series (utility_id, series, period, last_number)
    values (${utilityId}, ${series}, ${year}, ${count})
    on conflict (utility_id, series, period)
    do update set last_number = number_series.last_number + ${count}
    returning last_number`.execute(tx);
  return Number(rows[0].last_number) - count + 1;
}
