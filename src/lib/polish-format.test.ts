import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime, formatMoney, formatNumber, formatVolume, plural } from './polish-format.ts';

const nb = (s: string) => s.replace(/\u00a0|\u202f/g, ' ');

describe('Polish formats', () => {
  it('writes civil dates as dd.mm.rrrr, never shifted', () => {
    expect(formatDate('2026-12-06')).toBe('06.12.2026');
    expect(formatDate('2026-01-01', 'en')).toBe('01/01/2026');
    expect(formatDate(null)).toBe('—');
  });
  it('writes instants in the utility time zone (Warsaw), with the time', () => {
    // 23:30 UTC on 31 Dec is already New Year in Warsaw (UTC+1 in winter).
    expect(formatDateTime('2026-12-31T23:30:00Z')).toBe('01.01.2027, 00:30');
    expect(formatDateTime('2026-07-01T12:05:00Z')).toBe('01.07.2026, 14:05');
    expect(formatDate('2026-12-31T23:30:00Z')).toBe('01.01.2027');
  });
  it('groups money and volumes, four digits too', () => {
    expect(nb(formatMoney(123456))).toBe('1 234,56 zł');
    expect(nb(formatMoney(5))).toBe('0,05 zł');
    expect(nb(formatMoney(-100000000))).toBe('−1 000 000,00 zł');
    expect(nb(formatMoney(123456, 'en'))).toBe('PLN 1,234.56');
    expect(nb(formatVolume('1623.866'))).toBe('1 623,866 m³');
    expect(nb(formatNumber(1234))).toBe('1 234');
  });
  it('chooses Polish plural forms', () => {
    const forms = { one: 'klient', few: 'klienci', many: 'klientów' };
    expect(nb(plural(1, forms))).toBe('1 klient');
    expect(nb(plural(3, forms))).toBe('3 klienci');
    expect(nb(plural(500, forms))).toBe('500 klientów');
    expect(nb(plural(12, forms))).toBe('12 klientów');
    expect(nb(plural(22, forms))).toBe('22 klienci');
    expect(nb(plural(0, forms))).toBe('0 klientów');
  });
});
