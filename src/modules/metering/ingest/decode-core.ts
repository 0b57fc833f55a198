/**
 * One telegram's bytes → what ingestion needs from it: identity, error (the
 * quarantine reason), volume, the meter's clock and the alarm flags. Runs in the decode worker threads and inline (gateway, MQTT).
 */
import { createDecoder, type DecodeResult } from '../wmbus/index.ts';

export const ALARM_KINDS = ['leak', 'burst', 'backflow', 'tamper', 'removal'] as const;
export type AlarmKind = (typeof ALARM_KINDS)[number];

export interface DecodedItem {
  manufacturer?: string;
  radioId?: string;
  error?: { code: string; message: string };
  totalM3?: number;
  /** The meter's civil time 'YYYY-MM-DD HH:MM' when the telegram carries it. */
  meterDatetime?: string;
  /** Alarm flags set in the telegram. */
  alarms: AlarmKind[];
}

export type KeyFor = (radioId: string, manufacturer: string) => Uint8Array | undefined;

export function makeDecode(keyFor: KeyFor): (bytes: Uint8Array) => DecodedItem {
  const decoder = createDecoder({ keyFor });
  return (bytes) => {
    let out: DecodeResult;
    try {
      out = decoder.decode(bytes);
    } catch (err) {
      // The decoder promises typed errors; a throw is still kept, never lost.
      return { error: { code: 'wmbus.malformed', message: `decoder failed: ${(err as Error).message}` }, alarms: [] };
    }
    const item: DecodedItem = { alarms: [] };
    if (out.identity) {
      item.manufacturer = out.identity.manufacturer;
      item.radioId = out.identity.id;
    }
    if (out.error) {
      item.error = { code: out.error.code, message: out.error.message };
      return item;
    }
    const total = out.values.total_m3;
    if (typeof total === 'number' && Number.isFinite(total) && total >= 0) item.totalM3 = total;
    const dt = out.values.meter_datetime;
    if (typeof dt === 'string') item.meterDatetime = dt;
    for (const k of ALARM_KINDS) if (out.flags[k]) item.alarms.push(k);
    return item;
  };
}
