/**
 * The invoice document's integer arithmetic: half-up rounding at exactly
 * half a grosz, VAT per rate on the rate's net sum (not per line), and a
 * correction's difference per rate. Expected values are worked by hand.
 */
import { describe, expect, it } from 'vitest';
import { computeTotals, differenceOf, lineNet, mulDivHalfUp, type InvoiceLine } from './invoice-document.ts';

const line = (quantity: number, unitPrice: number, vatRate: 23 | 8 | 5): InvoiceLine => ({
  name: 'x',
  quantity,
  unit: 'm3',
  unitPrice,
  net: lineNet(quantity, unitPrice),
  vatRate,
});

describe('half-up rounding in integers', () => {
  it('a line at exactly half a grosz rounds up: 1.125 m³ × 4.20 = 4.725 → 4.73; 1.124 m³ → 4.7208 → 4.72', () => {
    expect(lineNet(1125, 420)).toBe(473);
    expect(lineNet(1124, 420)).toBe(472);
  });

  it('a negative half (settling an estimate) rounds away from zero: −1.125 m³ × 4.20 → −4.73', () => {
    expect(lineNet(-1125, 420)).toBe(-473);
  });

  it('VAT at exactly half a grosz rounds up: 23 % of 0.50 = 0.115 → 0.12; 23 % of 0.49 = 0.1127 → 0.11', () => {
    expect(mulDivHalfUp(50, 23, 100)).toBe(12);
    expect(mulDivHalfUp(49, 23, 100)).toBe(11);
  });

  it('refuses an amount no utility bills rather than lose a grosz (the engine\'s arithmetic, shared)', () => {
    expect(() => mulDivHalfUp(2 ** 40, 2 ** 20, 100)).toThrow(expect.objectContaining({ code: 'billing.too_large' }));
  });
});

describe('totals per rate', () => {
  it('VAT is computed on each rate’s net sum, not per line: three 8 % lines of 0.06 net give VAT 0.01, not 3 × 0.00', () => {
    // 0.060 m³ × 1.00 = 0.06 each; 8 % of 0.18 = 0.0144 → 0.01, while 8 % of 0.06 = 0.0048 → 0.00 per line.
    const t = computeTotals([line(60, 100, 8), line(60, 100, 8), line(60, 100, 8)]);
    expect(t).toEqual({ byRate: [{ vatRate: 8, net: 18, vat: 1 }], net: 18, vat: 1, gross: 19 });
  });

  it('rates are listed 23, 8, 5 whatever the line order, and gross is net + VAT of all rates', () => {
    // 5 %: 2.000 × 10.00 = 20.00 → VAT 1.00; 8 %: 1.000 × 4.50 = 4.50 → 0.36; 23 %: 1.000 × 85.00 → 19.55.
    const t = computeTotals([line(2000, 1000, 5), line(1000, 450, 8), line(1000, 8500, 23)]);
    expect(t.byRate.map((r) => [r.vatRate, r.net, r.vat])).toEqual([
      [23, 8500, 1955],
      [8, 450, 36],
      [5, 2000, 100],
    ]);
    expect([t.net, t.vat, t.gross]).toEqual([10950, 2091, 13041]);
  });

  it('a correction’s difference is after − before per rate, a rate present on one side only counting as zero on the other', () => {
    const before = computeTotals([line(40000, 450, 8), line(1000, 8500, 23)]); // 8 %: 180.00 / 14.40; 23 %: 85.00 / 19.55
    const after = computeTotals([line(30000, 450, 8)]); // 8 %: 135.00 / 10.80
    expect(differenceOf(before, after)).toEqual({
      byRate: [
        { vatRate: 23, net: -8500, vat: -1955 },
        { vatRate: 8, net: -4500, vat: -360 },
      ],
      net: -13000,
      vat: -2315,
      gross: -15315,
    });
  });
});
