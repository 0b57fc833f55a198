/**
 * GWF water meters and radio modules (GWF).
 *
 * Format read here: ordinary records, then a manufacturer block (DIF 0x0F). When its first
 * byte is 0x01 the next two are the status byte (bit 1 continuous flow, bit 3 broken pipe,
 * bit 5 battery low, bit 6 backflow) and the power byte (bit 0 power-saving mode, bits 3–7
 * remaining battery life in ½ years). Any other first byte is a manufacturer error code.
 */
import type { Driver, DriverResult, MeterValues } from '../driver-api.ts';
import { bitWords, statusText, tplStatusWords } from './util.ts';

const FLAGS: [number, string][] = [[0x02, 'CONTINUOUS_FLOW'], [0x08, 'BROKEN_PIPE'], [0x20, 'BATTERY_LOW'], [0x40, 'BACKFLOW']];

export const gwfwater: Driver = {
  name: 'gwfwater',
  manufacturers: ['GWF'],
  match: (ctx) => ctx.identity.manufacturer === 'GWF' && ctx.mfctData !== undefined && ctx.mfctData.length > 0,
  decode(ctx): DriverResult {
    const m = ctx.mfctData!;
    const v: MeterValues = {};
    const words = tplStatusWords(ctx.tplStatus);
    let s = 0;
    if (m[0] === 0x01 && m.length >= 3) {
      s = m[1];
      words.push(...bitWords(s, FLAGS, 'MFCT_FLAGS', 0xff));
      v.power_mode = m[2] & 1 ? 'SAVING' : 'NORMAL';
      v.battery_y = (m[2] >> 3) * 0.5;
    } else {
      words.push(`UNKNOWN_MFCT_STATUS_${m[0].toString(16).toUpperCase()}`);
    }
    v.status = statusText(words);
    return {
      values: v,
      flags: {
        // Water running without a pause is how these meters report a leak.
        leak: (s & 0x02) !== 0,
        burst: (s & 0x08) !== 0,
        lowBattery: (s & 0x20) !== 0 || ((ctx.tplStatus ?? 0) & 0x04) !== 0,
        backflow: (s & 0x40) !== 0,
      },
    };
  },
};

export const gwfDrivers: Driver[] = [gwfwater];
