/**
 * The generic reading of standard records into the values billing needs
 * (EN 13757-3 conventions): the current register is the instantaneous volume
 * of storage 0, the billing-date (target) register and date are storage 1.
 * Manufacturer drivers refine or override these.
 */
import type { DataRecord, MeterFlags, MeterValues } from './driver-api.ts';

/** True when the VIFEs after the VIF (or the table code) only rescale the value. */
function plainVife(r: DataRecord): boolean {
  const from = r.vif === 0xfd || r.vif === 0xfb ? 1 : 0;
  for (let i = from; i < r.vife.length; i++) {
    const e = r.vife[i] & 0x7f;
    if (!((e >= 0x70 && e <= 0x77) || e === 0x7d)) return false;
  }
  return true;
}

function hasCombinable(r: DataRecord, code: number): boolean {
  const from = r.vif === 0xfd || r.vif === 0xfb ? 1 : 0;
  for (let i = from; i < r.vife.length; i++) if ((r.vife[i] & 0x7f) === code) return true;
  return false;
}

const main = (r: DataRecord) => r.tariff === 0 && r.subunit === 0;

/** Field names per storage number, made once (not a template string per record). */
const names = (f: (n: number) => string) => {
  const cache = Array.from({ length: 64 }, (_, n) => f(n));
  return (n: number) => (n < 64 ? cache[n] : f(n));
};
const setDateVolumeName = names((n) => `consumption_at_set_date_${n}_m3`);
const setDateName = names((n) => `set_date_${n}`);
const setDateTimeName = names((n) => `set_datetime_${n}`);

function set(values: MeterValues, name: string, v: number | string | null): void {
  if (v !== null && values[name] === undefined) values[name] = v;
}

export function recordsToValues(records: DataRecord[]): { values: MeterValues; flags: MeterFlags } {
  const values: MeterValues = {};
  const flags: MeterFlags = {};
  for (const r of records) {
    const v = r.value;
    if (!main(r)) continue;
    switch (r.quantity) {
      case 'volume':
        if (typeof v !== 'number' || r.function !== 0) break;
        if (hasCombinable(r, 0x3c)) {
          if (r.storage === 0) {
            set(values, 'total_backward_m3', v);
            set(values, 'backflow_m3', v);
          } else if (r.storage === 1) set(values, 'backward_at_set_date_m3', v);
        } else if (hasCombinable(r, 0x3b)) {
          if (r.storage === 0) set(values, 'total_forward_m3', v);
          else if (r.storage === 1) set(values, 'forward_at_set_date_m3', v);
        } else if (plainVife(r)) {
          if (r.storage === 0) set(values, 'total_m3', v);
          else {
            // Storage n holds the value at the n-th set (billing) date; storage 1 is the target.
            if (r.storage === 1) {
              set(values, 'target_m3', v);
              set(values, 'consumption_at_set_date_m3', v);
            }
            set(values, setDateVolumeName(r.storage), v);
          }
        }
        break;
      case 'date':
      case 'datetime':
        if (typeof v !== 'string' || !plainVife(r) || r.function !== 0) break;
        if (r.storage === 0) {
          if (v.length > 10) set(values, 'meter_datetime', v);
          else set(values, 'meter_date', v);
        } else {
          const kind = v.length > 10 ? 'set_datetime' : 'set_date';
          if (r.storage === 1) {
            set(values, 'target_date', v.slice(0, 10));
            if (v.length > 10) set(values, 'target_datetime', v);
            set(values, kind, v);
          }
          set(values, v.length > 10 ? setDateTimeName(r.storage) : setDateName(r.storage), v);
        }
        break;
      case 'flow':
        if (typeof v !== 'number' || r.storage !== 0 || !plainVife(r)) break;
        if (r.function === 0) {
          set(values, 'flow_m3h', v);
          set(values, 'volume_flow_m3h', v);
        }
        else if (r.function === 1) set(values, 'max_flow_m3h', v);
        else if (r.function === 2) set(values, 'min_flow_m3h', v);
        break;
      case 'flow_temperature':
        if (typeof v === 'number' && r.storage === 0 && r.function === 0) set(values, 'flow_temperature_c', v);
        break;
      case 'external_temperature':
        if (typeof v === 'number' && r.storage === 0 && r.function === 0) set(values, 'external_temperature_c', v);
        break;
      case 'operating_time':
        if (typeof v === 'number' && r.storage === 0) set(values, 'operating_time_h', v / 3600);
        break;
      case 'on_time':
        if (typeof v === 'number' && r.storage === 0) set(values, 'on_time_h', v / 3600);
        break;
      case 'remaining_battery_life':
        if (typeof v === 'number' && r.storage === 0) set(values, 'remaining_battery_life_y', v / 365.25);
        break;
      case 'fabrication_no':
        if (r.storage === 0) set(values, 'fabrication_no', digitsOf(r));
        break;
      case 'error_flags':
        if (typeof v === 'number' && r.storage === 0) set(values, 'error_flags', v);
        break;
      default:
        break;
    }
  }
  return { values, flags };
}

/** Serial numbers keep their leading zeros: BCD digits as printed, else the decimal value. */
function digitsOf(r: DataRecord): string | null {
  const coding = r.dif & 0x0f;
  if (coding >= 9 && coding !== 0x0d && coding !== 0x0f) {
    let s = '';
    for (let i = r.data.length - 1; i >= 0; i--) s += r.data[i].toString(16).padStart(2, '0');
    return s;
  }
  return r.value === null ? null : String(r.value);
}

/** TPL status byte (EN 13757-7): application status, power low, permanent and temporary error. */
export function tplStatusFlags(sts: number | undefined, flags: MeterFlags, tokens: string[]): void {
  if (sts === undefined) return;
  const app = sts & 0x03;
  if (app === 1) tokens.push('BUSY');
  else if (app === 2) {
    tokens.push('ERROR');
    flags.error = true;
  } else if (app === 3) {
    tokens.push('ABNORMAL');
    flags.error = true;
  }
  if (sts & 0x04) {
    tokens.push('POWER_LOW');
    flags.lowBattery = true;
  }
  if (sts & 0x08) {
    tokens.push('PERMANENT_ERROR');
    flags.error = true;
  }
  if (sts & 0x10) {
    tokens.push('TEMPORARY_ERROR');
    flags.error = true;
  }
}

const flagTokens: [keyof MeterFlags, string][] = [
  ['leak', 'LEAK'], ['burst', 'BURST'], ['backflow', 'BACKFLOW'], ['dry', 'DRY'],
  ['tamper', 'TAMPER'], ['removal', 'REMOVAL'], ['lowBattery', 'BATTERY_LOW'],
];

function anySet(flags: MeterFlags): boolean {
  for (const k in flags) if ((flags as Record<string, boolean | undefined>)[k]) return true;
  return false;
}

/** The `status` text: 'OK', or the set flags' tokens separated by spaces (like wmbusmeters). */
export function statusText(flags: MeterFlags, tplTokens: string[]): string {
  if (tplTokens.length === 0 && !anySet(flags)) return 'OK'; // most telegrams: no array, no sort
  const out = [...tplTokens];
  for (const [flag, token] of flagTokens) {
    if (!flags[flag] || out.includes(token)) continue;
    // The TPL's power-low bit already says it (as POWER_LOW, wmbusmeters' word for it).
    if (flag === 'lowBattery' && out.includes('POWER_LOW')) continue;
    out.push(token);
  }
  return out.length === 0 ? 'OK' : out.sort().join(' ');
}
