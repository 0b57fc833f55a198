/**
 * The JSON shape of a decoded telegram for the CLI and any export: snake_case
 * with units in the names (like wmbusmeters' output, so readings can be
 * compared field by field).
 */
import type { DecodeResult } from './result.ts';

const hex2 = (n: number) => (n < 16 ? '0' : '') + n.toString(16);

export function toJson(r: DecodeResult): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (r.identity) {
    out.id = r.identity.id;
    out.manufacturer = r.identity.manufacturer;
    out.version = hex2(r.identity.version);
    out.type = hex2(r.identity.deviceType);
    out.media = r.media;
  }
  if (r.error) {
    out.error = { code: r.error.code, message: r.error.message };
    return out;
  }
  for (const [k, v] of Object.entries(r.values)) if (v !== undefined) out[k] = v;
  out.status = r.status;
  const f = r.flags;
  out.leak = !!f.leak;
  out.burst = !!f.burst;
  out.backflow = !!f.backflow;
  out.dry = !!f.dry;
  out.tamper = !!f.tamper;
  out.removal = !!f.removal;
  out.low_battery = !!f.lowBattery;
  out.error_flag = !!f.error;
  if (r.encrypted) out.encrypted = true;
  if (r.warnings) out.warnings = r.warnings;
  if (r.drivers.length) out.driver = r.drivers.join(',');
  return out;
}
