/**
 * Qundis (QDS; the same radio in some LSE-branded meters) water meters: Q water 5.5 and its
 * radio converters.
 *
 * Formats read here:
 * - Standard frames (CI 0x7A / 0x72): ordinary records. The meter keeps two billing values:
 *   storage 1 is the yearly due date (wmbusmeters: due_date / target_year), storage 17 the
 *   last month end (due_17_date / target). The month-end value is what Wodnik bills against,
 *   so target_m3 / target_date are the storage-17 ones, as in wmbusmeters' qwaterv2.
 * - Walk-by frames (CI 0x78) carry one manufacturer record 0D FF 5F of 53 bytes (Siemens/Qundis
 *   "WalkByDataSet", type 0x82): a 9-byte header, the volume VIF (0x13 = litres), then the
 *   error date (type G), total (8-digit BCD), yearly due date and value, month-end date and
 *   value, then twelve 2-byte monthly deltas (not read).
 * - Status: the error-flag record (VIF FD 17) bits F0–F9 by the Qundis manual.
 */
import type { DataRecord, Driver, DriverContext, DriverResult, MeterFlags, MeterValues } from '../driver-api.ts';
import { parseRecords } from '../records.ts';
import { bcdLE, dateTypeG, round6, statusText } from './util.ts';

const ERROR_BITS = ['NO_FLOW', 'SUPPLY_SENSOR_INTERRUPTED', 'RETURN_SENSOR_INTERRUPTED', 'TEMPERATURE_ELECTRONICS_ERROR',
  'BATTERY_VOLTAGE_ERROR', 'SHORT_CIRCUIT_SUPPLY_SENSOR', 'SHORT_CIRCUIT_RETURN_SENSOR', 'MEMORY_ERROR', 'SABOTAGE',
  'ELECTRONICS_ERROR'];

const QDS_VERSIONS = new Set([0x16, 0x17, 0x18, 0x19, 0x1a, 0x1d, 0x33, 0x35, 0x36]);

function isQundisWater(ctx: DriverContext): boolean {
  const m = ctx.identity.manufacturer;
  if (m !== 'QDS' && m !== 'LSE') return false;
  const t = ctx.identity.deviceType;
  return QDS_VERSIONS.has(ctx.identity.version) && (t === 0x06 || t === 0x07 || t === 0x15 || t === 0x16 || t === 0x37);
}

function setDue(v: MeterValues, storage: number, m3?: number, date?: string | null): void {
  if (storage === 1) {
    if (m3 !== undefined) v.due_date_m3 = v.target_year_m3 = m3;
    if (date) v.due_date = v.target_year_date = date;
  } else if (storage === 17) {
    if (m3 !== undefined) v.due_17_date_m3 = v.target_m3 = m3;
    if (date) v.due_17_date = v.target_date = date;
  }
}

/** Reads the walk-by block (the data of record 0D FF 5F); false when it is not one. */
function walkBy(d: Uint8Array, v: MeterValues): boolean {
  if (d.length !== 53 || (d[9] & 0xf8) !== 0x10) return false;
  const scale = 10 ** ((d[9] & 7) - 6);
  const total = bcdLE(d, 12, 4);
  if (total >= 0) v.total_m3 = round6(total * scale);
  const yearly = bcdLE(d, 18, 4);
  setDue(v, 1, yearly >= 0 ? round6(yearly * scale) : undefined, dateTypeG(d[16], d[17]));
  const monthly = bcdLE(d, 24, 4);
  setDue(v, 17, monthly >= 0 ? round6(monthly * scale) : undefined, dateTypeG(d[22], d[23]));
  const errorDate = dateTypeG(d[10], d[11]);
  if (errorDate) v.error_date = v.device_error_date = errorDate;
  return true;
}

export function qundisValues(records: DataRecord[], tplStatus: number | undefined): { values: MeterValues; flags: MeterFlags } {
  const v: MeterValues = {};
  let errors = 0;
  for (const r of records) {
    if (r.dif === 0x0d && r.vif === 0xff && r.vife[0] === 0x5f) {
      walkBy(r.data, v);
    } else if (r.quantity === 'volume' && r.function === 0 && typeof r.value === 'number') {
      if (r.storage === 0 && r.tariff === 0) v.total_m3 = round6(r.value);
      else setDue(v, r.storage, round6(r.value));
    } else if (r.quantity === 'date' && r.function === 0 && r.vife.length === 0) {
      setDue(v, r.storage, undefined, typeof r.value === 'string' ? r.value : null);
    } else if (r.quantity === 'date' && r.function === 3 && typeof r.value === 'string') {
      v.error_date = v.device_error_date = r.value;
    } else if (r.quantity === 'flow' && r.vife.length > 0 && typeof r.value === 'number') {
      v.volume_flow_m3h = r.value;
    } else if (r.quantity === 'error_flags' && r.data.length > 0) {
      errors = r.data[0] | ((r.data[1] ?? 0) << 8);
    }
  }
  const words = ERROR_BITS.filter((_, bit) => errors & (1 << bit));
  if (tplStatus) words.push(...tplWords(tplStatus));
  v.status = statusText(words);
  const flags: MeterFlags = {
    lowBattery: (errors & 0x10) !== 0,
    tamper: (errors & 0x100) !== 0,
    error: (errors & 0x2ee) !== 0,
  };
  return { values: v, flags };
}

function tplWords(s: number): string[] {
  const out: string[] = [];
  if (s & 0x04) out.push('POWER_LOW');
  if (s & 0x08) out.push('PERMANENT_ERROR');
  if (s & 0x10) out.push('TEMPORARY_ERROR');
  return out;
}

export const qwater: Driver = {
  name: 'qwater',
  manufacturers: ['QDS', 'LSE'],
  match: (ctx) => isQundisWater(ctx) && !ctx.encrypted && (ctx.ci === 0x78 || ctx.ci === 0x7a || ctx.ci === 0x72),
  decode(ctx): DriverResult {
    const records = ctx.records.length > 0 ? ctx.records : parseRecords(ctx.payload).records;
    return qundisValues(records, ctx.tplStatus);
  },
};

export const qundisDrivers: Driver[] = [qwater];
