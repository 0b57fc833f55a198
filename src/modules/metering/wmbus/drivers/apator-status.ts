/**
 * Apator meters whose readings are ordinary records but whose alarm words are Apator's own.
 *
 * Formats read here:
 * - Ultrimis ultrasonic meters (APA, versions 0x01/0x20, cold water): error-flag record
 *   03 FD 17, 24 bits: the current alarms in bits 0–7 (tamper, low battery, dry, no flow,
 *   high temperature, burst, reverse flow, leak), the same set "this month" in bits 8–15 and
 *   "previous month" in bits 16–23; backward volume in record 04 93 3C.
 * - Apator wired M-Bus (APA version 0x15, "aptmbusna"): error-flag record, bits 0–11 events
 *   stored since the last reset ("P_"), bits 16–23 current ones.
 */
import type { DataRecord, Driver, DriverContext, DriverResult } from '../driver-api.ts';
import { parseRecords } from '../records.ts';
import { bitWords, round6, statusText, tplStatusWords, uintLE } from './util.ts';

const ULTRIMIS_BASE = ['TAMPER', 'LOW_BATTERY', 'DRY', 'NO_FLOW', 'HIGH_TEMPERATURE', 'BURST', 'REVERSE', 'LEAK'];
const ULTRIMIS: [number, string][] = [
  ...ULTRIMIS_BASE.map((n, i) => [1 << i, n] as [number, string]),
  ...ULTRIMIS_BASE.map((n, i) => [1 << (i + 8), `${n}_THIS_MONTH`] as [number, string]),
  ...ULTRIMIS_BASE.map((n, i) => [1 << (i + 16), `${n}_PREV_MONTH`] as [number, string]),
];

function recordsOf(ctx: DriverContext): DataRecord[] {
  return ctx.records.length > 0 || ctx.encrypted ? ctx.records : parseRecords(ctx.payload).records;
}

function errorFlags(records: DataRecord[]): number | undefined {
  for (const r of records) {
    if (r.quantity === 'error_flags' && r.function === 0 && r.storage === 0 && r.data.length > 0) {
      return uintLE(r.data, 0, Math.min(4, r.data.length));
    }
  }
  return undefined;
}

export const ultrimis: Driver = {
  name: 'ultrimis',
  manufacturers: ['APA'],
  match: (ctx) =>
    ctx.identity.manufacturer === 'APA' &&
    (ctx.identity.version === 0x01 || ctx.identity.version === 0x20) &&
    ctx.identity.deviceType === 0x16 &&
    !ctx.encrypted,
  decode(ctx): DriverResult {
    const records = recordsOf(ctx);
    const result: DriverResult = { values: {} };
    const v = result.values!;
    for (const r of records) {
      if (r.vif === 0x93 && r.vife[0] === 0x3c && typeof r.value === 'number') {
        v.total_backward_m3 = v.total_backward_flow_m3 = round6(r.value);
      }
    }
    const e = errorFlags(records);
    if (e !== undefined) {
      v.status = statusText(bitWords(e, ULTRIMIS, 'ERROR_FLAGS', 0xffffff));
      v.current_status = statusText(bitWords(e & 0xff, ULTRIMIS, 'ERROR_FLAGS'));
      result.flags = {
        tamper: (e & 0x01) !== 0,
        lowBattery: (e & 0x02) !== 0,
        dry: (e & 0x04) !== 0,
        burst: (e & 0x20) !== 0,
        backflow: (e & 0x40) !== 0,
        leak: (e & 0x80) !== 0,
      };
    }
    return result;
  },
};

const APT_MBUS: [number, string][] = [
  [0x000001, 'P_MAGNETIC_FIELD'], [0x000002, 'P_STRONG_LIGHT'], [0x000004, 'P_MBUS_DISCONNECTED'],
  [0x000008, 'P_DETECTION_WITHOUT_CHANGES'], [0x000010, 'P_MINIMUM_FLOW'], [0x000020, 'P_MAXIMUM_FLOW'],
  [0x000040, 'P_REVERSE_FLOW'], [0x000800, 'P_LEAK'], [0x000100, 'P_PROCESSOR_RESET'], [0x000200, 'P_CLOCK_HAND_ERROR'],
  [0x000400, 'BATTERY_LOW'], [0x010000, 'MAGNETIC_FIELD'], [0x020000, 'STRONG_LIGHT'], [0x040000, 'MBUS_DISCONNECTED'],
  [0x080000, 'DETECTION_WITHOUT_CHANGES'], [0x100000, 'MINIMUM_FLOW'], [0x200000, 'MAXIMUM_FLOW'],
  [0x400000, 'REVERSE_FLOW'], [0x800000, 'PROCESSOR_RESET'],
];

export const aptmbusna: Driver = {
  name: 'aptmbusna',
  manufacturers: ['APA'],
  match: (ctx) => ctx.identity.manufacturer === 'APA' && ctx.identity.version === 0x15 && !ctx.encrypted,
  decode(ctx): DriverResult {
    const e = errorFlags(recordsOf(ctx)) ?? 0;
    return {
      values: { status: statusText([...bitWords(e, APT_MBUS, 'ERROR_FLAGS', 0xffffff), ...tplStatusWords(ctx.tplStatus)]) },
      flags: {
        leak: (e & 0x000800) !== 0,
        tamper: (e & 0x030000) !== 0,
        removal: (e & 0x040000) !== 0,
        backflow: (e & 0x400040) !== 0,
        lowBattery: (e & 0x000400) !== 0,
      },
    };
  },
};

export const apatorStatusDrivers: Driver[] = [ultrimis, aptmbusna];
