/**
 * The subscription fee, stated per month. For each tariff part and delivery
 * channel in force, the quantity in months is the sum over its days of
 * 1 / (days of that day's month), rounded half up to 0.001 month; a whole
 * calendar month is exactly 1.000, two are 2.000.
 */
import { MONTH_DENOMINATOR, monthsNumerator, type Day } from './calendar.ts';
import { roundDiv } from './decimal.ts';
import type { DeliveryChange, DeliveryChannel } from './types.ts';

/** Thousandths of a month from `from` to `to`, inclusive. */
export function feeMonths(from: Day, to: Day): number {
  return roundDiv(BigInt(monthsNumerator(from, to)) * 1000n, MONTH_DENOMINATOR);
}

/** The channel on a day: the latest change on or before it; paper before the first (no e-invoice consent). */
export function channelOn(delivery: DeliveryChange[], day: Day): DeliveryChannel {
  return delivery.filter((d) => d.from <= day).at(-1)?.channel ?? 'paper';
}

/** The range cut where the delivery channel changes: runs of days with one channel. */
export function channelRuns(delivery: DeliveryChange[], from: Day, to: Day): { from: Day; to: Day; channel: DeliveryChannel }[] {
  const cuts = [from, ...delivery.map((d) => d.from).filter((d) => d > from && d <= to)];
  const runs: { from: Day; to: Day; channel: DeliveryChannel }[] = [];
  cuts.forEach((start, i) => {
    const end = i + 1 < cuts.length ? cuts[i + 1] - 1 : to;
    const channel = channelOn(delivery, start);
    const prev = runs.at(-1);
    if (prev && prev.channel === channel) prev.to = end; // a repeated channel is no change
    else runs.push({ from: start, to: end, channel });
  });
  return runs;
}
