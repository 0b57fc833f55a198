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

export const zennerDrivers = [zenner0b];
