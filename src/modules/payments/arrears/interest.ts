/**
 * Statutory late interest on one debt (an invoice's amount), pure: the debt
 * is late from the day after its due date (art. 481 KC: interest "za czas
 * opóźnienia"); each payment lowers it from the day after it was paid (the
 * payment day still counts late: interest runs "do dnia zapłaty"). The time
 * is cut into periods wherever the balance or the rate changes; each
 * period's interest is balance × rate × days / 365 (actual/365, as Polish
 * courts and calculators count, leap years included) rounded half up to the
 * grosz, and the total is the sum of the rounded periods, so a printed
 * interest note adds up line by line.
 *
 * Payments here reduce the debt itself; how a payment is split between
 * interest already charged and principal (art. 451 KC) is the allocation's
 * business, not this calculation's.
 */
import { roundDiv } from '../../billing/engine/decimal.ts';
import { addDays, daysBetween } from './dates.ts';
import { periodIndexOn, type RatePeriod } from './rates.ts';

export interface InterestInput {
  /** The debt in grosze. */
  amount: number;
  dueDate: string;
  /** Payments towards this debt (any order); beyond the debt they change nothing. */
  payments: Array<{ date: string; amount: number }>;
  /** Interest up to and including this day (e.g. the day of the interest note). */
  until: string;
  rates: RatePeriod[];
}

export interface InterestPeriod {
  from: string; // first late day of the period
  to: string; // last day, inclusive
  days: number;
  /** The debt in grosze during the period. */
  balance: number;
  /** Percent a year, hundredths: 1125 = 11.25 %. */
  basisPoints: number;
  /** Interest of the period in grosze, rounded half up. */
  interest: number;
}

export interface InterestResult {
  periods: InterestPeriod[];
  total: number;
  /** The debt still unpaid after `until`. */
  unpaid: number;
}

export class InterestError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Interest in grosze for `days` days on `balance` grosze at `basisPoints` hundredths of a percent a year. */
export const periodInterest = (balance: number, basisPoints: number, days: number) => roundDiv(BigInt(balance) * BigInt(basisPoints) * BigInt(days), 365 * 10_000);

export function lateInterest(input: InterestInput): InterestResult {
  const { amount, dueDate, until, rates } = input;
  if (!Number.isSafeInteger(amount) || amount < 0) throw new InterestError('arrears.bad_amount', 'the debt must be a whole, non-negative number of grosze');
  const firstLate = addDays(dueDate, 1);
  const payments = [...input.payments].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  // Payments made on or before the due date only lower the debt that becomes late.
  let balance = amount;
  for (const p of payments) if (p.date < firstLate) balance = Math.max(0, balance - p.amount);
  const later = payments.filter((p) => p.date >= firstLate);

  const periods: InterestPeriod[] = [];
  let day = firstLate;
  let k = 0;
  while (day <= until && balance > 0) {
    const ri = periodIndexOn(rates, day);
    if (ri < 0) throw new InterestError('arrears.no_rate', `no interest rate applies on ${day}`);
    // The period ends at the earliest of: the day before the next rate, a payment day, `until`.
    let end = until;
    const nextRate = rates[ri + 1]?.validFrom;
    if (nextRate && addDays(nextRate, -1) < end) end = addDays(nextRate, -1);
    const pay = later[k];
    if (pay && pay.date < end) end = pay.date;
    const days = daysBetween(day, end) + 1;
    const bp = rates[ri].basisPoints;
    const last = periods[periods.length - 1];
    if (last && last.balance === balance && last.basisPoints === bp && addDays(last.to, 1) === day) {
      // A rate row with the same rate (e.g. a new half-year at an unchanged rate) does not split a period.
      last.to = end;
      last.days += days;
      last.interest = periodInterest(balance, bp, last.days);
    } else {
      periods.push({ from: day, to: end, days, balance, basisPoints: bp, interest: periodInterest(balance, bp, days) });
    }
    // Payments of the period's last day lower the debt from the next day on.
    while (later[k] && later[k].date <= end) balance = Math.max(0, balance - later[k++].amount);
    day = addDays(end, 1);
  }
  return { periods, total: periods.reduce((s, p) => s + p.interest, 0), unpaid: balance };
}
