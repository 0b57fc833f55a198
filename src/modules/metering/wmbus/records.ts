/**
 * The application layer's data records (EN 13757-3): DIF, DIFEs, VIF, VIFEs
 * and data, read into DataRecords with the value already scaled. Idle fillers
 * (0x2F) are skipped; 0x0F/0x1F start manufacturer data that runs to the end.
 */
import type { DataRecord } from './driver-api.ts';
import { quickError, type WmbusError } from './errors.ts';
import { dateG, dateTimeF, dateTimeI, timeJ } from './dates.ts';
import { bcdLE, float32LE, intLE, uintLE } from './numbers.ts';
import { describeVif } from './vif.ts';

export interface RecordsResult {
  records: DataRecord[];
  /** Bytes after a 0x0F/0x1F DIF. */
  mfctData?: Uint8Array;
  /** True when a 0x1F said more records follow in the next telegram. */
  moreFollows?: boolean;
  /** Set when the records broke off (the records read so far are kept). */
  error?: WmbusError;
}

/** Data length per DIF coding (low nibble); -1 variable length, -2 special. */
const lengths = [0, 1, 2, 3, 4, 4, 6, 8, 0, 1, 2, 3, 4, -1, 6, -2];
const MAX_EXTENSIONS = 10;
/** Shared by records without DIFEs/VIFEs (most of them); frozen so no one appends to it. */
const NONE: number[] = Object.freeze([]) as unknown as number[];

/** Reads the records in payload[from, to). Never throws: a broken record ends the list with `error`. */
export function parseRecords(payload: Uint8Array, from = 0, to = payload.length): RecordsResult {
  const records: DataRecord[] = [];
  let i = from;
  while (i < to) {
    const offset = i;
    const dif = payload[i++];
    if (dif === 0x2f) continue; // idle filler
    const coding = dif & 0x0f;
    if (coding === 0x0f) {
      if (dif === 0x0f || dif === 0x1f) return { records, mfctData: payload.subarray(i, to), moreFollows: dif === 0x1f };
      if (dif === 0x7f || dif === 0xff) continue; // global readout request: no data
      i = offset;
      return broken(records, `reserved DIF 0x${dif.toString(16)}`, i);
    }
    let storage = (dif >> 6) & 1;
    let tariff = 0;
    let subunit = 0;
    let dife: number[] = NONE;
    let ext = dif & 0x80;
    if (ext) dife = [];
    while (ext) {
      if (i >= to) return broken(records, 'record ends inside its DIFEs', i);
      if (dife.length === MAX_EXTENSIONS) return broken(records, 'too many DIFEs', i);
      const d = payload[i++];
      const k = dife.length;
      storage |= (d & 0x0f) << (1 + 4 * k);
      tariff |= ((d >> 4) & 3) << (2 * k);
      subunit |= ((d >> 6) & 1) << k;
      dife.push(d);
      ext = d & 0x80;
    }
    if (i >= to) {
      // A DIF with no VIF: fillers of 0x00 at the end of a padded block are common; anything else is broken.
      if (dif === 0x00) break;
      return broken(records, 'record ends before its VIF', i);
    }
    const vif = payload[i++];
    if ((vif & 0x7f) === 0x7c) {
      // Plain-text unit: a length byte and that many ASCII characters follow the VIF.
      if (i >= to) return broken(records, 'record ends inside its plain-text VIF', i);
      i += 1 + payload[i];
    }
    let vife: number[] = NONE;
    ext = vif & 0x80;
    if (ext) vife = [];
    while (ext) {
      if (i >= to) return broken(records, 'record ends inside its VIFEs', i);
      if (vife.length === MAX_EXTENSIONS) return broken(records, 'too many VIFEs', i);
      const e = payload[i++];
      vife.push(e);
      ext = e & 0x80;
    }
    let len = lengths[coding];
    let lvar = -1;
    if (len === -1) {
      if (i >= to) return broken(records, 'record ends before its length byte', i);
      lvar = payload[i++];
      if (lvar < 0xc0) len = lvar;
      else if (lvar < 0xca) len = lvar - 0xc0;
      else if (lvar >= 0xd0 && lvar < 0xda) len = lvar - 0xd0;
      else if (lvar >= 0xe0 && lvar < 0xf0) len = lvar - 0xe0;
      else if (lvar >= 0xf0 && lvar < 0xf5) len = 4 * (lvar - 0xec);
      else if (lvar === 0xf5) len = 6;
      else if (lvar === 0xf6) len = 8;
      else return broken(records, `reserved variable length 0x${lvar.toString(16)}`, i);
    }
    if (i + len > to) return broken(records, 'record data runs past the end', i);
    const data = payload.subarray(i, i + len);
    const { info, exp } = describeVif(vif, vife);
    let value: number | string | null = null;
    if (len > 0) {
      if (info.kind === 'date' || info.kind === 'datetime') {
        value = len === 2 ? dateG(payload, i) : len === 4 ? dateTimeF(payload, i) : len === 6 ? dateTimeI(payload, i) : len === 3 ? timeJ(payload, i) : null;
      } else if (lvar >= 0 && lvar < 0xc0) {
        value = asciiReversed(data);
      } else {
        let raw: number | null;
        if (lvar >= 0xc0 && lvar < 0xe0) {
          raw = bcdLE(payload, i, len);
          if (raw !== null && lvar >= 0xd0) raw = -raw;
        } else if (coding >= 9 && coding !== 0x0d) raw = bcdLE(payload, i, len);
        else if (coding === 5) raw = float32LE(payload, i);
        else if (info.kind === 'code' || info.kind === 'bytes') raw = len <= 6 ? uintLE(payload, i, len) : intLE(payload, i, len);
        else raw = intLE(payload, i, len);
        if (raw !== null && info.kind === 'bytes' && len > 6) raw = null;
        if (raw !== null && info.kind !== 'code') {
          raw *= info.factor;
          value = exp < 0 ? raw / 10 ** -exp : exp > 0 ? raw * 10 ** exp : raw;
        } else value = raw;
      }
    }
    i += len;
    records.push({
      offset,
      dif,
      dife,
      vif,
      vife,
      function: ((dif >> 4) & 3) as 0 | 1 | 2 | 3,
      storage,
      tariff,
      subunit,
      quantity: info.quantity,
      unit: info.unit,
      value,
      data,
    });
  }
  return { records };
}

function broken(records: DataRecord[], why: string, at: number): RecordsResult {
  return { records, error: quickError('wmbus.malformed', `${why} at payload offset ${at}`) };
}

function asciiReversed(data: Uint8Array): string {
  let s = '';
  for (let k = data.length - 1; k >= 0; k--) s += String.fromCharCode(data[k]);
  return s;
}
