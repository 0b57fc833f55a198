import { describe, expect, it } from 'vitest';
import { brandColours, contrast, darkenTo, parseHex, textOn } from './color.ts';
import { daysUntil, formatDate, formatVolume } from './format.ts';
import { newPasswordProblems, passwordProblem, totpCode } from './password.ts';
import { withConsumption } from '../pages/shared/ReadingsTable.tsx';
import { matchPath } from '../router.tsx';

describe('colour contrast (WCAG 2.1)', () => {
  it('computes the known ratios', () => {
    expect(contrast([0, 0, 0], [255, 255, 255])).toBeCloseTo(21, 5);
    expect(contrast(parseHex('#777')!, [255, 255, 255])).toBeCloseTo(4.48, 2);
  });
  it('picks readable text on any brand colour and darkens a light brand colour for text on white', () => {
    expect(textOn(parseHex('#0b5cad')!)).toBe('#ffffff');
    expect(textOn(parseHex('#ffd54f')!)).not.toBe('#ffffff');
    const teal = parseHex('#00897b')!;
    expect(contrast(teal, [255, 255, 255])).toBeLessThan(4.5);
    expect(contrast(darkenTo(teal), [255, 255, 255])).toBeGreaterThanOrEqual(4.5);
    const c = brandColours('#7fd6ff', 'not a colour');
    expect(contrast(parseHex(c.brandInk)!, [255, 255, 255])).toBeGreaterThanOrEqual(4.5);
    expect(contrast(parseHex(c.brand)!, parseHex(c.onBrand)!)).toBeGreaterThanOrEqual(4.5);
    expect(c.accent).toBe('#00897b');
  });
});

describe('formatting', () => {
  it('writes volumes and civil dates the Polish way without shifting the day', () => {
    expect(formatVolume('12.5', 'pl').replace(/\s/g, ' ')).toBe('12,500 m³');
    expect(formatVolume('12345.678', 'pl').replace(/\s/g, ' ')).toBe('12 345,678 m³');
    expect(formatVolume('12345.678', 'en').replace(/\s/g, ' ')).toBe('12,345.678 m³');
    expect(formatDate('2026-01-01', 'pl')).toBe('01.01.2026');
    expect(formatDate(null, 'pl')).toBe('—');
    expect(daysUntil('2026-03-01', new Date(2026, 1, 27))).toBe(2);
  });
});

describe('password policy as the server checks it', () => {
  it('names the first problem', () => {
    expect(passwordProblem('krotkie1')).toBe('password.tooShort');
    expect(passwordProblem('tylkoliterytutaj')).toBe('password.tooSimple');
    expect(passwordProblem('jan.kowalski2026', 'jan.kowalski@example.com')).toBe('password.containsEmail');
    expect(passwordProblem('Zażółć2026gęśląjaźń')).toBeUndefined();
  });
});

describe('router', () => {
  it('matches paths with parameters', () => {
    expect(matchPath('/staff/customers/:customerId', '/staff/customers/42')).toEqual({ customerId: '42' });
    expect(matchPath('/staff/customers/:customerId', '/staff/customers')).toBeUndefined();
    expect(matchPath('/', '/')).toEqual({});
  });
});

describe('consumption between readings', () => {
  const r = (id: number, readAt: string, valueM3: string, status = 'accepted') => ({ id, meterId: 1, serialNumber: 'A', readAt, valueM3, source: 'remote', status });
  it('orders newest first and subtracts the previous accepted reading exactly', () => {
    const out = withConsumption([r(1, '2026-01-01T00:00:00Z', '100.100'), r(3, '2026-03-01T00:00:00Z', '100.400'), r(2, '2026-02-01T00:00:00Z', '999.000', 'rejected')]);
    expect(out.map((x) => x.id)).toEqual([3, 2, 1]);
    expect(out[0].usedM3).toBe('0.300');
    expect(out[1].usedM3).toBeUndefined();
    expect(out[2].usedM3).toBeUndefined();
  });
});

describe('new password and TOTP code checks', () => {
  it('reports the policy, the old password, an empty one and a wrong repetition', () => {
    expect(newPasswordProblems('short', 'short')).toEqual({ password: 'password.tooShort' });
    expect(newPasswordProblems('', '', { requiredWhenEmpty: true })).toEqual({ password: 'errors.required' });
    expect(newPasswordProblems('Kowalski2026x', 'Kowalski2026x', { current: 'Kowalski2026x' })).toEqual({ password: 'password.sameAsOld' });
    expect(newPasswordProblems('Kowalski2026x', 'Kowalski2026y')).toEqual({ repeat: 'errors.passwordMismatch' });
    expect(newPasswordProblems('Kowalski2026x', 'Kowalski2026x', { email: 'jan@x.pl', current: 'old' })).toEqual({});
  });
  it('accepts six digits with spaces only', () => {
    expect(totpCode(' 123 456 ')).toBe('123456');
    expect(totpCode('12345')).toBeUndefined();
    expect(totpCode('12345a')).toBeUndefined();
  });
});
