import { describe, expect, it } from 'vitest';
import { isCivilDate, isInstant } from './date-formats.ts';

describe('isCivilDate', () => {
  it('accepts days that exist, 29 February only in leap years', () => {
    for (const d of ['2026-01-31', '2024-02-29', '2000-02-29', '0001-01-01', '9999-12-31']) expect(isCivilDate(d), d).toBe(true);
  });
  it('refuses days that do not exist, year 0 and other shapes', () => {
    for (const d of ['2026-02-30', '2026-02-29', '1900-02-29', '2026-13-45', '2026-04-31', '2026-00-10', '2026-01-00', '0000-01-01', '2026-1-5', '20260105', '2026-01-05T00:00:00Z', ' 2026-01-05', '']) {
      expect(isCivilDate(d), d).toBe(false);
    }
  });
});

describe('isInstant', () => {
  it('accepts RFC 3339 date-times with a zone', () => {
    for (const s of ['2026-06-30T23:59:59Z', '2026-06-30t23:59:59z', '2026-06-30 23:59:59Z', '2026-01-01T10:00:00.123456789+01:00', '2024-02-29T00:00:00-23:59']) {
      expect(isInstant(s), s).toBe(true);
    }
  });
  it('refuses a leap second, impossible days and times, a missing zone, and instants outside the years 1–9999', () => {
    for (const s of [
      '2026-06-30T23:59:60Z',
      '2026-12-31T23:59:60+00:00',
      '2026-02-30T10:00:00Z',
      '2026-01-01T24:00:00Z',
      '2026-01-01T10:60:00Z',
      '2026-01-01T10:00:00',
      '2026-01-01T10:00:00+24:00',
      '2026-01-01T10:00:00+0100',
      '2026-01-01T10:00Z',
      '0001-01-01T00:00:00+01:00',
      '9999-12-31T23:59:59-01:00',
      'wczoraj rano',
    ]) {
      expect(isInstant(s), s).toBe(false);
    }
  });
});
