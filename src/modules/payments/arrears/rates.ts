/**
 * The statutory interest rate table as the calculator reads it: for one kind
 * ('consumer' civil-code rate, 'commercial' commercial-transactions rate)
 * the rows ordered by the day each applies from; a row applies until the next.
 * The rows come from the `interest_rates` table (the law's rates, plus any a
 * utility added; a utility's row wins over the law's row of the same day).
 */
import { parseScaled } from '../../billing/engine/decimal.ts';

export type InterestKind = 'consumer' | 'commercial';

export interface RateRow {
  validFrom: string; // YYYY-MM-DD
  /** Percent a year as a decimal string, "11.25". */
  ratePercent: string;
  utilityId?: number | null;
}

export interface RatePeriod {
  validFrom: string;
  /** Hundredths of a percent a year: 11.25 % → 1125. */
  basisPoints: number;
}

/** Sorted periods from table rows: one per day (a utility's row over the global one), the rate in hundredths of a percent. */
export function rateTable(rows: RateRow[]): RatePeriod[] {
  const byDay = new Map<string, RateRow>();
  for (const r of rows) {
    const seen = byDay.get(r.validFrom);
    if (!seen || (seen.utilityId == null && r.utilityId != null)) byDay.set(r.validFrom, r);
  }
  return [...byDay.values()]
    .sort((a, b) => (a.validFrom < b.validFrom ? -1 : 1))
    .map((r) => {
      const bp = parseScaled(String(r.ratePercent), 2);
      if (bp === null) throw new RangeError(`bad interest rate ${r.ratePercent}`);
      return { validFrom: r.validFrom, basisPoints: bp };
    });
}

/** The index of the period that applies on `day`, or -1 when the table starts after it. */
export function periodIndexOn(table: RatePeriod[], day: string): number {
  let found = -1;
  for (let i = 0; i < table.length && table[i].validFrom <= day; i++) found = i;
  return found;
}
