/**
 * Civil dates of reading periods. Periods are whole days in the utility's
 * local time (Poland), so a reading taken at 00:30 on the 1st belongs to
 * the 1st even though it is still the previous day in UTC.
 */
import { isCivilDate } from '../../../lib/date-formats.ts';
import { badRequest } from '../../../lib/errors.ts';

export const UTILITY_TIME_ZONE = 'Europe/Warsaw';
const DAY_MS = 86_400_000;
const ymd = new Intl.DateTimeFormat('en-CA', { timeZone: UTILITY_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

/** The civil date (YYYY-MM-DD) of an instant in the utility's time zone. */
export function localDate(at: Date): string {
  return ymd.format(at);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** The calendar month around a date: the default period when a route has no assignment. */
export function monthOf(date: string): { from: string; to: string } {
  const [y, m] = date.split('-').map(Number);
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const mm = String(m).padStart(2, '0');
  return { from: `${y}-${mm}-01`, to: `${y}-${mm}-${String(last).padStart(2, '0')}` };
}

export const MAX_PERIOD_DAYS = 366;

/** Checks an assignment's period; `today` is the utility's current date. */
export function checkPeriod(from: string, to: string, today: string): void {
  if (!isCivilDate(from) || !isCivilDate(to)) {
    throw badRequest('route.period_date', 'Prosimy podać daty okresu w formacie RRRR-MM-DD.', 'Give the period dates as YYYY-MM-DD.');
  }
  if (to < from) {
    throw badRequest('route.period_reversed', 'Koniec okresu nie może być wcześniejszy niż jego początek.', 'The period cannot end before it starts.');
  }
  if (daysBetween(from, to) + 1 > MAX_PERIOD_DAYS) {
    throw badRequest('route.period_too_long', 'Okres przydziału może trwać najwyżej rok.', 'An assignment period may last a year at most.');
  }
  if (to < today) {
    throw badRequest('route.period_past', 'Okres przydziału już minął.', 'The assignment period is already over.');
  }
}
