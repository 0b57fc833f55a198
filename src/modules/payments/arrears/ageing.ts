/**
 * Ageing of open debts for the arrears report: each open amount goes into the
 * bucket of how many days past its due date it is on the report day. The
 * default buckets are the usual ones of Polish receivables reports
 * (nieprzeterminowane, 1–30, 31–60, 61–90, 91–180, 181–365, ponad 365 dni).
 */
import { daysBetween } from './dates.ts';

export interface Bucket {
  key: string;
  /** Days past due, inclusive; `from` 0 or less means "not yet due" (0 = due today). */
  from: number;
  to: number | null;
}

export const DEFAULT_BUCKETS: Bucket[] = [
  { key: 'current', from: Number.NEGATIVE_INFINITY, to: 0 },
  { key: 'd1_30', from: 1, to: 30 },
  { key: 'd31_60', from: 31, to: 60 },
  { key: 'd61_90', from: 61, to: 90 },
  { key: 'd91_180', from: 91, to: 180 },
  { key: 'd181_365', from: 181, to: 365 },
  { key: 'over365', from: 366, to: null },
];

export interface OpenItem {
  dueDate: string;
  /** Open (unpaid) amount in grosze. */
  open: number;
}

/** Days past due on `asOf` (negative while not yet due). */
export const daysPastDue = (dueDate: string, asOf: string) => daysBetween(dueDate, asOf);

export function bucketOf(days: number, buckets: Bucket[] = DEFAULT_BUCKETS): string {
  const b = buckets.find((x) => days >= x.from && (x.to === null || days <= x.to));
  if (!b) throw new RangeError(`no bucket for ${days} days`);
  return b.key;
}

/** Sums of the open amounts per bucket (every bucket present, 0 when empty) and the total; items with nothing open are skipped. */
export function ageing(items: OpenItem[], asOf: string, buckets: Bucket[] = DEFAULT_BUCKETS): { buckets: Record<string, number>; total: number; overdue: number } {
  const sums: Record<string, number> = Object.fromEntries(buckets.map((b) => [b.key, 0]));
  let total = 0;
  let overdue = 0;
  for (const it of items) {
    if (it.open <= 0) continue;
    const days = daysPastDue(it.dueDate, asOf);
    sums[bucketOf(days, buckets)] += it.open;
    total += it.open;
    if (days > 0) overdue += it.open;
  }
  return { buckets: sums, total, overdue };
}
