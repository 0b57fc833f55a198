/**
 * Apator water meters (manufacturer codes APT and APA).
 *
 * Formats read here:
 * - apator08 (APT, CI 0xA0, device types 0x03/0x0F): the manufacturer payload starts with a
 *   32-bit little-endian counter in litres that counts thirds: volume = counter / 3000 m³.
 * - apator172 (APT, CI 0xA0, device type 0x11): the same layout, counter in m³/3.
 * - apator162 (APA, CI 0x7A, versions 0x05/0x06, decrypted mode 5): after 2F2F the payload is
 *   one manufacturer block: a lead byte, 7 status bytes, then tagged fields (tag byte + fixed
 *   length per tag) up to FF padding and a checksum. Tag 0x10 carries the total in litres
 *   (32-bit LE). Unknown tags stop the walk; a block without tag 0x10 is an error.
 * - apatorna1 / Apator NA-1 (APA, version 0x14, CI 0xA0–0xA7): payload = access number,
 *   frame-status byte, then one AES-128-CBC block (IV = M+A fields + 8 × access number;
 *   the module's key, Apator ships them with an all-zero key). The clear block is
 *   0x2F, packed total (32 bits: bits 4–5 a decimal multiplier exponent, the rest the
 *   litre digits), meter clock (seconds since 2000-01-01, 32 bits), the last historic
 *   value as age in hours and a delta to the total, current and historic alarm bytes.
 */
import type { Driver, DriverContext, DriverResult, MeterFlags } from '../driver-api.ts';
import { fail } from '../errors.ts';
import { aesCbcDecrypt } from '../security.ts';
import { formatInstant, round6, skipFiller, statusText, uintLE } from './util.ts';

function isApt(ctx: DriverContext): boolean {
  return ctx.identity.manufacturer === 'APT' && ctx.ci === 0xa0;
}

export const apator08: Driver = {
  name: 'apator08',
  manufacturers: ['APT'],
  match: (ctx) => isApt(ctx) && ctx.identity.deviceType !== 0x11,
  decode(ctx) {
    if (ctx.payload.length < 4) fail('wmbus.truncated', 'apator08 payload shorter than its counter');
    return { values: { total_m3: round6(uintLE(ctx.payload, 0, 4) / 3000) } };
  },
};

export const apator172: Driver = {
  name: 'apator172',
  manufacturers: ['APT'],
  match: (ctx) => isApt(ctx) && ctx.identity.deviceType === 0x11,
  decode(ctx) {
    if (ctx.payload.length < 4) fail('wmbus.truncated', 'apator172 payload shorter than its counter');
    // The meter announces device type 0x11; it is a water meter.
    return { values: { total_m3: round6(uintLE(ctx.payload, 0, 4) / 3) }, media: 'water' };
  },
};

/** Length of the data after each apator162 tag byte; 0 = unknown tag. */
const TAG_LENGTH = new Uint8Array(256);
(() => {
  const set = (tags: number[], n: number) => tags.forEach((t) => (TAG_LENGTH[t] = n));
  set([0x00, 0x10, 0x42, 0xa0, 0xa1, 0xa4, 0xf0], 4);
  set([0x01, 0x44, 0xa6], 3);
  set([0x11, 0x41, 0x43, 0xa7, 0xa8, 0xaa, 0xab, 0xac, 0xad, 0xb4], 2);
  set([0x40, 0x8b, 0x8c], 6);
  for (let t = 0x71; t <= 0x7c; t++) TAG_LENGTH[t] = 1 + 4 * (t - 0x70 + 1); // a byte and (n+1) quads
  set([0x80, 0x81, 0x82, 0x83, 0x84, 0x86, 0x87], 10);
  set([0x85, 0x88, 0x8f], 11);
  set([0x8a], 9);
  set([0x8e, 0xa3], 7);
  set([0xa2, 0xa5, 0xa9, 0xaf], 1);
  set([0xb0], 5);
  set([0xb1, 0xb3], 8);
  set([0xb2, 0xb5], 16);
  for (let t = 0xb6; t <= 0xbf; t++) TAG_LENGTH[t] = 3;
  for (let t = 0xc0; t <= 0xc7; t++) TAG_LENGTH[t] = 3;
  set([0xd0, 0xd3], 3);
})();

/** Total volume in litres from an apator162 manufacturer block, or -1 when the block has none. */
export function apator162TotalLitres(p: Uint8Array): number {
  // 2F2F filler, the lead byte (0x0F or 0x80), 7 status bytes.
  let i = skipFiller(p, 0) + 1 + 7;
  while (i < p.length) {
    const tag = p[i];
    const n = TAG_LENGTH[tag];
    if (n === 0 || i + 1 + n > p.length) return -1;
    if (tag === 0x10) return uintLE(p, i + 1, 4);
    i += 1 + n;
  }
  return -1;
}

export const apator162: Driver = {
  name: 'apator162',
  manufacturers: ['APA'],
  match: (ctx) =>
    ctx.identity.manufacturer === 'APA' &&
    (ctx.identity.version === 0x05 || ctx.identity.version === 0x06) &&
    (ctx.identity.deviceType === 0x07 || ctx.identity.deviceType === 0x06) &&
    ctx.ci === 0x7a &&
    !ctx.encrypted,
  decode(ctx) {
    const litres = apator162TotalLitres(ctx.payload);
    if (litres < 0) fail('wmbus.malformed', 'apator162 block has no total volume field');
    return { values: { total_m3: round6(litres / 1000) } };
  },
};

const NA1_FRAME = ['SUMMER_TIME', 'HISTORICAL_INDICATION', 'MAX_SPEED_EXCEEDED', 'DEVICE_ACCESS_ERROR',
  'TWO_WAY_COM_BLOCK', 'INSTALL_FRAME', 'WRONG_TEMPERATURE', 'SERVICE_EVENT'];
const NA1_ALARM = ['BATTERY_LOW', 'MAGNETIC_FIELD', 'DEVICE_DISCONNECTED', 'LEAK', 'MEASUREMENT_UNCHANGED',
  'REVERSE_FLOW', 'MAXIMUM_FLOW', 'MINIMUM_FLOW'];
const NA1_HISTORIC = ['BATTERY_LIFETIME_THRESHOLD_EXCEEDED', ...NA1_ALARM.slice(1)];

function bitWords(x: number, names: string[]): string[] {
  const out: string[] = [];
  for (let bit = 0; bit < 8; bit++) if (x & (1 << bit)) out.push(names[bit]);
  return out;
}

const ZERO_KEY = new Uint8Array(16);
const EPOCH_2000 = Date.UTC(2000, 0, 1);

function na1Decrypt(ctx: DriverContext, key: Uint8Array): Uint8Array | null {
  const raw = ctx.raw;
  const acc = ctx.payload[0];
  const iv = new Uint8Array(16);
  iv.set(raw.subarray(2, 10), 0);
  iv.fill(acc, 8);
  const clear = aesCbcDecrypt(key, iv, ctx.payload.subarray(2, 18));
  // A right key gives the 0x2F filler first.
  return clear[0] === 0x2f ? clear : null;
}

export const apatorna1: Driver = {
  name: 'apatorna1',
  manufacturers: ['APA'],
  match: (ctx) =>
    ctx.identity.manufacturer === 'APA' && ctx.identity.version === 0x14 && ctx.ci >= 0xa0 && ctx.ci <= 0xa7,
  decode(ctx): DriverResult {
    if (ctx.payload.length < 18) fail('wmbus.truncated', 'Apator NA-1 payload shorter than one AES block');
    const c = (ctx.key && ctx.key.length === 16 && na1Decrypt(ctx, ctx.key)) || na1Decrypt(ctx, ZERO_KEY);
    if (!c) fail(ctx.key ? 'wmbus.wrong_key' : 'wmbus.no_key', 'Apator NA-1 block does not decrypt to 2F');
    const packed = uintLE(c, 1, 4);
    const multiplier = 10 ** ((packed >> 4) & 3);
    const digits = Math.floor(packed / 256) * 16 + (packed & 15);
    const total = round6((digits * multiplier) / 1000);
    const clockMs = EPOCH_2000 + uintLE(c, 5, 4) * 1000;
    const ageLow = c[9];
    const ageMeta = c[10];
    const ageH = (ageMeta >> 2) * 256 + ageLow;
    const delta = c[13] * 262144 + c[12] * 1024 + c[11] * 4 + (ageMeta & 3);
    const current = c[14];
    const historic = c[15];
    const frameStatus = ctx.payload[1];
    const flags: MeterFlags = {
      lowBattery: (current & 0x01) !== 0,
      tamper: (current & 0x02) !== 0,
      removal: (current & 0x04) !== 0,
      leak: (current & 0x08) !== 0,
      backflow: (current & 0x20) !== 0,
    };
    return {
      values: {
        total_m3: total,
        meter_datetime: formatInstant(clockMs),
        historic_m3: round6(total - (delta * multiplier) / 1000),
        historic_age_h: ageH,
        historic_datetime: formatInstant(clockMs - ageH * 3600_000),
        current_status: statusText(bitWords(current, NA1_ALARM)),
        historic_status: statusText(bitWords(historic, NA1_HISTORIC)),
        frame_status: statusText(bitWords(frameStatus, NA1_FRAME)),
      },
      flags,
    };
  },
};

export const apatorDrivers: Driver[] = [apator08, apator172, apator162, apatorna1];
