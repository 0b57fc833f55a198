/**
 * The billing engine on worked examples. Every expected figure is computed
 * by hand in the comment beside it (never by the engine's own functions),
 * so a change of rule shows up here as a wrong number.
 */
import { describe, expect, it } from 'vitest';
import { bill, billDifference, parseBillingInput, simulate } from './index.ts';

type Doc = Record<string, unknown>;
const tariff = (from: string, to: string | null, over: Doc = {}) => ({
  from, ...(to && { to }), water: '4.20', sewage: '6.80', feePaper: '6.00', feeEinvoice: '3.60', vat: 8, ...over,
});
const r = (date: string, value: string, over: Doc = {}) => ({ date, value, ...over });
const doc = (over: Doc): Doc => ({
  period: { from: '2026-05-01', to: '2026-06-30' },
  services: ['water', 'sewage'],
  delivery: [{ from: '2020-01-01', channel: 'paper' }],
  tariffs: [tariff('2025-01-01', null)],
  meters: [],
  ...over,
});
/** Lines as compact tuples: item, from, to, quantity, price, net. */
const lines = (out: ReturnType<typeof simulate>) => out.lines.map((l) => [l.item, l.from, l.to, l.quantity, l.price, l.net]);
const codes = (out: ReturnType<typeof simulate>) => out.warnings.map((w) => w.code);

describe('billing engine: worked examples', () => {
  it('splits water and sewage by days at a tariff change, the last part taking the remainder; garden meter deducted; fee per tariff part and channel', () => {
    const out = simulate(doc({
      period: { from: '2026-01-01', to: '2026-02-28' }, // 31 + 28 = 59 days
      delivery: [{ from: '2020-01-01', channel: 'paper' }, { from: '2026-02-01', channel: 'einvoice' }],
      tariffs: [tariff('2025-06-01', '2026-01-20'), tariff('2026-01-21', null, { water: '4.50', sewage: '7.10' })],
      meters: [
        { serial: 'A1', role: 'main', readings: [r('2025-12-31', '120.000'), r('2026-02-28', '135.500')] },
        { serial: 'G1', role: 'garden', readings: [r('2025-12-31', '10.000'), r('2026-02-28', '12.250')] },
      ],
    }));
    expect(lines(out)).toEqual([
      // water 135.500 − 120.000 = 15.500; 20 days of 59: 15.500 × 20 / 59 = 5.25423… → 5.254; rest 15.500 − 5.254 = 10.246
      ['water', '2026-01-01', '2026-01-20', '5.254', '4.20', '22.07'], // 5.254 × 4.20 = 22.0668 → 22.07
      ['water', '2026-01-21', '2026-02-28', '10.246', '4.50', '46.11'], // 10.246 × 4.50 = 46.107 → 46.11
      // sewage 15.500 − (12.250 − 10.000) = 13.250; 13.250 × 20 / 59 = 4.49152… → 4.492; rest 8.758
      ['sewage', '2026-01-01', '2026-01-20', '4.492', '6.80', '30.55'], // 4.492 × 6.80 = 30.5456 → 30.55
      ['sewage', '2026-01-21', '2026-02-28', '8.758', '7.10', '62.18'], // 8.758 × 7.10 = 62.1818 → 62.18
      ['fee', '2026-01-01', '2026-01-20', '0.645', '6.00', '3.87'], // 20/31 = 0.64516 → 0.645 × 6.00 = 3.87
      ['fee', '2026-01-21', '2026-01-31', '0.355', '6.00', '2.13'], // 11/31 = 0.35484 → 0.355 × 6.00 = 2.13
      ['fee', '2026-02-01', '2026-02-28', '1.000', '3.60', '3.60'], // e-invoice from February: 28/28 = 1.000 × 3.60
    ]);
    // 22.07 + 46.11 + 30.55 + 62.18 + 3.87 + 2.13 + 3.60 = 170.51; VAT 8 % = 13.6408 → 13.64
    expect([out.net, out.vat, out.gross, out.estimated, out.warnings]).toEqual(['170.51', '13.64', '184.15', false, []]);
    expect(out.lines.every((l) => l.vat === 8 && l.unit === (l.item === 'fee' ? 'month' : 'm3'))).toBe(true);
  });

  it('adds an exchanged meter (final − opening) to the new one (closing − initial)', () => {
    const out = simulate(doc({
      period: { from: '2026-03-01', to: '2026-04-30' },
      meters: [
        { serial: 'OLD', role: 'main', readings: [r('2026-02-28', '500.000'), r('2026-03-15', '507.300')] },
        { serial: 'NEW', role: 'main', readings: [r('2026-03-15', '0.000'), r('2026-04-30', '9.450')] },
      ],
    }));
    expect(lines(out)).toEqual([
      // (507.300 − 500.000) + (9.450 − 0.000) = 7.300 + 9.450 = 16.750
      ['water', '2026-03-01', '2026-04-30', '16.750', '4.20', '70.35'], // 16.750 × 4.20 = 70.35
      ['sewage', '2026-03-01', '2026-04-30', '16.750', '6.80', '113.90'], // 16.750 × 6.80 = 113.90
      ['fee', '2026-03-01', '2026-04-30', '2.000', '6.00', '12.00'], // March 1 + April 1
    ]);
    // 70.35 + 113.90 + 12.00 = 196.25; × 8 % = 15.70
    expect([out.net, out.vat, out.gross]).toEqual(['196.25', '15.70', '211.95']);
    expect(out.warnings).toEqual([]);
  });

  it('does not estimate a meter exchanged on the day the period starts, but does estimate one exchanged after the period', () => {
    const atStart = simulate(doc({
      period: { from: '2026-03-01', to: '2026-04-30' },
      services: ['water'],
      meters: [
        { serial: 'OLD', role: 'main', readings: [r('2025-12-31', '480.000'), r('2026-02-28', '500.000')] },
        { serial: 'NEW', role: 'main', readings: [r('2026-02-28', '0.000'), r('2026-04-30', '4.000')] },
      ],
    }));
    expect([lines(atStart)[0][3], atStart.estimated, atStart.warnings]).toEqual(['4.000', false, []]); // 4.000 − 0.000 on the new meter only
    const after = simulate(doc({
      period: { from: '2026-03-01', to: '2026-04-30' },
      services: ['water'],
      meters: [
        { serial: 'OLD', role: 'main', readings: [r('2025-10-31', '470.000'), r('2025-12-31', '480.000'), r('2026-02-28', '490.000'), r('2026-05-20', '503.000')] },
        { serial: 'NEW', role: 'main', readings: [r('2026-05-20', '0.000')] },
      ],
    }));
    // no reading of OLD between 1 March and 30 April: 6 months before (31 Aug…1 Mar: 31 Oct 470.000 → 28 Feb 490.000,
    // 20.000 in 120 days) × 61 days (28 Feb → 30 Apr) = 10.1666… → 10.167
    expect([lines(after)[0][3], after.estimated]).toEqual(['10.167', true]);
  });

  const main = { serial: 'M', role: 'main', readings: [r('2026-04-30', '200.000'), r('2026-06-30', '230.000')] };
  const garden = { serial: 'G', role: 'garden', readings: [r('2026-04-30', '50.000'), r('2026-06-30', '55.500')] };

  it('deducts a garden sub-meter from sewage', () => {
    const out = simulate(doc({ meters: [main, garden] }));
    expect(lines(out)).toEqual([
      ['water', '2026-05-01', '2026-06-30', '30.000', '4.20', '126.00'], // 230 − 200 = 30 × 4.20
      ['sewage', '2026-05-01', '2026-06-30', '24.500', '6.80', '166.60'], // 30 − 5.5 = 24.5 × 6.80
      ['fee', '2026-05-01', '2026-06-30', '2.000', '6.00', '12.00'],
    ]);
    // 126.00 + 166.60 + 12.00 = 304.60; × 8 % = 24.368 → 24.37
    expect([out.net, out.vat, out.gross]).toEqual(['304.60', '24.37', '328.97']);
  });

  it('never takes sewage below zero when garden meters measured more than the main meter', () => {
    const bigGarden = { ...garden, readings: [r('2026-04-30', '50.000'), r('2026-06-30', '90.000')] }; // 40 > 30
    const out = simulate(doc({ meters: [main, bigGarden] }));
    expect(lines(out)[1]).toEqual(['sewage', '2026-05-01', '2026-06-30', '0.000', '6.80', '0.00']);
    expect(codes(out)).toEqual(['sewage.garden_exceeds_water']);
  });

  it("bills a sewage meter's own consumption, and then garden meters do not count", () => {
    const sewer = { serial: 'S', role: 'sewage', readings: [r('2026-04-30', '10.000'), r('2026-06-30', '22.000')] };
    const out = simulate(doc({ meters: [main, garden, sewer] }));
    expect(lines(out)[1]).toEqual(['sewage', '2026-05-01', '2026-06-30', '12.000', '6.80', '81.60']); // 22 − 10 = 12 × 6.80
    // 126.00 + 81.60 + 12.00 = 219.60; × 8 % = 17.568 → 17.57
    expect([out.net, out.vat, out.gross]).toEqual(['219.60', '17.57', '237.17']);
  });

  it('reads amounts and readings given as JSON numbers, and a VAT rate given as text, as the same decimals', () => {
    const asText = simulate(doc({ meters: [main, garden] }));
    const asNumbers = simulate(doc({
      tariffs: [{ from: '2025-01-01', water: 4.2, sewage: 6.8, feePaper: 6, feeEinvoice: 3.6, vat: '8' }],
      meters: [{ ...main, readings: [r('2026-04-30', 200 as unknown as string), r('2026-06-30', 230 as unknown as string)] }, garden],
    }));
    expect(asNumbers).toEqual(asText);
  });

  it('bills water only (no sewage line), the fee still charged', () => {
    const out = simulate(doc({ services: ['water'], meters: [main, garden] }));
    expect(lines(out)).toEqual([
      ['water', '2026-05-01', '2026-06-30', '30.000', '4.20', '126.00'],
      ['fee', '2026-05-01', '2026-06-30', '2.000', '6.00', '12.00'],
    ]);
    // 138.00 × 8 % = 11.04
    expect([out.net, out.vat, out.gross]).toEqual(['138.00', '11.04', '149.04']);
  });

  it('charges the fee at 6.00 on paper days and 3.60 on e-invoice days when delivery changes mid-period', () => {
    const out = simulate(doc({ delivery: [{ from: '2020-01-01', channel: 'paper' }, { from: '2026-06-01', channel: 'einvoice' }], meters: [main] }));
    expect(lines(out).slice(2)).toEqual([
      ['fee', '2026-05-01', '2026-05-31', '1.000', '6.00', '6.00'],
      ['fee', '2026-06-01', '2026-06-30', '1.000', '3.60', '3.60'],
    ]);
    // 126.00 + 204.00 (30 × 6.80) + 6.00 + 3.60 = 339.60; × 8 % = 27.168 → 27.17
    expect([out.net, out.vat, out.gross]).toEqual(['339.60', '27.17', '366.77']);
  });

  it('estimates from the 6 months before without an actual closing reading, and the next actual reading settles the difference', () => {
    const history = [r('2025-12-31', '100.000'), r('2026-02-28', '106.000'), r('2026-04-30', '112.100'), r('2026-06-30', '118.000')];
    const first = simulate(doc({ period: { from: '2026-07-01', to: '2026-08-31' }, meters: [{ serial: 'M', role: 'main', readings: history }] }), { basis: true });
    // 6 months before 1 July: 31 Dec (100.000) to 30 June (118.000): 18.000 m³ in 181 days;
    // 30 June → 31 August = 62 days: 18.000 × 62 / 181 = 6.16574… → 6.166
    expect(lines(first)).toEqual([
      ['water', '2026-07-01', '2026-08-31', '6.166', '4.20', '25.90'], // 6.166 × 4.20 = 25.8972 → 25.90
      ['sewage', '2026-07-01', '2026-08-31', '6.166', '6.80', '41.93'], // 6.166 × 6.80 = 41.9288 → 41.93
      ['fee', '2026-07-01', '2026-08-31', '2.000', '6.00', '12.00'],
    ]);
    // 25.90 + 41.93 + 12.00 = 79.83; × 8 % = 6.3864 → 6.39
    expect([first.net, first.vat, first.gross, first.estimated]).toEqual(['79.83', '6.39', '86.22', true]);
    expect(first.lines.map((l) => 'estimated' in l)).toEqual([true, true, false]);
    expect(codes(first)).toEqual(['consumption.estimated']);
    expect(first.basis?.[0].closing).toEqual({ date: '2026-08-31', value: '124.166', source: 'estimated' }); // 118.000 + 6.166

    // Next period: the estimate is stored as an estimated reading; the actual 127.000 settles it: 127.000 − 124.166 = 2.834
    const withEstimate = [...history, r('2026-08-31', '124.166', { source: 'estimated' })];
    const next = simulate(doc({ period: { from: '2026-09-01', to: '2026-10-31' }, meters: [{ serial: 'M', role: 'main', readings: [...withEstimate, r('2026-10-31', '127.000')] }] }));
    expect(lines(next).slice(0, 2)).toEqual([
      ['water', '2026-09-01', '2026-10-31', '2.834', '4.20', '11.90'], // 2.834 × 4.20 = 11.9028 → 11.90 (6.166 + 2.834 = 9.000 used since June)
      ['sewage', '2026-09-01', '2026-10-31', '2.834', '6.80', '19.27'], // 2.834 × 6.80 = 19.2712 → 19.27
    ]);
    // 11.90 + 19.27 + 12.00 = 43.17; × 8 % = 3.4536 → 3.45
    expect([next.net, next.vat, next.gross, next.estimated, next.warnings]).toEqual(['43.17', '3.45', '46.62', false, []]);

    // An estimate that was too high: 122.000 − 124.166 = −2.166, credited, no "lower reading" alarm
    const credit = simulate(doc({ period: { from: '2026-09-01', to: '2026-10-31' }, meters: [{ serial: 'M', role: 'main', readings: [...withEstimate, r('2026-10-31', '122.000')] }] }));
    expect(lines(credit).slice(0, 2)).toEqual([
      ['water', '2026-09-01', '2026-10-31', '-2.166', '4.20', '-9.10'], // −9.0972 → −9.10
      ['sewage', '2026-09-01', '2026-10-31', '-2.166', '6.80', '-14.73'], // −14.7288 → −14.73
    ]);
    // −9.10 − 14.73 + 12.00 = −11.83; × 8 % = −0.9464 → −0.95
    expect([credit.net, credit.vat, credit.gross]).toEqual(['-11.83', '-0.95', '-12.78']);
    expect(codes(credit)).toEqual(['consumption.negative', 'consumption.negative', 'total.negative']);
  });

  it('estimates from the same period a year earlier when the 6 months before have no two actual readings', () => {
    const readings = [r('2025-06-30', '80.000'), r('2025-08-31', '86.200'), r('2026-06-30', '118.000'), r('2026-07-15', '200.000', { held: true })];
    const out = simulate(doc({ period: { from: '2026-07-01', to: '2026-08-31' }, services: ['water'], meters: [{ serial: 'M', role: 'main', readings }] }));
    // 30 June → 31 Aug 2025: 6.200 m³ in 62 days; × 62 days = 6.200 (the held reading of 15 July is not used)
    expect(lines(out)[0]).toEqual(['water', '2026-07-01', '2026-08-31', '6.200', '4.20', '26.04']);
    expect(codes(out)).toEqual(['reading.held', 'consumption.estimated']);
  });

  it("estimates from last year's monthly average × the months concerned, else 0 with a blocking warning", () => {
    const readings = [r('2024-12-31', '50.000'), r('2025-11-30', '83.000'), r('2026-06-30', '118.000')];
    const out = simulate(doc({ period: { from: '2026-07-01', to: '2026-08-31' }, services: ['water'], meters: [{ serial: 'M', role: 'main', readings }] }));
    // 2025: 33.000 m³ in January–November = 11 months → 3.000 a month; July + August = 2 months → 6.000
    expect(lines(out)[0]).toEqual(['water', '2026-07-01', '2026-08-31', '6.000', '4.20', '25.20']);
    const none = simulate(doc({ period: { from: '2026-07-01', to: '2026-08-31' }, services: ['water'], meters: [{ serial: 'M', role: 'main', readings: [r('2026-06-30', '118.000')] }] }));
    expect(lines(none)[0]).toEqual(['water', '2026-07-01', '2026-08-31', '0.000', '4.20', '0.00']);
    expect(none.warnings.map((w) => [w.code, w.blocking])).toEqual([['estimate.no_history', true]]);
  });

  it('rounds exactly half a grosz up, on a line and on the VAT', () => {
    const line = simulate(doc({ period: { from: '2026-05-01', to: '2026-05-31' }, services: ['water'], meters: [{ serial: 'M', role: 'main', readings: [r('2026-04-30', '10.000'), r('2026-05-31', '11.125')] }] }));
    expect(lines(line)[0]).toEqual(['water', '2026-05-01', '2026-05-31', '1.125', '4.20', '4.73']); // 1.125 × 4.20 = 4.725 → 4.73
    // 4.73 + 6.00 = 10.73; × 8 % = 0.8584 → 0.86
    expect([line.net, line.vat, line.gross]).toEqual(['10.73', '0.86', '11.59']);
    const vat = simulate(doc({ period: { from: '2026-05-01', to: '2026-05-31' }, services: ['water'], tariffs: [tariff('2025-01-01', null, { water: '1.00', feePaper: '0.50', vat: 23 })], meters: [{ serial: 'M', role: 'main', readings: [r('2026-04-30', '10.000'), r('2026-05-31', '10.000')] }] }));
    // net 0.00 + 0.50 = 0.50; × 23 % = 0.115 → 0.12
    expect([vat.net, vat.vat, vat.gross]).toEqual(['0.50', '0.12', '0.62']);
  });

  it('rounds a quantity share of exactly half a litre up, and the last part takes the remainder', () => {
    const out = simulate(doc({
      period: { from: '2026-06-01', to: '2026-06-30' },
      services: ['water'],
      tariffs: [tariff('2025-01-01', '2026-06-15'), tariff('2026-06-16', null)],
      meters: [{ serial: 'M', role: 'main', readings: [r('2026-05-31', '1.000'), r('2026-06-30', '1.003')] }],
    }));
    // 0.003 × 15 / 30 = 0.0015 → 0.002; last part 0.003 − 0.002 = 0.001
    expect(lines(out).slice(0, 2).map((l) => l[3])).toEqual(['0.002', '0.001']);
    // fee: 15/30 = 0.500 each part
    expect(lines(out).slice(2).map((l) => l[3])).toEqual(['0.500', '0.500']);
  });

  it('counts a whole calendar month as exactly 1.000 month, February of a leap year included', () => {
    const feb = simulate(doc({ period: { from: '2028-02-01', to: '2028-02-29' }, services: ['water'], meters: [] }));
    expect(lines(feb).at(-1)).toEqual(['fee', '2028-02-01', '2028-02-29', '1.000', '6.00', '6.00']); // 29/29
    const jan = simulate(doc({ period: { from: '2026-01-01', to: '2026-01-31' }, services: ['water'], meters: [] }));
    expect(lines(jan).at(-1)).toEqual(['fee', '2026-01-01', '2026-01-31', '1.000', '6.00', '6.00']); // 31/31
    // 15–29 Feb 2028 + 1–15 Mar: 15/29 + 15/31 = 0.517241 + 0.483871 = 1.001112 → 1.001; × 6.00 = 6.006 → 6.01
    const across = simulate(doc({ period: { from: '2028-02-15', to: '2028-03-15' }, services: ['water'], meters: [] }));
    expect(lines(across).at(-1)).toEqual(['fee', '2028-02-15', '2028-03-15', '1.001', '6.00', '6.01']);
    // half of February: 14/29 = 0.48276 → 0.483 in 2028, 14/28 = 0.500 in 2026
    const half28 = simulate(doc({ period: { from: '2028-02-01', to: '2028-02-14' }, services: ['water'], meters: [] }));
    const half26 = simulate(doc({ period: { from: '2026-02-01', to: '2026-02-14' }, services: ['water'], meters: [] }));
    expect([lines(half28).at(-1)?.[3], lines(half26).at(-1)?.[3]]).toEqual(['0.483', '0.500']);
  });
});

describe('billing engine: warnings', () => {
  const period = { from: '2026-01-01', to: '2026-02-28' };
  const meter = { serial: 'A1', role: 'main', readings: [r('2025-12-31', '120.000'), r('2026-02-28', '135.500')] };

  it('warns of a missing tariff for part of the period and bills only the days with one', () => {
    const out = simulate(doc({ period, services: ['water'], tariffs: [tariff('2026-01-21', null)], meters: [meter] }));
    // the 20 days without a tariff take their share (5.254) unbilled; 10.246 × 4.20 = 43.0332 → 43.03
    expect(lines(out)).toEqual([
      ['water', '2026-01-21', '2026-02-28', '10.246', '4.20', '43.03'],
      ['fee', '2026-01-21', '2026-02-28', '1.355', '6.00', '8.13'], // 11/31 + 28/28 = 1.35484 → 1.355 × 6.00 = 8.13
    ]);
    expect(out.warnings.map((w) => [w.code, w.from, w.to, w.blocking])).toEqual([['tariff.missing', '2026-01-01', '2026-01-20', true]]);
  });

  it('warns of a reading lower than the previous one without an exchange, and ignores a reading held for verification', () => {
    const lower = simulate(doc({ period, services: ['water'], meters: [{ ...meter, readings: [r('2025-12-31', '120.000'), r('2026-02-28', '119.000')] }] }));
    expect(lower.warnings.map((w) => [w.code, w.meter, w.blocking])).toEqual([
      ['reading.lower_than_previous', 'A1', true],
      ['consumption.negative', undefined, false],
    ]);
    // 119.000 − 120.000 = −1.000 × 4.20 = −4.20; + fee 2.000 × 6.00 = 12.00 → 7.80, so no total.negative
    expect(lower.net).toBe('7.80');
    const held = simulate(doc({ period, services: ['water'], meters: [{ ...meter, readings: [r('2025-12-31', '120.000'), r('2026-02-20', '130.000'), r('2026-02-28', '119.000', { held: true })] }] }));
    expect(lines(held)[0][3]).toBe('10.000'); // 130.000 − 120.000; the held 119.000 not used
    expect(codes(held)).toEqual(['reading.held']);
  });

  it('warns when no main meter has readings for the period while water is billed', () => {
    const out = simulate(doc({ period, services: ['water'], meters: [{ serial: 'G', role: 'garden', readings: [r('2025-12-31', '1.000'), r('2026-02-28', '2.000')] }] }));
    expect(out.warnings.map((w) => [w.code, w.blocking])).toEqual([['meter.no_main', true]]);
    expect(lines(out)[0]).toEqual(['water', '2026-01-01', '2026-02-28', '0.000', '4.20', '0.00']);
  });

  it('gives a correction the difference between the issued bill and the recomputed one', () => {
    const input = (closing: string) => doc({ period, tariffs: [tariff('2025-01-01', null)], meters: [{ ...meter, readings: [r('2025-12-31', '120.000'), r('2026-02-28', closing)] }] });
    const before = bill(parseBillingInput(input('135.500'))); // 15.500: 65.10 + 105.40 + 12.00 = 182.50; VAT 14.60
    const after = bill(parseBillingInput(input('133.500'))); // 13.500: 56.70 + 91.80 + 12.00 = 160.50; VAT 12.84
    expect([before.net, before.vat, after.net, after.vat]).toEqual([18250, 1460, 16050, 1284]);
    // 160.50 − 182.50 = −22.00; 12.84 − 14.60 = −1.76; gross −23.76
    expect(billDifference(before, after)).toEqual({ rates: [{ rate: 8, net: -2200, vat: -176 }], net: -2200, vat: -176, gross: -2376 });
  });
});

describe('billing engine: bad input', () => {
  const bad = (d: unknown) => {
    try {
      simulate(d);
    } catch (e) {
      const err = e as { code: string; messages: { pl: string; en: string } };
      return [err.code, err.messages.en];
    }
    return null;
  };
  it.each([
    ['not an object', [], 'billing.bad_input', '$: an object'],
    ['a date that does not exist', doc({ period: { from: '2026-02-30', to: '2026-03-31' } }), 'billing.bad_input', 'period.from: an existing date'],
    ['a period ending before it starts', doc({ period: { from: '2026-03-01', to: '2026-02-01' } }), 'billing.bad_input', 'period.to: the period ends before'],
    ['no services', doc({ services: [] }), 'billing.bad_input', 'services: at least one'],
    ['an unknown service', doc({ services: ['gas'] }), 'billing.bad_input', 'services[0]: allowed values'],
    ['a value with four decimals', doc({ meters: [{ serial: 'M', role: 'main', readings: [r('2026-04-30', '1.2345')] }] }), 'billing.bad_input', 'meters[0].readings[0].value'],
    ['a negative reading', doc({ meters: [{ serial: 'M', role: 'main', readings: [r('2026-04-30', '-1.000')] }] }), 'billing.bad_input', 'meters[0].readings[0].value'],
    ['an unknown meter role', doc({ meters: [{ serial: 'M', role: 'hot', readings: [] }] }), 'billing.bad_input', 'meters[0].role'],
    ['a price in tenths of a grosz', doc({ tariffs: [tariff('2025-01-01', null, { water: '4.205' })] }), 'billing.bad_input', 'tariffs[0].water'],
    ['a fractional VAT rate', doc({ tariffs: [tariff('2025-01-01', null, { vat: 8.5 })] }), 'billing.bad_input', 'tariffs[0].vat'],
    ['overlapping tariffs', doc({ tariffs: [tariff('2025-01-01', '2026-05-31'), tariff('2026-05-31', null)] }), 'billing.tariff_overlap', 'overlap'],
    ['an unknown channel', doc({ delivery: [{ from: '2026-01-01', channel: 'fax' }] }), 'billing.bad_input', 'delivery[0].channel'],
    ['a sewage price missing while sewage is billed', doc({ tariffs: [tariff('2025-01-01', null, { sewage: undefined })] }), 'billing.price_missing', 'sewage'],
    ['an amount too large to bill', doc({ tariffs: [tariff('2025-01-01', null, { water: '999999999.00' })], meters: [{ serial: 'M', role: 'main', readings: [r('2026-04-30', '0.000'), r('2026-06-30', '999999.000')] }] }), 'billing.too_large', 'too large'],
  ])('refuses %s with a code and where', (_name, d, code, where) => {
    const got = bad(d);
    expect(got?.[0]).toBe(code);
    expect(got?.[1]).toContain(where);
  });
});
