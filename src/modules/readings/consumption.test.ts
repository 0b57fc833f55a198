import { describe, expect, it } from 'vitest';
import { costOf, monthlyConsumption, splitProportionally, yearEarlier } from './consumption.ts';

describe('monthlyConsumption', () => {
  it('splits the water between two readings across months by days', () => {
    // 1 Jan → 1 Mar: 59 days (31 in January, 28 in February), 5.900 m³.
    const r = monthlyConsumption([[{ date: '2026-01-01', litres: 100_000 }, { date: '2026-03-01', litres: 105_900 }]], '2026-01-01', '2026-03-31');
    expect(r.months).toEqual([
      { month: '2026-01', litres: 3100, coveredDays: 31, days: 31 },
      { month: '2026-02', litres: 2800, coveredDays: 28, days: 28 },
      { month: '2026-03', litres: 0, coveredDays: 0, days: 31 },
    ]);
    expect(r.totalLitres).toBe(5900);
    expect(r.coveredDays).toBe(59);
    expect(r.days).toBe(90);
    expect(r.dailyAverageLitres).toBe(100);
  });

  it('keeps every litre of an interval when rounding (largest remainder)', () => {
    const r = monthlyConsumption([[{ date: '2026-01-30', litres: 0 }, { date: '2026-02-02', litres: 1000 }]], '2026-01-01', '2026-02-28');
    // 3 days: 30, 31 January and 1 February → 667 + 333.
    expect(r.months.map((m) => m.litres)).toEqual([667, 333]);
    expect(r.totalLitres).toBe(1000);
  });

  it('counts only the part of an interval inside the range', () => {
    const r = monthlyConsumption([[{ date: '2025-12-22', litres: 0 }, { date: '2026-01-11', litres: 2000 }]], '2026-01-01', '2026-01-31');
    // 20 days, 10 of them in the range.
    expect(r.months).toEqual([{ month: '2026-01', litres: 1000, coveredDays: 10, days: 31 }]);
  });

  it('adds the old and the new meter of an exchange, each from its own registers', () => {
    const old = [{ date: '2026-01-01', litres: 900_000 }, { date: '2026-01-16', litres: 901_500 }];
    const fresh = [{ date: '2026-01-16', litres: 0 }, { date: '2026-02-01', litres: 1600 }];
    const r = monthlyConsumption([old, fresh], '2026-01-01', '2026-01-31');
    expect(r.totalLitres).toBe(3100);
    expect(r.coveredDays).toBe(31);
  });

  it('treats a decrease as nothing used and two readings on one day as that day', () => {
    const r = monthlyConsumption([[{ date: '2026-01-05', litres: 5000 }, { date: '2026-01-05', litres: 5200 }, { date: '2026-01-10', litres: 5100 }]], '2026-01-01', '2026-01-31');
    expect(r.totalLitres).toBe(200);
  });

  it('says no average when nothing is covered, and refuses a reversed range', () => {
    expect(monthlyConsumption([], '2026-01-01', '2026-01-31').dailyAverageLitres).toBeNull();
    expect(() => monthlyConsumption([], '2026-02-01', '2026-01-31')).toThrow(RangeError);
  });
});

describe('helpers', () => {
  it('splits proportionally without losing a unit', () => {
    expect(splitProportionally(10, [1, 1, 1])).toEqual([4, 3, 3]);
    expect(splitProportionally(0, [0, 0])).toEqual([0, 0]);
  });
  it('goes back a year, 29 February to 28 February', () => {
    expect(yearEarlier('2028-02-29')).toBe('2027-02-28');
    expect(yearEarlier('2026-12-07')).toBe('2025-12-07');
  });
  it('costs water and sewage in grosze with VAT on the net sum', () => {
    // 12.345 m³ × (5.20 + 7.10 zł) = 64.19 + 87.65 = 151.84 net; 8% = 12.15 VAT.
    expect(costOf(12_345, [520, 710], 8)).toEqual({ netGrosze: 15_184, vatGrosze: 1215, grossGrosze: 16_399 });
  });
});
