import { describe, expect, it } from 'vitest';
import { compareBuilding, sortStops } from './order.ts';
import { checkPeriod, localDate, monthOf } from './period.ts';
import { decodePhoto, sniffImage, MAX_PHOTO_BYTES } from './photo.ts';
import { parseVolume } from './reader.ts';

const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46]);
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);

describe('walking order', () => {
  it('orders house numbers naturally', () => {
    const sorted = ['10B', '2', '10', '1a', '10A', '3/5', '1', 'bez numeru'].sort(compareBuilding);
    expect(sorted).toEqual(['1', '1a', '2', '3/5', '10', '10A', '10B', 'bez numeru']);
  });

  it('walks the named streets in the given order, each by route_order then number', () => {
    const p = (id: number, street: string, building: string, routeOrder: number) => ({ id, street, building, apartment: null, routeOrder });
    const points = [
      p(1, 'ul. Lipowa', '10', 2),
      p(2, 'ul. Lipowa', '2', 2),
      p(3, 'ul. Akacjowa', '1', 1),
      p(4, 'ul. Lipowa', '30', 1),
      p(5, 'ul. Brzozowa', '7', 0),
    ];
    expect(sortStops(points, ['UL. LIPOWA', 'ul. Akacjowa']).map((x) => x.id)).toEqual([4, 2, 1, 3, 5]);
    expect(sortStops(points).map((x) => x.id)).toEqual([3, 5, 4, 2, 1]);
  });

  it('orders apartments of one building naturally', () => {
    const pts = ['12', '2', '1'].map((a, i) => ({ id: i, street: 'Polna', building: '5', apartment: a, routeOrder: 0 }));
    expect(sortStops(pts).map((x) => x.apartment)).toEqual(['1', '2', '12']);
  });
});

describe('typed volumes', () => {
  it('accepts a comma or a dot and up to 3 decimals', () => {
    expect(parseVolume('123,45')).toBe('123.450');
    expect(parseVolume('123.456')).toBe('123.456');
    expect(parseVolume(' 0007 ')).toBe('7.000');
    for (const bad of ['', '-1', '1,2345', '1e3', '12 345', 'abc', '1.2.3', '1234567890']) expect(parseVolume(bad), bad).toBeNull();
  });
});

describe('photos', () => {
  it('recognises JPEG and PNG by their first bytes only', () => {
    expect(sniffImage(JPEG)).toBe('image/jpeg');
    expect(sniffImage(PNG)).toBe('image/png');
    expect(sniffImage(Buffer.from('GIF89a'))).toBeNull();
    expect(decodePhoto(`data:image/png;base64,${JPEG.toString('base64')}`).contentType).toBe('image/jpeg');
  });
  it('refuses other files, bad base64 and photos over 5 MB', () => {
    expect(() => decodePhoto(Buffer.from('%PDF-1.7 hello').toString('base64'))).toThrow(expect.objectContaining({ code: 'reader.photo_type' }));
    expect(() => decodePhoto('not base64 !!')).toThrow(expect.objectContaining({ code: 'reader.photo_encoding' }));
    const big = Buffer.concat([JPEG, Buffer.alloc(MAX_PHOTO_BYTES)]);
    expect(() => decodePhoto(big.toString('base64'))).toThrow(expect.objectContaining({ code: 'reader.photo_too_large', kind: 'too_large' }));
  });
});

describe('periods', () => {
  it('uses the Polish civil date', () => {
    expect(localDate(new Date('2026-11-30T23:30:00Z'))).toBe('2026-12-01');
    expect(monthOf('2026-02-14')).toEqual({ from: '2026-02-01', to: '2026-02-28' });
  });
  it('refuses reversed, impossible, too long and past periods', () => {
    const today = '2026-11-25';
    expect(() => checkPeriod('2026-11-30', '2026-11-01', today)).toThrow(expect.objectContaining({ code: 'route.period_reversed' }));
    expect(() => checkPeriod('2026-02-30', '2026-03-01', today)).toThrow(expect.objectContaining({ code: 'route.period_date' }));
    expect(() => checkPeriod('2026-11-01', '2027-12-01', today)).toThrow(expect.objectContaining({ code: 'route.period_too_long' }));
    expect(() => checkPeriod('2026-10-01', '2026-10-31', today)).toThrow(expect.objectContaining({ code: 'route.period_past' }));
    expect(() => checkPeriod('2026-11-01', '2026-11-25', today)).not.toThrow();
  });
});
