/**
 * How much water the demo customers use, month by month, and the register
 * values their meters show. Pure functions of a random generator: a
 * household uses about 3 m³ per person per month, more in summer (gardens,
 * showers) and less in winter; a garden sub-meter runs only from May to
 * September.
 */
import type { Rng } from './random.ts';

const DAY = 86_400_000;

/** Seasonal factor of a calendar month (0 = January): 0.7 in January, 1.3 in July. */
export function seasonFactor(month0: number): number {
  return 1 + 0.3 * Math.cos((2 * Math.PI * (month0 - 6)) / 12);
}

const GARDEN = [0, 0, 0, 0.1, 0.7, 1.1, 1.5, 1.3, 0.6, 0.1, 0, 0];

/** Share of a garden sub-meter's yearly use falling in a month. */
export function gardenFactor(month0: number): number {
  return GARDEN[month0];
}

export type Usage = 'household' | 'garden' | 'steady';

/** Litres used in one month with some noise; `base` is the litres of an average month. */
export function monthlyLitres(rng: Rng, usage: Usage, base: number, month0: number): number {
  const f = usage === 'garden' ? gardenFactor(month0) : usage === 'household' ? seasonFactor(month0) : 0.85 + 0.3 * seasonFactor(month0) / 2;
  return Math.max(0, Math.round(base * f * rng.around1(0.3)));
}

export type ReadingSource = 'remote' | 'reader' | 'customer' | 'installation' | 'removal';

export interface SeriesSpec {
  /** First instant the meter counts (installation or the start of the window). */
  fromMs: number;
  /** Last instant (today or the removal). */
  toMs: number;
  /** Register at fromMs, in litres. */
  startLitres: number;
  usage: Usage;
  baseLitres: number;
  /** Months between readings (the billing period): 1 or 2. */
  everyMonths: 1 | 2;
  radio: boolean;
}

export interface GeneratedReading {
  atMs: number;
  litres: number;
  source: ReadingSource;
}

/**
 * Readings at the end of each reading period between fromMs and toMs:
 * remote readings just after midnight on the first of the month, a reader's
 * visit during the last week of the period (now and then the customer
 * reports it instead). Returns the readings and the register at toMs.
 */
export function readingSeries(rng: Rng, spec: SeriesSpec, sink: (r: GeneratedReading) => void): number {
  const emit = (r: GeneratedReading) => r.atMs < spec.toMs && sink(r);
  let litres = spec.startLitres;
  const from = new Date(spec.fromMs);
  let y = from.getUTCFullYear();
  let m = from.getUTCMonth();
  let periodStart = spec.fromMs;
  let sinceLast = 0;
  // Registers never run backwards: a visit's value is at least the previous reading's.
  let lastEmitted = spec.startLitres;
  for (;;) {
    const monthEnd = Date.UTC(y, m + 1, 1);
    const end = Math.min(monthEnd, spec.toMs);
    // Part of the month the meter counted.
    const share = (end - periodStart) / (monthEnd - Date.UTC(y, m, 1));
    litres += Math.round(monthlyLitres(rng, spec.usage, spec.baseLitres, m) * Math.max(0, share));
    sinceLast++;
    if (monthEnd > spec.toMs) break;
    if (sinceLast >= spec.everyMonths && (y * 12 + m) % spec.everyMonths === 0) {
      sinceLast = 0;
      if (spec.radio) {
        emit({ atMs: monthEnd + (60 + rng.int(0, 240)) * 60_000, litres, source: 'remote' });
        lastEmitted = litres;
      } else {
        // A visit a few days before the period ends: the register then shows a little less.
        const daysBefore = rng.int(1, 6);
        const at = monthEnd - daysBefore * DAY + rng.int(8, 15) * 3_600_000 + rng.int(0, 59) * 60_000;
        const perDay = spec.baseLitres / 30;
        lastEmitted = Math.max(lastEmitted, litres - Math.round(perDay * daysBefore));
        emit({ atMs: at, litres: lastEmitted, source: rng.chance(0.1) ? 'customer' : 'reader' });
      }
    }
    periodStart = monthEnd;
    m++;
    if (m === 12) {
      m = 0;
      y++;
    }
  }
  return litres;
}

/** '1234567' litres → '1234.567' m³ (numeric(12,3) as text). */
export function m3(litres: number): string {
  const s = String(litres).padStart(4, '0');
  return `${s.slice(0, -3)}.${s.slice(-3)}`;
}
