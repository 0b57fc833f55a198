/** Data records, VIF tables, numbers and dates of EN 13757-3. */
import { describe, expect, it } from 'vitest';
import { dateG, dateTimeF, dateTimeI } from './dates.ts';
import { parseHex } from './hex.ts';
import { bcdLE, intLE } from './numbers.ts';
import { parseRecords } from './records.ts';
import { describeVif } from './vif.ts';

const recs = (hex: string) => parseRecords(parseHex(hex));

describe('hex', () => {
  it('reads plain hex, separators between bytes and a 0x prefix; refuses anything else', () => {
    expect([...parseHex('0aFf10')]).toEqual([0x0a, 0xff, 0x10]);
    expect([...parseHex('0x0a ff|10_2F#3c')]).toEqual([0x0a, 0xff, 0x10, 0x2f, 0x3c]);
    for (const bad of ['0a0', '0afg10', '0a f', 'zz', '', '0a1 0']) {
      let code = '';
      try {
        parseHex(bad);
      } catch (e) {
        code = (e as { code: string }).code;
      }
      expect(code, bad).toBe('wmbus.hex');
    }
    const copy = parseHex('0a0b').slice();
    copy[0] = 1;
    expect(parseHex('0a0b')[0]).toBe(0x0a);
  });
});

describe('numbers', () => {
  it('reads BCD least significant byte first, with 0xF as minus sign, and refuses other non-digits', () => {
    expect(bcdLE(parseHex('78563412'), 0, 4)).toBe(12345678);
    expect(bcdLE(parseHex('2301f0'), 0, 3)).toBe(-123);
    expect(bcdLE(parseHex('1a00'), 0, 2)).toBeNull();
  });
  it('reads signed little-endian integers of 1–8 bytes', () => {
    expect(intLE(parseHex('ff'), 0, 1)).toBe(-1);
    expect(intLE(parseHex('ffffffff'), 0, 4)).toBe(-1);
    expect(intLE(parseHex('00000080'), 0, 4)).toBe(-2147483648);
    expect(intLE(parseHex('010000000000'), 0, 6)).toBe(1);
    expect(intLE(parseHex('feffffffffff'), 0, 6)).toBe(-2);
    expect(intLE(parseHex('3930000000000000'), 0, 8)).toBe(12345);
  });
});

describe('dates', () => {
  it('type G, F and I, and unset dates as null', () => {
    expect(dateG(parseHex('3f3c'), 0)).toBe('2025-12-31');
    expect(dateTimeF(parseHex('3a2b4435'), 0)).toBe('2026-05-04 11:58');
    expect(dateTimeI(parseHex('2c1a01d50000'), 0)).toBeNull(); // month 0
    expect(dateTimeI(parseHex('2c1a01d52100'), 0)).toBe('2022-01-21 01:26:44');
    expect(dateG(parseHex('ffff'), 0)).toBeNull();
    expect(dateG(parseHex('0000'), 0)).toBeNull();
    expect(dateTimeF(parseHex('bb2b4435'), 0)).toBeNull(); // IV bit set
  });
});

describe('VIF tables', () => {
  it('scales volumes, flows and times', () => {
    expect(describeVif(0x13, [])).toMatchObject({ info: { quantity: 'volume', unit: 'm3' }, exp: -3 });
    expect(describeVif(0x16, [])).toMatchObject({ exp: 0 });
    expect(describeVif(0x3b, [])).toMatchObject({ info: { quantity: 'flow', unit: 'm3/h' }, exp: -3 });
    expect(describeVif(0x22, [])).toMatchObject({ info: { quantity: 'on_time', factor: 3600 } });
    expect(describeVif(0x93, [0x74])).toMatchObject({ exp: -5 }); // multiplicative correction 10^-2
  });
  it('reads the 0xFD and 0xFB extension tables', () => {
    expect(describeVif(0xfd, [0x17]).info.quantity).toBe('error_flags');
    expect(describeVif(0xfd, [0x48]).info).toMatchObject({ quantity: 'voltage', exp: -1 });
    expect(describeVif(0xfd, [0x74]).info.quantity).toBe('remaining_battery_life');
    expect(describeVif(0xfb, [0x11]).info).toMatchObject({ quantity: 'volume', exp: 3 });
  });
});

describe('records', () => {
  it('reads storage, tariff and subunit from DIF and DIFEs', () => {
    const { records, error } = recs('0413281e0700' + '4314b60001' + '8401131b000000' + 'c4501300000000' + '84d0401300000000');
    expect(error).toBeUndefined();
    expect(records.map((r) => [r.quantity, r.storage, r.tariff, r.subunit, r.value])).toEqual([
      ['volume', 0, 0, 0, 466.472],
      ['volume', 1, 0, 0, 657.18],
      ['volume', 2, 0, 0, 0.027],
      ['volume', 1, 1, 1, 0],
      ['volume', 0, 1, 3, 0],
    ]);
  });
  it('reads BCD, reals, variable-length text and dates; skips 2F fillers', () => {
    const { records } = recs('2f2f' + '0c1378563412' + '0513' + '0000c03f' + '0dfd11' + '03' + '434241' + '426c3f3c' + '046d3a2b4435');
    expect(records.map((r) => r.value)).toEqual([12345.678, 0.0015, 'ABC', '2025-12-31', '2026-05-04 11:58']);
    expect(records[1].quantity).toBe('volume');
  });
  it('hands manufacturer data after 0x0F to the drivers', () => {
    const r = recs('0413010000000f0a0b0c');
    expect(r.records).toHaveLength(1);
    expect([...r.mfctData!]).toEqual([0x0a, 0x0b, 0x0c]);
  });
  it('ends with a malformed error, keeping what it read, when a record runs past the end', () => {
    const r = recs('04130100000004130100');
    expect(r.records).toHaveLength(1);
    expect(r.error?.code).toBe('wmbus.malformed');
    expect(recs('8480808080808080808080808013').error?.code).toBe('wmbus.malformed');
  });
});
