/**
 * Consumption per month from register readings: pure, exact (integer
 * litres), no clock. Between two consecutive readings of one meter the
 * water used (the difference of the registers) is spread evenly over the
 * days from the first reading's day up to (not including) the second's; a
 * month gets the share of its days, rounded by the largest remainder so that
 * the parts of one interval add up to exactly its difference. A meter
 * exchange is two series (the old meter's to its final reading, the new
 * one's from its initial reading), each counted on its own.
 */

export interface RegisterPoint {
  /** The civil date (utility's time zone) the register was read, 'YYYY-MM-DD'. */
  date: string;
  /** The register in litres (0.001 m³). */
  litres: number;
}

export interface MonthConsumption {
  /** 'YYYY-MM' */
  month: string;
  litres: number;
  /** Days of this month inside the range for which readings tell the consumption. */
  coveredDays: number;
  /** Days of this month inside the range. */
  days: number;
}

export interface ConsumptionResult {
  months: MonthConsumption[];
  totalLitres: number;
  coveredDays: number;
  days: number;
  /** Litres per day over the covered days (rounded), null when no day is covered. */
  dailyAverageLitres: number | null;
}

const DAY = 86_400_000;
const dayNumber = (date: string) => Date.parse(`${date}T00:00:00Z`) / DAY;
const dateOf = (day: number) => new Date(day * DAY).toISOString().slice(0, 10);
const monthOf = (day: number) => dateOf(day).slice(0, 7);

/** Splits `total` into integer parts proportional to `weights` (largest remainder; ties to the earlier part). */
export function splitProportionally(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum === 0) return weights.map(() => 0);
  const exact = weights.map((w) => (total * w) / sum);
  const parts = exact.map(Math.floor);
  let left = total - parts.reduce((a, b) => a + b, 0);
  const order = exact.map((e, i) => ({ i, r: e - Math.floor(e) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (let k = 0; left > 0; k = (k + 1) % order.length, left--) parts[order[k].i]++;
  return parts;
}

/**
 * Monthly consumption inside [from, to] (civil dates, both included) from one
 * or more meters' series of readings (each sorted or not; a decrease inside
 * a series counts as nothing used).
 */
export function monthlyConsumption(series: RegisterPoint[][], from: string, to: string): ConsumptionResult {
  const first = dayNumber(from);
  const last = dayNumber(to);
  if (!(last >= first)) throw new RangeError('from must not be after to');
  const months = new Map<string, MonthConsumption>();
  for (let d = first; d <= last; d++) {
    const m = monthOf(d);
    const row = months.get(m) ?? { month: m, litres: 0, coveredDays: 0, days: 0 };
    row.days++;
    months.set(m, row);
  }
  const covered = new Set<number>();
  for (const points of series) {
    const sorted = [...points].sort((a, b) => a.date.localeCompare(b.date));
    for (let i = 1; i < sorted.length; i++) {
      const d0 = dayNumber(sorted[i - 1].date);
      const d1 = dayNumber(sorted[i].date);
      const used = Math.max(sorted[i].litres - sorted[i - 1].litres, 0);
      // Two readings on one day: what was used between them belongs to that day.
      const end = Math.max(d1, d0 + 1);
      if (end <= first || d0 > last) continue;
      // Buckets: each month inside the range, and one for the days outside it.
      const keys: string[] = [];
      const weights: number[] = [];
      for (let d = d0; d < end; d++) {
        const key = d >= first && d <= last ? monthOf(d) : '';
        if (key) covered.add(d);
        const at = keys.indexOf(key);
        if (at < 0) {
          keys.push(key);
          weights.push(1);
        } else weights[at]++;
      }
      const parts = splitProportionally(used, weights);
      keys.forEach((k, j) => {
        if (k) months.get(k)!.litres += parts[j];
      });
    }
  }
  for (const d of covered) months.get(monthOf(d))!.coveredDays++;
  const list = [...months.values()];
  const totalLitres = list.reduce((a, m) => a + m.litres, 0);
  const coveredDays = covered.size;
  return {
    months: list,
    totalLitres,
    coveredDays,
    days: last - first + 1,
    dailyAverageLitres: coveredDays ? Math.round(totalLitres / coveredDays) : null,
  };
}

/** The same range one year earlier (29 February becomes 28 February). */
export function yearEarlier(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  const day = m === 2 && d === 29 ? 28 : d;
  return `${y - 1}-${String(m).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * The cost of a volume at net prices per m³ (grosze), VAT added on the net
 * sum: all in integer grosze, half up.
 */
export function costOf(litres: number, netPricesGrosze: number[], vatPercent: number): { netGrosze: number; vatGrosze: number; grossGrosze: number } {
  const net = netPricesGrosze.reduce((sum, price) => sum + Math.round((litres * price) / 1000), 0);
  const vat = Math.round((net * vatPercent) / 100);
  return { netGrosze: net, vatGrosze: vat, grossGrosze: net + vat };
}
