/**
 * A tariff change inside the period splits it into parts by days. Each
 * quantity is shared out in proportion to the days of each part, rounded
 * half up to the litre (0.001 m³), and the last part takes the remainder so
 * that the parts add up to the quantity exactly.
 */
import type { Day } from './calendar.ts';
import { roundDiv } from './decimal.ts';
import type { Tariff } from './types.ts';

export interface Part {
  from: Day;
  to: Day;
  /** null: no tariff in force on these days (they are not billed). */
  tariff: Tariff | null;
}

/** The period cut at every tariff start and end; consecutive parts, covering it whole. Tariffs sorted, not overlapping. */
export function tariffParts(tariffs: Tariff[], period: { from: Day; to: Day }): Part[] {
  const parts: Part[] = [];
  let day = period.from;
  for (const t of tariffs) {
    const end = Math.min(t.to ?? Infinity, period.to);
    if (end < day) continue;
    if (t.from > period.to) break;
    if (t.from > day) parts.push({ from: day, to: t.from - 1, tariff: null });
    const start = Math.max(day, t.from);
    parts.push({ from: start, to: end, tariff: t });
    day = end + 1;
    if (day > period.to) break;
  }
  if (day <= period.to) parts.push({ from: day, to: period.to, tariff: null });
  return parts;
}

/** The quantity's share per part (same order), the last part taking the remainder. */
export function splitByDays(quantity: number, parts: { from: Day; to: Day }[]): number[] {
  const total = parts.reduce((s, p) => s + (p.to - p.from + 1), 0);
  const shares = parts.map((p) => roundDiv(BigInt(quantity) * BigInt(p.to - p.from + 1), total));
  shares[shares.length - 1] = quantity - shares.slice(0, -1).reduce((s, q) => s + q, 0);
  return shares;
}
