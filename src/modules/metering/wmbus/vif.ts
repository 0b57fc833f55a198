/**
 * Value information field tables of EN 13757-3 (primary VIF, the 0xFD and 0xFB
 * extension tables and the combinable VIFEs that change a value's meaning or
 * scale). Built once at load time so that decoding a record is a table lookup.
 */

/** How a record's data is to be read once its bytes are known. */
export type VifKind = 'number' | 'code' | 'date' | 'datetime' | 'time' | 'text' | 'bytes';

export interface VifInfo {
  quantity: string;
  unit: string;
  /** Decimal exponent of the VIF: value = raw × factor × 10^exp. */
  exp: number;
  /** Whole-number factor (time units to seconds, per-minute to per-hour). */
  factor: number;
  /** number: signed physical value; code: unsigned, unscaled (flags, counters, serial numbers). */
  kind: VifKind;
}

const info = (quantity: string, unit: string, exp = 0, kind: VifKind = 'number', factor = 1): VifInfo => ({ quantity, unit, exp, factor, kind });
const timeScale = [1, 60, 3600, 86400];
const unknown = info('unknown', '', 0, 'bytes');

/** Primary VIF table, indexed by VIF & 0x7F. */
export const primary: VifInfo[] = new Array(128).fill(unknown);
for (let n = 0; n < 8; n++) {
  primary[0x00 | n] = info('energy', 'Wh', n - 3);
  primary[0x08 | n] = info('energy', 'J', n);
  primary[0x10 | n] = info('volume', 'm3', (n - 6));
  primary[0x18 | n] = info('mass', 'kg', n - 3);
  primary[0x28 | n] = info('power', 'W', n - 3);
  primary[0x30 | n] = info('power', 'J/h', n);
  primary[0x38 | n] = info('flow', 'm3/h', (n - 6));
  primary[0x40 | n] = info('flow', 'm3/h', n - 7, 'number', 60); // m3/min → m3/h
  primary[0x48 | n] = info('flow', 'm3/h', n - 9, 'number', 3600); // m3/s → m3/h
  primary[0x50 | n] = info('mass_flow', 'kg/h', n - 3);
}
for (let n = 0; n < 4; n++) {
  primary[0x20 | n] = info('on_time', 's', 0, 'number', timeScale[n]);
  primary[0x24 | n] = info('operating_time', 's', 0, 'number', timeScale[n]);
  primary[0x58 | n] = info('flow_temperature', 'C', n - 3);
  primary[0x5c | n] = info('return_temperature', 'C', n - 3);
  primary[0x60 | n] = info('temperature_difference', 'K', n - 3);
  primary[0x64 | n] = info('external_temperature', 'C', n - 3);
  primary[0x68 | n] = info('pressure', 'bar', n - 3);
  primary[0x70 | n] = info('averaging_duration', 's', 0, 'number', timeScale[n]);
  primary[0x74 | n] = info('actuality_duration', 's', 0, 'number', timeScale[n]);
}
primary[0x6c] = info('date', 'date', 0, 'date');
primary[0x6d] = info('datetime', 'datetime', 0, 'datetime');
primary[0x6e] = info('hca_units', '', 0, 'code');
primary[0x78] = info('fabrication_no', '', 0, 'code');
primary[0x79] = info('enhanced_id', '', 0, 'code');
primary[0x7a] = info('bus_address', '', 0, 'code');
primary[0x7e] = info('any', '', 0, 'bytes');
primary[0x7f] = info('mfct', '', 0, 'bytes');

/** The first extension table (VIF 0xFD), indexed by VIFE & 0x7F. */
export const tableFD: VifInfo[] = new Array(128).fill(unknown);
{
  const names: [number, string, string?, VifKind?][] = [
    [0x08, 'access_number'], [0x09, 'medium'], [0x0a, 'manufacturer'], [0x0b, 'parameter_set'],
    [0x0c, 'model_version'], [0x0d, 'hardware_version'], [0x0e, 'firmware_version'], [0x0f, 'software_version'],
    [0x10, 'customer_location'], [0x11, 'customer', '', 'text'], [0x12, 'access_code_user'], [0x13, 'access_code_operator'],
    [0x14, 'access_code_system_operator'], [0x15, 'access_code_developer'], [0x16, 'password'], [0x17, 'error_flags'],
    [0x18, 'error_mask'], [0x1a, 'digital_output'], [0x1b, 'digital_input'], [0x1c, 'baud_rate'],
    [0x1d, 'response_delay'], [0x1e, 'retry'], [0x1f, 'remote_control'], [0x20, 'first_storage_number'],
    [0x21, 'last_storage_number'], [0x22, 'storage_block_size'], [0x3a, 'dimensionless'],
    [0x60, 'reset_counter'], [0x61, 'cumulation_counter'], [0x62, 'control_signal'], [0x63, 'day_of_week'],
    [0x64, 'week_number'], [0x65, 'day_change_time'], [0x66, 'parameter_activation'], [0x67, 'supplier_info'],
    [0x71, 'rssi'], [0x72, 'daylight_saving'], [0x73, 'listening_window'], [0x75, 'meter_stops'], [0x76, 'data_container', '', 'bytes'],
  ];
  for (const [code, q, unit = '', kind = 'code'] of names) tableFD[code] = info(q, unit, 0, kind);
  for (let n = 0; n < 4; n++) {
    tableFD[0x00 | n] = info('credit', 'currency', n - 3);
    tableFD[0x04 | n] = info('debit', 'currency', n - 3);
    tableFD[0x24 | n] = info('storage_interval', 's', 0, 'number', timeScale[n]);
    tableFD[0x2c | n] = info('duration_since_readout', 's', 0, 'number', timeScale[n]);
    tableFD[0x30 | n] = info('tariff_duration', 's', 0, 'number', timeScale[n]);
    tableFD[0x34 | n] = info('tariff_period', 's', 0, 'number', timeScale[n]);
    tableFD[0x68 | n] = info('duration_since_cumulation', 's', 0, 'number', timeScale[n]);
    tableFD[0x6c | n] = info('battery_operating_time', 's', 0, 'number', timeScale[n]);
  }
  tableFD[0x28] = info('storage_interval_months', 'months', 0, 'code');
  tableFD[0x29] = info('storage_interval_years', 'years');
  tableFD[0x2b] = info('time_point_second', 's');
  tableFD[0x38] = info('tariff_period_months', 'months');
  tableFD[0x39] = info('tariff_period_years', 'years');
  for (let n = 0; n < 16; n++) {
    tableFD[0x40 | n] = info('voltage', 'V', (n - 9));
    tableFD[0x50 | n] = info('current', 'A', (n - 12));
  }
  tableFD[0x70] = info('battery_change_datetime', 'datetime', 0, 'datetime');
  tableFD[0x74] = info('remaining_battery_life', 'd');
}

/** The second extension table (VIF 0xFB), indexed by VIFE & 0x7F. */
export const tableFB: VifInfo[] = new Array(128).fill(unknown);
for (let n = 0; n < 2; n++) {
  tableFB[0x00 | n] = info('energy', 'Wh', (n + 5)); // MWh 10^(n-1)
  tableFB[0x08 | n] = info('energy', 'J', (n + 8)); // GJ 10^(n-1)
  tableFB[0x10 | n] = info('volume', 'm3', (n + 2));
  tableFB[0x18 | n] = info('mass', 'kg', (n + 5)); // t 10^(n+2)
  tableFB[0x28 | n] = info('power', 'W', (n + 5)); // MW 10^(n-1)
  tableFB[0x30 | n] = info('power', 'J/h', (n + 8)); // GJ/h 10^(n-1)
}
tableFB[0x21] = info('volume_ft3', 'ft3', -1);
tableFB[0x22] = info('volume_gal', 'gal', -1);
tableFB[0x23] = info('volume_gal', 'gal', 0);
for (let n = 0; n < 4; n++) {
  tableFB[0x58 | n] = info('flow_temperature_f', 'F', n - 3);
  tableFB[0x5c | n] = info('return_temperature_f', 'F', n - 3);
  tableFB[0x64 | n] = info('external_temperature_f', 'F', n - 3);
  tableFB[0x70 | n] = info('cold_warm_temperature_limit_f', 'F', n - 3);
  tableFB[0x74 | n] = info('cold_warm_temperature_limit', 'C', n - 3);
}
tableFB[0x1a] = info('relative_humidity', '%', -1);
tableFB[0x1b] = info('relative_humidity', '%', 0);

/**
 * What a record's VIF and VIFEs say. `vife` holds the VIFE bytes after the VIF
 * (for 0xFD/0xFB the first one is the table code). Combinable VIFEs that scale
 * the value (0x70–0x77 multiplicative correction, 0x7D ×1000) are folded into
 * the returned exponent; those that change the meaning (0x3B forward, 0x3C
 * backward flow, error codes) are left for the caller to read from `vife`
 * starting at `combinableFrom`.
 */
export interface VifDescription {
  info: VifInfo;
  exp: number;
  combinableFrom: number;
}

/** Descriptions of the plain primary VIFs (no VIFE), made once: the common case costs no allocation. */
const plainPrimary: VifDescription[] = primary.map((info) => ({ info, exp: info.exp, combinableFrom: 0 }));

export function describeVif(vif: number, vife: number[]): VifDescription {
  if (vif < 0x80 && vif !== 0x7c) return plainPrimary[vif];
  let base: VifInfo;
  let next = 0;
  if (vif === 0xfd || vif === 0xfb) {
    if (vife.length === 0) return { info: unknown, exp: 0, combinableFrom: 0 };
    base = (vif === 0xfd ? tableFD : tableFB)[vife[0] & 0x7f];
    next = 1;
  } else if (vif === 0x7c || vif === 0xfc) {
    base = plainText;
  } else if (vif === 0xef) {
    base = unknown; // reserved extension table
  } else {
    base = primary[vif & 0x7f];
  }
  let exp = base.exp;
  for (let i = next; i < vife.length; i++) {
    const e = vife[i] & 0x7f;
    if (e >= 0x70 && e <= 0x77) exp += e - 0x76;
    else if (e === 0x7d) exp += 3;
  }
  return { info: base, exp, combinableFrom: next };
}

const plainText = info('plain_text_unit', '');

/** True when one of the combinable VIFEs from index `from` has the code (e.g. 0x3C backward flow). */
export function hasVife(vife: number[], from: number, code: number): boolean {
  for (let i = from; i < vife.length; i++) if ((vife[i] & 0x7f) === code) return true;
  return false;
}
