/** Civil-date arithmetic and exact decimals under the engine, checked against the platform's UTC calendar and by hand. */
import { describe, expect, it } from 'vitest';
import { addMonths, fromDay, MONTH_DENOMINATOR, monthsNumerator, toDay } from './calendar.ts';
import { formatScaled, parseScaled, roundDiv } from './decimal.ts';

describe('calendar', () => {
  it('numbers every day of 1899–2101 as the UTC calendar does, and reads each back', () => {
    const start = Date.UTC(1899, 0, 1) / 86_400_000;
    const end = Date.UTC(2101, 11, 31) / 86_400_000;
    for (let day = start; day <= end; day++) {
      const iso = new Date(day * 86_400_000).toISOString().slice(0, 10);
      if (toDay(iso) !== day || fromDay(day) !== iso) throw new Error(`${iso}: ${toDay(iso)} / ${fromDay(day)}`);
    }
    expect(toDay('1970-01-01')).toBe(0);
  });

  it('moves by calendar months, to the month end when the day does not exist', () => {
    expect(fromDay(addMonths(toDay('2026-08-31'), -6))).toBe('2026-02-28');
    expect(fromDay(addMonths(toDay('2028-08-31'), -6))).toBe('2028-02-29');
    expect(fromDay(addMonths(toDay('2026-01-15'), -1))).toBe('2025-12-15');
    expect(fromDay(addMonths(toDay('2026-07-01'), -12))).toBe('2025-07-01');
  });

  it('counts months exactly: a whole month is the denominator, 10 days of April a third of it', () => {
    expect(MONTH_DENOMINATOR % 28 + (MONTH_DENOMINATOR % 29) + (MONTH_DENOMINATOR % 30) + (MONTH_DENOMINATOR % 31)).toBe(0);
    expect(monthsNumerator(toDay('2026-02-01'), toDay('2026-02-28'))).toBe(MONTH_DENOMINATOR);
    expect(monthsNumerator(toDay('2026-04-01'), toDay('2026-04-10'))).toBe(MONTH_DENOMINATOR / 3);
    expect(monthsNumerator(toDay('2026-01-01'), toDay('2026-12-31'))).toBe(12 * MONTH_DENOMINATOR);
    expect(monthsNumerator(toDay('2026-01-02'), toDay('2026-01-01'))).toBe(0);
  });
});

describe('exact decimals', () => {
  it('reads decimal text into integers and refuses what is not one', () => {
    expect([parseScaled('135.5', 3), parseScaled('4.20', 2), parseScaled('7', 2), parseScaled('0.001', 3)]).toEqual([135_500, 420, 700, 1]);
    expect([parseScaled('1.2345', 3), parseScaled('-1', 3), parseScaled('1e3', 3), parseScaled('.5', 3), parseScaled('1.', 3), parseScaled(' 1', 3)]).toEqual([null, null, null, null, null, null]);
  });

  it('writes integers back with their places and sign', () => {
    expect([formatScaled(5, 2), formatScaled(-5, 2), formatScaled(135_500, 3), formatScaled(0, 3)]).toEqual(['0.05', '-0.05', '135.500', '0.000']);
  });

  it('rounds half up, away from zero for negatives', () => {
    // 472.5 → 473, 472.4 → 472; a half grosz of a credit goes away from zero too
    expect([roundDiv(4725, 10), roundDiv(4724, 10), roundDiv(-4725, 10), roundDiv(-4724, 10), roundDiv(1, 2), roundDiv(-1, 2)]).toEqual([473, 472, -473, -472, 1, -1]);
    expect([roundDiv(14, 10), roundDiv(15, 10), roundDiv(-15, 10), roundDiv(-14, 10)]).toEqual([1, 2, -2, -1]);
  });
});
