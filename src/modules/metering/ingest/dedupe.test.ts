import { describe, expect, it } from 'vitest';
import { classify } from './ingest.ts';
import { RepeatFilter } from './telegram-batch.ts';

/** README: "the same value again within 15 minutes is the same reading". */
const MINUTE = 60_000;

describe('classify: a candidate against its meter latest remote reading', () => {
  const last = { at: Date.UTC(2026, 10, 25, 8, 0), valueM3: 12.5 };
  it('is new without a remote reading, or later than it', () => {
    expect(classify(null, last.at, 1, true)).toBe('new');
    expect(classify(last, last.at + 60_000, 12.6, true)).toBe('new');
  });
  it('is a repeat at the same time, whatever the value', () => {
    expect(classify(last, last.at, 12.5, true)).toBe('repeat');
    expect(classify(last, last.at, 12.5, false)).toBe('repeat');
  });
  it('is late when older (the database decides)', () => {
    expect(classify(last, last.at - 1, 12.4, true)).toBe('late');
  });
  it('without a meter clock, the same value within 15 minutes is a repeat; a new value or 15 minutes later is new', () => {
    expect(classify(last, last.at + 30_000, 12.5, false)).toBe('repeat');
    expect(classify(last, last.at + 15 * MINUTE - 1, 12.5, false)).toBe('repeat');
    expect(classify(last, last.at + 30_000, 12.5004, false)).toBe('repeat');
    expect(classify(last, last.at + 30_000, 12.501, false)).toBe('new');
    expect(classify(last, last.at + 15 * MINUTE, 12.5, false)).toBe('new');
    // With the meter's own clock a later time is always a new reading.
    expect(classify(last, last.at + 30_000, 12.5, true)).toBe('new');
  });
});

describe('RepeatFilter', () => {
  const bytes = (s: string) => Buffer.from(s, 'hex');
  it('knows the previous telegram of each identity only', () => {
    const f = new RepeatFilter();
    expect(f.repeated('APA:1', bytes('2e4401'))).toBe(false);
    expect(f.repeated('APA:1', bytes('2e4401'))).toBe(true);
    expect(f.repeated('APA:2', bytes('2e4401'))).toBe(false);
    expect(f.repeated('APA:1', bytes('2e4402'))).toBe(false);
    expect(f.repeated('APA:1', bytes('2e4401'))).toBe(false);
    // A longer telegram with the same start is another telegram.
    expect(f.repeated('APA:1', bytes('2e440100'))).toBe(false);
  });
  it('grows past its first slots', () => {
    const f = new RepeatFilter();
    for (let i = 0; i < 5000; i++) expect(f.repeated(`APA:${i}`, bytes('2e44' + (i % 256).toString(16).padStart(2, '0')))).toBe(false);
    for (let i = 0; i < 5000; i++) expect(f.repeated(`APA:${i}`, bytes('2e44' + (i % 256).toString(16).padStart(2, '0')))).toBe(true);
  });
});
