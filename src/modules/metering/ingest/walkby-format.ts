/**
 * One line of a walk-by file → one telegram (hex, receive time, RSSI), or a
 * reason why the line is not one. Pure: no I/O.
 *
 * Formats that real receivers and tools write:
 *  - plain hex, optionally with a timestamp and an RSSI in any order,
 *    separated by spaces, commas, semicolons or tabs:
 *      2026-11-25T08:15:02Z;-71;2E4493157856341233037A...
 *      2026-11-25 08:15:02,-71,2e44...        2E44...
 *  - rtl_wmbus: MODE;CRC_OK;3OF6_OK;TIMESTAMP;PACKET_RSSI;CURRENT_RSSI;LINK_ID;0xHEX
 *      T1;1;1;2019-04-17 09:47:37.000;97;148;12345678;0x2e44...
 *  - the wmbusmeters telegram log: ... telegram=|2E44..._2F2F...|+34 ...
 *    (`_` and `+` may split the hex)
 */
import { isCivilDate } from '../../../lib/date-formats.ts';
import { parseTimestamp } from './local-time.ts';

export type LineResult =
  | { kind: 'telegram'; hex: string; receivedAt?: Date; rssi?: number }
  | { kind: 'skip' }
  | { kind: 'bad'; reason: string };

/** The shortest frame worth decoding: L, C, M (2), A (6), CI = 11 bytes. */
const MIN_HEX = 22;
/** L is one byte: a frame (format B with CRCs at most) stays below 300 bytes. */
const MAX_HEX = 600;

const HEX_BODY = /^(?:0x)?([0-9a-fA-F]+)$/;
const TIMESTAMP = /\d{4}-\d{2}-\d{2}(?:[T _]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)?(?:Z|[+-]\d{2}:?\d{2})?/;
const RSSI = /^(-\d{1,3}(?:\.\d+)?)(?:dBm)?$/i;

function cleanHex(s: string): string | { bad: string } {
  const m = HEX_BODY.exec(s);
  if (!m) return { bad: 'not hexadecimal' };
  const hex = m[1];
  if (hex.length % 2 !== 0) return { bad: 'odd number of hex digits' };
  if (hex.length < MIN_HEX) return { bad: 'too short for a telegram' };
  if (hex.length > MAX_HEX) return { bad: 'too long for a telegram' };
  return hex.toUpperCase();
}

function telegram(hexField: string, receivedAt?: Date, rssi?: number): LineResult {
  const hex = cleanHex(hexField);
  if (typeof hex !== 'string') return { kind: 'bad', reason: hex.bad };
  return { kind: 'telegram', hex, ...(receivedAt ? { receivedAt } : {}), ...(rssi !== undefined ? { rssi } : {}) };
}

function wmbusmetersLog(line: string): LineResult {
  const start = line.indexOf('telegram=|') + 'telegram=|'.length;
  const end = line.indexOf('|', start);
  if (end < 0) return { kind: 'bad', reason: 'telegram=| without a closing |' };
  const hex = line.slice(start, end).replace(/[_+\s]/g, '');
  const ts = TIMESTAMP.exec(line.slice(0, start));
  return telegram(hex, ts ? (parseTimestamp(ts[0]) ?? undefined) : undefined);
}

function rtlWmbus(fields: string[]): LineResult {
  // CRC_OK = 0: rtl_wmbus logs frames whose CRC failed; their bytes are not the meter's.
  if (fields[1] !== '1') return { kind: 'bad', reason: 'rtl_wmbus: CRC check failed at the receiver' };
  const receivedAt = parseTimestamp(fields[3]) ?? undefined;
  // PACKET_RSSI is rtl_wmbus' own scale, not dBm: not stored as RSSI.
  return telegram(fields[7], receivedAt);
}

/**
 * The shapes receivers write most (bare hex; UTC time, RSSI, hex), matched in
 * one step; anything else, or anything out of range, takes the general path
 * below, which gives the same answer for these lines only slower.
 */
const FAST_BARE = /^[0-9A-Fa-f]{22,600}$/;
const FAST_TRIPLE = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z)([;,\t])(-\d{1,3})\2([0-9A-Fa-f]{22,600})$/;

// Consecutive lines of a receiver's log mostly share their second: parse a timestamp once.
let lastStamp = '';
let lastDate: Date | null = null;

function fastPath(line: string): LineResult | null {
  if (FAST_BARE.test(line)) return line.length % 2 === 0 ? { kind: 'telegram', hex: line.toUpperCase() } : null;
  const m = FAST_TRIPLE.exec(line);
  if (!m || m[4].length % 2 !== 0) return null;
  const rssi = Number(m[3]);
  if (m[1] !== lastStamp) {
    const at = isCivilDate(m[1].slice(0, 10)) ? Date.parse(m[1]) : Number.NaN;
    lastStamp = m[1];
    lastDate = Number.isNaN(at) ? null : new Date(at);
  }
  if (rssi < -150 || !lastDate) return null;
  return { kind: 'telegram', hex: m[4].toUpperCase(), receivedAt: lastDate, rssi };
}

export function parseWalkbyLine(raw: string, lineNo = 2): LineResult {
  const line = raw.trim();
  const fast = fastPath(line);
  if (fast) return fast;
  if (line === '' || line.startsWith('#') || line.startsWith('//')) return { kind: 'skip' };
  if (line.includes('telegram=|')) return wmbusmetersLog(line);

  const semi = line.split(';');
  if (semi.length === 8 && /^[A-Z]\d?[a-z]?$/i.test(semi[0]) && /^0x[0-9a-f]+$/i.test(semi[7].trim())) {
    return rtlWmbus(semi.map((f) => f.trim()));
  }

  // Free layout: take the timestamp out first (its date and time may be split by a space).
  let rest = line;
  let receivedAt: Date | undefined;
  const ts = TIMESTAMP.exec(line);
  if (ts && ts[0].length >= 10) {
    const d = parseTimestamp(ts[0]);
    if (!d) return { kind: 'bad', reason: `unreadable timestamp "${ts[0].slice(0, 40)}"` };
    receivedAt = d;
    rest = line.slice(0, ts.index) + ' ' + line.slice(ts.index + ts[0].length);
  }
  const fields = rest.split(/[\s,;|]+/).filter((f) => f !== '');
  let hexField: string | undefined;
  let rssi: number | undefined;
  const unknown: string[] = [];
  for (const f of fields) {
    const r = RSSI.exec(f);
    if (r && rssi === undefined) {
      const v = Math.round(Number(r[1]));
      if (v >= -150 && v <= 0) {
        rssi = v;
        continue;
      }
    }
    if (/^(?:0x)?[0-9a-fA-F]{16,}$/.test(f) && (!hexField || f.length > hexField.length)) {
      if (hexField) unknown.push(hexField);
      hexField = f;
      continue;
    }
    unknown.push(f);
  }
  // Two-hex-digit groups ("2E 44 93 ...") are one telegram written with spaces.
  const groups = fields.filter((f) => !RSSI.test(f));
  if (groups.length >= MIN_HEX / 2 && groups.every((f) => /^[0-9a-fA-F]{2}$/.test(f))) return telegram(groups.join(''), receivedAt, rssi);
  if (!hexField) {
    // A header line such as "timestamp;rssi;telegram" names columns, it is not data.
    if (lineNo === 1 && fields.every((f) => /^[A-Za-z_ ]+$/.test(f))) return { kind: 'skip' };
    return { kind: 'bad', reason: fields.length === 1 ? cleanReason(fields[0]) : 'no telegram in the line' };
  }
  if (unknown.length > 0) return { kind: 'bad', reason: `unexpected field "${unknown[0].slice(0, 20)}"` };
  return telegram(hexField, receivedAt, rssi);
}

function cleanReason(field: string): string {
  const r = cleanHex(field);
  return typeof r === 'string' ? 'no telegram in the line' : r.bad;
}
