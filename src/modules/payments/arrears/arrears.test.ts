/** The pure arrears rules with figures worked out by hand: late interest, the 40/70/100 EUR compensation, ageing buckets. */
import { describe, expect, it } from 'vitest';
import { ageing, bucketOf, daysPastDue } from './ageing.ts';
import { compensationEur, compensationPln, eurRateMonth } from './compensation.ts';
import { InterestError, lateInterest, periodInterest } from './interest.ts';
import { rateTable } from './rates.ts';

// The consumer (civil-code) rates around 2026 as the migration has them.
const consumer = rateTable([
  { validFrom: '2025-11-06', ratePercent: '9.75' },
  { validFrom: '2025-12-04', ratePercent: '9.50' },
  { validFrom: '2026-03-05', ratePercent: '9.25' },
]);

describe('late interest (actual/365, half up to the grosz per period)', () => {
  it('one rate: 1,000.00 zł due 15 January, until 14 February = 30 late days at 9.50 %', () => {
    // 1000 × 0.095 × 30 / 365 = 7.8082 → 7.81 zł
    const r = lateInterest({ amount: 100_000, dueDate: '2026-01-15', payments: [], until: '2026-02-14', rates: consumer });
    expect(r).toEqual({ periods: [{ from: '2026-01-16', to: '2026-02-14', days: 30, balance: 100_000, basisPoints: 950, interest: 781 }], total: 781, unpaid: 100_000 });
  });

  it('a rate change and a partial payment split the time; the payment day still counts late', () => {
    const r = lateInterest({ amount: 200_000, dueDate: '2026-02-20', payments: [{ date: '2026-03-20', amount: 50_000 }], until: '2026-04-10', rates: consumer });
    expect(r.periods).toEqual([
      // 21 Feb – 4 Mar: 8 + 4 = 12 days, 2000 × 0.095 × 12 / 365 = 6.2466 → 6.25
      { from: '2026-02-21', to: '2026-03-04', days: 12, balance: 200_000, basisPoints: 950, interest: 625 },
      // 5 – 20 Mar: 16 days, 2000 × 0.0925 × 16 / 365 = 8.1096 → 8.11
      { from: '2026-03-05', to: '2026-03-20', days: 16, balance: 200_000, basisPoints: 925, interest: 811 },
      // 21 Mar – 10 Apr: 11 + 10 = 21 days on 1500, 1500 × 0.0925 × 21 / 365 = 7.9829 → 7.98
      { from: '2026-03-21', to: '2026-04-10', days: 21, balance: 150_000, basisPoints: 925, interest: 798 },
    ]);
    expect(r.total).toBe(2234);
    expect(r.unpaid).toBe(150_000);
  });

  it('rounds half up: 18.25 zł at 10 % for one day is exactly half a grosz → 0.01 zł', () => {
    expect(periodInterest(1825, 1000, 1)).toBe(1);
    expect(periodInterest(1824, 1000, 1)).toBe(0);
  });

  it('nothing before the first late day; paid on the due date, no interest; paid in full, interest stops', () => {
    const base = { amount: 100_000, dueDate: '2026-01-15', rates: consumer };
    expect(lateInterest({ ...base, payments: [], until: '2026-01-15' })).toEqual({ periods: [], total: 0, unpaid: 100_000 });
    expect(lateInterest({ ...base, payments: [{ date: '2026-01-15', amount: 100_000 }], until: '2026-03-01' }).total).toBe(0);
    // Paid in two parts, the second (with 10 zł too much) on 25 January: 10 days late on 1000, 5 of them on 600.
    // 16–20 Jan: 1000 × 0.095 × 5 / 365 = 1.3014 → 1.30; 21–25 Jan: 600 × 0.095 × 5 / 365 = 0.7808 → 0.78
    const r = lateInterest({ ...base, payments: [{ date: '2026-01-25', amount: 61_000 }, { date: '2026-01-20', amount: 40_000 }], until: '2026-03-01' });
    expect(r.periods.map((p) => [p.from, p.to, p.balance, p.interest])).toEqual([
      ['2026-01-16', '2026-01-20', 100_000, 130],
      ['2026-01-21', '2026-01-25', 60_000, 78],
    ]);
    expect(r.unpaid).toBe(0);
  });

  it('a new half-year at an unchanged commercial rate does not split the period', () => {
    const commercial = rateTable([
      { validFrom: '2024-01-01', ratePercent: '15.75' },
      { validFrom: '2024-07-01', ratePercent: '15.75' },
    ]);
    // 21 Jun – 10 Jul 2024: 10 + 10 = 20 days, 10000 × 0.1575 × 20 / 365 = 86.3014 → 86.30
    const r = lateInterest({ amount: 1_000_000, dueDate: '2024-06-20', payments: [], until: '2024-07-10', rates: commercial });
    expect(r.periods).toEqual([{ from: '2024-06-21', to: '2024-07-10', days: 20, balance: 1_000_000, basisPoints: 1575, interest: 8630 }]);
  });

  it("a utility's own row wins over the law's row of the same day; no rate for a day is an error", () => {
    expect(rateTable([{ validFrom: '2026-01-01', ratePercent: '9.50', utilityId: null }, { validFrom: '2026-01-01', ratePercent: '9.00', utilityId: 7 }])).toEqual([{ validFrom: '2026-01-01', basisPoints: 900 }]);
    expect(() => lateInterest({ amount: 100, dueDate: '2025-01-01', payments: [], until: '2025-02-01', rates: consumer })).toThrow(InterestError);
  });
});

describe('recovery compensation for businesses (40/70/100 EUR)', () => {
  it('by the amount: up to 5,000 zł 40, above it and below 50,000 zł 70, from 50,000 zł 100; before 2020 always 40', () => {
    expect(compensationEur(500_000, '2026-03-16')).toBe(40);
    expect(compensationEur(500_001, '2026-03-16')).toBe(70);
    expect(compensationEur(4_999_999, '2026-03-16')).toBe(70);
    expect(compensationEur(5_000_000, '2026-03-16')).toBe(100);
    expect(compensationEur(6_000_000, '2019-12-31')).toBe(40);
  });
  it('in złote at the EUR rate of the month before the due month, half up to the grosz', () => {
    expect(eurRateMonth('2026-03-16')).toBe('2026-02');
    expect(eurRateMonth('2026-01-05')).toBe('2025-12');
    // 40 × 4.2693 = 170.772 → 170.77 zł; 70 × 4.2693 = 298.851 → 298.85 zł; 100 × 4,2185 = 421.85 zł
    expect(compensationPln(100_000, '2026-03-16', '4.2693')).toEqual({ eur: 40, grosze: 17_077 });
    expect(compensationPln(1_000_000, '2026-03-16', '4.2693')).toEqual({ eur: 70, grosze: 29_885 });
    expect(compensationPln(9_000_000, '2026-03-16', '4,2185')).toEqual({ eur: 100, grosze: 42_185 });
    expect(() => compensationPln(100, '2026-03-16', 'abc')).toThrow(RangeError);
  });
});

describe('ageing buckets', () => {
  it('puts each open amount into the bucket of its days past due on the report day', () => {
    expect(daysPastDue('2026-11-07', '2026-12-07')).toBe(30);
    expect([0, 1, 30, 31, 60, 61, 90, 91, 180, 181, 365, 366, -5].map((d) => bucketOf(d))).toEqual([
      'current', 'd1_30', 'd1_30', 'd31_60', 'd31_60', 'd61_90', 'd61_90', 'd91_180', 'd91_180', 'd181_365', 'd181_365', 'over365', 'current',
    ]);
    const r = ageing(
      [
        { dueDate: '2026-12-07', open: 100 }, // due today: not overdue
        { dueDate: '2027-01-01', open: 200 },
        { dueDate: '2026-12-06', open: 300 }, // 1 day
        { dueDate: '2026-11-06', open: 400 }, // 31 days
        { dueDate: '2025-12-06', open: 500 }, // 366 days
        { dueDate: '2025-12-06', open: 0 },
      ],
      '2026-12-07',
    );
    expect(r).toEqual({ buckets: { current: 300, d1_30: 300, d31_60: 400, d61_90: 0, d91_180: 0, d181_365: 0, over365: 500 }, total: 1500, overdue: 1200 });
  });
});
