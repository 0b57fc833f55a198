/**
 * Consumption estimated when a meter has no actual closing reading
 * (DOMAIN.md, after the act on collective water supply): the average daily
 * consumption of the 6 months before the period × the days; else that of the
 * same period a year earlier; else the previous calendar year's monthly
 * average × the months concerned. Only actual readings of the same meter
 * count. Readings are end-of-day register values, so a window starts with
 * the reading of the day before its first day (the previous period's close).
 */
import { addMonths, fromDay, monthsNumerator, toDay, type Day } from './calendar.ts';
import { roundDiv } from './decimal.ts';
import type { EstimateMethod, Reading } from './types.ts';

export interface Estimate {
  /** Litres from the opening reading's day to the period's end. */
  quantity: number;
  method: EstimateMethod;
}

/** First and last actual reading in [from, to], when they span at least a day and do not run backwards. */
function span(actual: Reading[], from: Day, to: Day): { first: Reading; last: Reading } | null {
  const inside = actual.filter((r) => r.day >= from && r.day <= to);
  if (inside.length < 2) return null;
  const first = inside[0];
  const last = inside[inside.length - 1];
  return last.day > first.day && last.value >= first.value ? { first, last } : null;
}

/**
 * @param actual the meter's usable actual readings, in date order
 * @param openingDay the day of the reading the estimate continues from
 * @param period the billing period
 */
export function estimateConsumption(actual: Reading[], openingDay: Day, period: { from: Day; to: Day }): Estimate {
  const days = period.to - openingDay;
  const sixMonths = span(actual, addMonths(period.from, -6) - 1, period.from);
  if (sixMonths) {
    const { first, last } = sixMonths;
    return { quantity: roundDiv(BigInt(last.value - first.value) * BigInt(days), last.day - first.day), method: 'six_months' };
  }
  const yearBefore = span(actual, addMonths(period.from, -12) - 1, addMonths(period.to, -12));
  if (yearBefore) {
    const { first, last } = yearBefore;
    return { quantity: roundDiv(BigInt(last.value - first.value) * BigInt(days), last.day - first.day), method: 'year_before' };
  }
  const year = Number(fromDay(period.from).slice(0, 4)) - 1;
  const lastYear = span(actual, toDay(`${year}-01-01`) - 1, toDay(`${year}-12-31`));
  if (lastYear) {
    const { first, last } = lastYear;
    // monthly average × months concerned, both as exact month fractions: (Δ / months of the span) × months of the period
    return {
      quantity: roundDiv(
        BigInt(last.value - first.value) * BigInt(monthsNumerator(openingDay + 1, period.to)),
        monthsNumerator(first.day + 1, last.day),
      ),
      method: 'year_average',
    };
  }
  return { quantity: 0, method: 'none' };
}
