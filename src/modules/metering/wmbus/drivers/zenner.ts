/**
 * Zenner (ZRI) water meters with the proprietary "0B" radio (version 0x0B).
 *
 * Format read here: after 2F2F the payload is one manufacturer block (DIF 0x0F) of three
 * 32-bit little-endian words: status (0 = no error), billing-date volume and total volume,
 * both in 1/256 litre.
 */
import type { Driver, DriverResult } from '../driver-api.ts';
import { fail } from '../errors.ts';
import { parseRecords } from '../records.ts';
import { round6, uintLE } from './util.ts';

export const zenner0b: Driver = {
  name: 'zenner0b',
  manufacturers: ['ZRI'],
  match: (ctx) => ctx.identity.manufacturer === 'ZRI' && ctx.identity.version === 0x0b && !ctx.encrypted,
  decode(ctx): DriverResult {
    const block = ctx.mfctData ?? (ctx.records.length === 0 ? parseRecords(ctx.payload).mfctData : undefined);
    if (!block || block.length < 12) fail('wmbus.truncated', 'Zenner 0B block missing or too short');
    const status = uintLE(block, 0, 4);
    return {
      values: {
        status: status === 0 ? 'OK' : `STATUS_${status.toString(16).toUpperCase()}`,
        target_m3: round6(uintLE(block, 4, 4) / 256000),
        total_m3: round6(uintLE(block, 8, 4) / 256000),
      },
      flags: { error: status !== 0 },
    };
  },
};



/**
 * Zenner radio with OMS records (version 0x99, "uiws"): the month-end billing values are
 * in storage 30 (latest) to 40 (ten months before), each with its date; storage 1 holds a
 * placeholder (0x80000000) that is not a reading.
 */
export const zennerUiws: Driver = {
  name: 'uiws',
  manufacturers: ['ZRI'],
  match: (ctx) => ctx.identity.manufacturer === 'ZRI' && ctx.identity.version === 0x99 && ctx.records.length > 0,
  decode(ctx): DriverResult {
    const v: Record<string, number | string> = {};
    for (const r of ctx.records) {
      if (r.function !== 0 || r.storage < 30 || r.storage > 40) continue;
      const name = r.storage === 30 ? 'target' : `target_${r.storage - 30}`;
      if (r.quantity === 'volume' && typeof r.value === 'number' && r.data.length === 4 && uintLE(r.data, 0, 4) !== 0x80000000) {
        v[`${name}_m3`] = round6(r.value);
      } else if (r.quantity === 'date' && typeof r.value === 'string') {
        v[`${name}_date`] = r.value;
      }
    }
    return { values: v };
  },
};
export const zennerDrivers = [zenner0b, zennerUiws];
