/**
 * Diehl Metering (manufacturer codes DME, EWT, HYD, SAP, SPL): IZAR / PRIOS radio and
 * Hydrus "real data" frames.
 *
 * Formats read here:
 * - How Diehl frames are to be read depends on C, CI and the TPL configuration word:
 *   CI 0xA0–0xA7 are PRIOS frames (SAP_PRIOS when the code is SAP), CI 0xB1–0xB3 PRIOS
 *   "SCR", CI 0x71 and CI 0x7A with bit 12 of the configuration word set are "real data"
 *   frames. In PRIOS and real-data frames the A field is sent in a different order: the
 *   printed id is A-field bytes 2–5, then version and device type come from bytes 0–1.
 *   SAP PRIOS meters use the version byte as part of a 5-byte id; they are water meters.
 * - Both PRIOS and real data are scrambled with a 32-bit LFSR (taps 1, 2, 11, 31, 8 steps
 *   per byte). Its seed is a 32-bit key (the two halves of a 64-bit key XORed) XORed with
 *   the header bytes 2–5, 6–9 and 10–13 of the frame as received. Diehl publishes two
 *   default keys, tried after the meter's own key.
 *   - PRIOS: the first clear byte is 0x4B; then the total (litres, 32-bit LE), the last
 *     billing-date total and its date (year in 7 bits split over the two bytes). The three
 *     bytes after the CI carry alarm bits, remaining battery life (½ years) and the
 *     transmit period (2^(n+2) s).
 *   - Real data: the clear bytes are ordinary DIF/VIF records; the check is that the byte
 *     sum AND 0xEF equals the configuration word's high byte AND 0xEF. Telegrams logged
 *     after decryption fail that check and are read as they are.
 */
import type { DataRecord, Driver, DriverContext, DriverResult, MeterFlags, MeterValues } from '../driver-api.ts';
import { fail } from '../errors.ts';
import { mediaName } from '../media.ts';
import { parseRecords } from '../records.ts';
import { ciOffset, isoDate, round6, statusText, uint32BE, uintLE } from './util.ts';

const DIEHL_CODES = ['DME', 'EWT', 'HYD', 'SAP', 'SPL'];
const DIEHL = new Set(DIEHL_CODES);

export type DiehlFrame = 'prios' | 'sap_prios' | 'prios_scr' | 'real_data' | 'other';

/** How a Diehl telegram is to be read (the first test is the manufacturer code). */
export function diehlFrame(ctx: DriverContext): DiehlFrame {
  if (!DIEHL.has(ctx.identity.manufacturer) || (ctx.c !== 0x44 && ctx.c !== 0x46)) return 'other';
  const ci = ctx.ci;
  if (ci >= 0xa0 && ci <= 0xa7) return ctx.identity.manufacturer === 'SAP' ? 'sap_prios' : 'prios';
  if (ci >= 0xb1 && ci <= 0xb3) return 'prios_scr';
  if (ci === 0x71) return 'real_data';
  if (ci === 0x7a) {
    if (ctx.tplConfig !== undefined) return (ctx.tplConfig & 0x1000) !== 0 ? 'real_data' : 'other';
    const at = ciOffset(ctx);
    if (at >= 0 && at + 4 < ctx.raw.length && (ctx.raw[at + 4] & 0x10) !== 0) return 'real_data';
  }
  return 'other';
}

/** The identity as printed on a swapped-address Diehl meter (from the frame as received). */
function swappedIdentity(raw: Uint8Array) {
  let id = '';
  for (let i = 9; i >= 6; i--) id += (raw[i] < 16 ? '0' : '') + raw[i].toString(16);
  return { id, version: raw[4], deviceType: raw[5] };
}

const KEY_LENGTH = 8;
const DEFAULT_KEYS = [
  Uint8Array.from([0x39, 0xbc, 0x8a, 0x10, 0xe6, 0x6d, 0x83, 0xf8]),
  Uint8Array.from([0x51, 0x72, 0x89, 0x10, 0xe6, 0x6d, 0x83, 0xf8]),
];

function seedOf(key: Uint8Array): number {
  return (uint32BE(key, 0) ^ uint32BE(key, 4)) >>> 0;
}

/** The candidate LFSR seeds: the meter's key (8 bytes, or the first 8 of a 16-byte key), then the defaults. */
export function seeds(ctx: DriverContext): number[] {
  const out: number[] = [];
  if (ctx.key && ctx.key.length >= KEY_LENGTH) out.push(seedOf(ctx.key));
  for (const k of DEFAULT_KEYS) out.push(seedOf(k));
  return out;
}

/** Unscrambles raw[at+5 ...] (the bytes after CI and 4 more header bytes) with the LFSR seeded from `seed` (XOR: the same call scrambles). */
export function lfsr(raw: Uint8Array, at: number, seed: number): Uint8Array {
  let key = (seed ^ uint32BE(raw, 2) ^ uint32BE(raw, 6) ^ uint32BE(raw, at)) >>> 0;
  const from = at + 5;
  const out = new Uint8Array(raw.length - from);
  for (let i = 0; i < out.length; i++) {
    for (let j = 0; j < 8; j++) {
      const bit = ((key >>> 1) ^ (key >>> 2) ^ (key >>> 11) ^ (key >>> 31)) & 1;
      key = ((key << 1) | bit) >>> 0;
    }
    out[i] = raw[from + i] ^ (key & 0xff);
  }
  return out;
}

const CURRENT_ALARMS: [string, number, number][] = [
  // name, byte (0..2 after CI), mask
  ['leakage', 1, 0x80], ['meter_blocked', 1, 0x20], ['back_flow', 2, 0x80], ['underflow', 2, 0x40],
  ['overflow', 2, 0x20], ['submarine', 2, 0x10], ['sensor_fraud', 2, 0x08], ['mechanical_fraud', 2, 0x02],
];
const PREVIOUS_ALARMS: [string, number, number][] = [
  ['leakage', 1, 0x40], ['sensor_fraud', 2, 0x04], ['mechanical_fraud', 2, 0x01],
];
const V2_STATUS: [string, number, number][] = [
  ['LEAKAGE', 1, 0x80], ['METER_BLOCKED', 1, 0x20], ['PREV_LEAKAGE', 1, 0x40], ['BACK_FLOW', 2, 0x80],
  ['UNDERFLOW', 2, 0x40], ['OVERFLOW', 2, 0x20], ['SUBMARINE', 2, 0x10], ['SENSOR_FRAUD', 2, 0x08],
  ['PREV_SENSOR_FRAUD', 2, 0x04], ['MECHANICAL_FRAUD', 2, 0x02], ['PREV_MECHANICAL_FRAUD', 2, 0x01],
];

function alarmWords(h: Uint8Array, table: [string, number, number][]): string[] {
  const out: string[] = [];
  for (const [name, byte, mask] of table) if (h[byte] & mask) out.push(name);
  return out;
}

/** Year of a PRIOS billing date: 7 bits, the high four in the month byte's upper nibble. */
function priosDate(lo: number, hi: number): string | undefined {
  let year = ((hi & 0xf0) >> 1) + ((lo & 0xe0) >> 5);
  year += year > 80 ? 1900 : 2000;
  return isoDate(year, hi & 0x0f, lo & 0x1f);
}

export const izar: Driver = {
  name: 'izar',
  manufacturers: DIEHL_CODES,
  match(ctx) {
    const f = diehlFrame(ctx);
    return f === 'prios' || f === 'sap_prios' || f === 'prios_scr';
  },
  decode(ctx): DriverResult {
    const raw = ctx.raw;
    const at = ciOffset(ctx);
    if (at < 0 || raw.length < at + 6) fail('wmbus.truncated', 'PRIOS frame too short');
    let clear: Uint8Array | undefined;
    for (const seed of seeds(ctx)) {
      const c = lfsr(raw, at, seed);
      if (c[0] === 0x4b) {
        clear = c;
        break;
      }
    }
    if (!clear) fail(ctx.key ? 'wmbus.wrong_key' : 'wmbus.no_key', 'PRIOS data does not unscramble with the known keys');
    if (clear.length < 5) fail('wmbus.truncated', 'PRIOS data has no total');
    const h = raw.subarray(at + 1, at + 4); // alarms, battery, period
    const sap = diehlFrame(ctx) === 'sap_prios';
    const values: MeterValues = {
      total_m3: round6(uintLE(clear, 1, 4) / 1000),
      remaining_battery_life_y: (h[1] & 0x1f) / 2,
      battery_y: (h[1] & 0x1f) / 2,
      transmit_period_s: 2 ** ((h[0] & 0x0f) + 2),
    };
    if (clear.length > 8) {
      const last = round6(uintLE(clear, 5, 4) / 1000);
      values.target_m3 = last;
      values.last_month_total_m3 = last;
    }
    if (clear.length > 10) {
      const date = priosDate(clear[9], clear[10]);
      if (date) {
        values.target_date = date;
        values.last_month_measure_date = date;
      }
    }
    const current = alarmWords(h, CURRENT_ALARMS);
    values.current_alarms = current.length === 0 ? 'no_alarm' : h[0] & 0x80 ? 'general_alarm' : current.join(',');
    const previous = alarmWords(h, PREVIOUS_ALARMS);
    values.previous_alarms = previous.length === 0 ? 'no_alarm' : previous.join(',');
    values.status = statusText(alarmWords(h, V2_STATUS));
    const flags: MeterFlags = {
      leak: (h[1] & 0x80) !== 0,
      backflow: (h[2] & 0x80) !== 0,
      // Diehl's "overflow" alarm is flow above the meter's range: the burst alarm.
      burst: (h[2] & 0x20) !== 0,
      tamper: (h[2] & 0x0a) !== 0,
      error: (h[1] & 0x20) !== 0 || (h[0] & 0x80) !== 0,
    };
    const result: DriverResult = { values, flags };
    if (sap) {
      result.identity = { version: 0, deviceType: 0x07 };
      Object.assign(values, sapPriosSerial(raw));
    } else {
      result.identity = swappedIdentity(raw);
    }
    result.media = mediaName(result.identity.deviceType!);
    return result;
  },
};

/** SAP PRIOS meters carry the printed serial (prefix letters, year, number) in the A field. */
function sapPriosSerial(raw: Uint8Array): MeterValues {
  const n = (raw[7] & 0x03) * 16777216 + raw[6] * 65536 + raw[5] * 256 + raw[4];
  const digits = String(n).padStart(8, '0');
  const yy = Number(digits.slice(0, 2));
  const year = yy > 70 ? 1900 + yy : 2000 + yy;
  const supplier = String.fromCharCode(64 + (((raw[9] & 0x0f) << 1) | (raw[8] >> 7)));
  const type = String.fromCharCode(64 + ((raw[8] & 0x7c) >> 2));
  const diameter = String.fromCharCode(64 + (((raw[8] & 0x03) << 3) | (raw[7] >> 5)));
  return {
    manufacture_year: String(year),
    manufacture_y: String(year),
    serial_number: digits.slice(2).padStart(6, '0'),
    prefix: `${supplier}${digits.slice(0, 2)}${type}${diameter}`,
  };
}

/** Unscrambles a real-data payload, or returns it as it is when no key gives the checksum (already clear). */
export function realDataPayload(ctx: DriverContext): Uint8Array {
  const raw = ctx.raw;
  const at = ciOffset(ctx);
  if (at < 0 || raw.length < at + 5) fail('wmbus.truncated', 'Diehl real-data frame too short');
  const check = raw[at + 4] & 0xef;
  for (const seed of seeds(ctx)) {
    const c = lfsr(raw, at, seed);
    let sum = 0;
    for (let i = 0; i < c.length; i++) sum += c[i];
    if ((sum & 0xef) === check) return c;
  }
  return raw.subarray(at + 5);
}

function isVolume(r: DataRecord): boolean {
  return r.quantity === 'volume' && r.function === 0 && typeof r.value === 'number';
}

/** Values of a Hydrus / IZAR RS real-data frame, named like wmbusmeters' hydrus driver. */
export function hydrusValues(records: DataRecord[]): MeterValues {
  const v: MeterValues = {};
  for (const r of records) {
    if (isVolume(r) && r.subunit === 0) {
      const m3 = round6(r.value as number);
      if (r.storage === 0 && r.tariff === 0) v.total_m3 = m3;
      else if (r.storage === 0) v[`total_tariff${r.tariff}_m3`] = m3;
      else if (r.storage === 1 && r.tariff === 0) v.total_at_date_m3 = m3;
      else if (r.storage === 1) v[`total_tariff${r.tariff}_at_date_m3`] = m3;
      else if (r.storage === 3 && r.tariff === 0) v.target_m3 = m3;
    } else if (r.quantity === 'date' && r.storage === 1 && r.vife.length === 0 && typeof r.value === 'string') {
      v.at_date = r.value;
    } else if (r.quantity === 'flow' && r.function === 0 && r.storage === 0 && typeof r.value === 'number') {
      v.flow_m3h = r.value;
    }
  }
  return v;
}

export const diehlRealData: Driver = {
  name: 'hydrus-real-data',
  manufacturers: DIEHL_CODES,
  match: (ctx) => diehlFrame(ctx) === 'real_data',
  decode(ctx): DriverResult {
    const payload = realDataPayload(ctx);
    const parsed = parseRecords(payload);
    if (parsed.records.length === 0) fail('wmbus.malformed', 'Diehl real-data frame has no records');
    const values = hydrusValues(parsed.records);
    // The frame has no error-flag record; the TPL status says whether the meter reports an error.
    if (!ctx.tplStatus) values.status = 'OK';
    const identity = swappedIdentity(ctx.raw);
    return { values, identity, media: mediaName(identity.deviceType) };
  },
};

/**
 * Diehl OMS frames (ordinary records) keep their billing values in meter-specific storage
 * numbers: Hydrus (versions 0x70/0x76, HYD 0x24/0x8B) the month-end value in storage 3 and
 * the yearly set-date value in storage 1; DME 0x63 (dme173) the month-end in storage 8.
 */
function omsTargetStorage(ctx: DriverContext): number {
  const m = ctx.identity.manufacturer;
  const ver = ctx.identity.version;
  if (m === 'DME') return ver === 0x70 || ver === 0x76 ? 3 : ver === 0x63 ? 8 : 0;
  if (m === 'HYD') return ver === 0x24 || ver === 0x8b ? 3 : 0;
  return 0;
}

export const diehlOms: Driver = {
  name: 'hydrus',
  manufacturers: ['DME', 'HYD'],
  match: (ctx) => omsTargetStorage(ctx) !== 0 && ctx.records.length > 0 && diehlFrame(ctx) === 'other',
  decode(ctx): DriverResult {
    const target = omsTargetStorage(ctx);
    const v: MeterValues = {};
    for (const r of ctx.records) {
      if (r.function !== 0 || r.tariff !== 0 || r.subunit !== 0) continue;
      if (isVolume(r) && r.vife.length === 0) {
        if (r.storage === target) v.target_m3 = round6(r.value as number);
        else if (r.storage === 1) v.total_at_date_m3 = v.total_at_set_date_m3 = round6(r.value as number);
      } else if (typeof r.value === 'string' && r.vife.length === 0 && (r.quantity === 'date' || r.quantity === 'datetime')) {
        // (A date with a VIFE, e.g. 0x7E "future value", is the next set date, not the last one.)
        if (r.storage === target) {
          if (r.quantity === 'date') v.target_date = r.value;
          else v.target_datetime = r.value;
        } else if (r.storage === 1 && r.quantity === 'date') v.at_date = v.set_date = r.value;
      }
    }
    return { values: v };
  },
};

/**
 * Diehl ships OMS (mode 5) meters with a default AES key (the second PRIOS key, twice).
 * For the pipeline: the key to try for a Diehl OMS frame when the meter's own key is unknown.
 */
export function diehlDefaultOmsKey(ctx: Pick<DriverContext, 'identity' | 'c' | 'ci' | 'tplConfig' | 'raw' | 'ciOffset'>): Uint8Array | null {
  if (diehlFrame(ctx as DriverContext) !== 'other' || !DIEHL.has(ctx.identity.manufacturer)) return null;
  const key = new Uint8Array(16);
  key.set(DEFAULT_KEYS[1], 0);
  key.set(DEFAULT_KEYS[1], 8);
  return key;
}

export const diehlDrivers: Driver[] = [izar, diehlRealData, diehlOms];
