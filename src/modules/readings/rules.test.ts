import { describe, expect, it } from 'vitest';
import { checkPhotoFile, judgeSubmission, parseRegister, sniffPhoto } from './rules.ts';

const DAY = 86_400_000;
const NOW = Date.parse('2026-12-07T10:00:00Z');

describe('parseRegister', () => {
  it('takes digits with up to three decimals, comma or dot', () => {
    expect(parseRegister('123')).toBe(123_000);
    expect(parseRegister(' 123,4 ')).toBe(123_400);
    expect(parseRegister('0.005')).toBe(5);
  });
  it('refuses letters, signs, four decimals and empty input', () => {
    for (const bad of ['12a', '-1', '1,2345', '', '1e3', '1 000', '12,']) expect(parseRegister(bad), bad).toBeNull();
  });
});

describe('judgeSubmission', () => {
  const ctx = { last: { valueM3: '100.000', at: NOW - 30 * DAY }, avgDailyM3: 0.3 };
  it('accepts a normal reading', () => {
    expect(judgeSubmission('109,5', ctx, NOW, false)).toMatchObject({ ok: true, status: 'accepted', valueM3: '109.500' });
  });
  it('refuses one below the last reading, naming it', () => {
    const v = judgeSubmission('99,999', ctx, NOW, false);
    expect(v).toMatchObject({ ok: false, error: { code: 'readings.below_last' } });
    if (!v.ok) expect(v.error.pl).toContain('100,000 m³');
  });
  it('asks to confirm a jump, and holds it once confirmed', () => {
    expect(judgeSubmission('250', ctx, NOW, false)).toMatchObject({ ok: false, needsConfirmation: true, error: { code: 'readings.confirm_jump' } });
    expect(judgeSubmission('250', ctx, NOW, true)).toMatchObject({ ok: true, status: 'pending', jump: { usedM3: '150.000', days: 30 } });
  });
  it('refuses letters with the same message as the server', () => {
    expect(judgeSubmission('12a', ctx, NOW, true)).toMatchObject({ ok: false, error: { code: 'readings.value_invalid' } });
  });
  it('accepts anything sane for a meter with no history', () => {
    expect(judgeSubmission('5', { last: null, avgDailyM3: null }, NOW, false)).toMatchObject({ ok: true, status: 'accepted' });
  });
});

describe('photos', () => {
  it('knows JPEG, PNG and HEIC by their bytes', () => {
    expect(sniffPhoto(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
    expect(sniffPhoto(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe('image/png');
    expect(sniffPhoto(new TextEncoder().encode('\0\0\0\x18ftypheic\0\0\0\0'))).toBe('image/heic');
    expect(sniffPhoto(new TextEncoder().encode('%PDF-1.7 hello'))).toBeNull();
  });
  it('checks size and type in the form', () => {
    expect(checkPhotoFile(50 * 1024 * 1024, 'image/jpeg', 'a.jpg')?.code).toBe('readings.photo_too_large');
    expect(checkPhotoFile(1000, 'application/pdf', 'a.pdf')?.code).toBe('readings.photo_type');
    expect(checkPhotoFile(1000, '', 'IMG_1.HEIC')).toBeNull();
  });
});
