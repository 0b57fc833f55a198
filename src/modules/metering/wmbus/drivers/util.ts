/**
 * Small byte and date helpers shared by the manufacturer drivers. Everything is
 * bounds-checked by the callers' length tests; nothing here allocates per byte.
 */
import type { DriverContext } from '../driver-api.ts';

/** Little-endian unsigned integer of `n` (≤ 6) bytes at `at`. */
export function uintLE(b: Uint8Array, at: number, n: number): number {
  let v = 0;
  for (let i = n - 1; i >= 0; i--) v = v * 256 + b[at + i];
  return v;
}

/** Big-endian unsigned 32-bit integer at `at`. */
export function uint32BE(b: Uint8Array, at: number): number {
  return ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
}

/** Two BCD digits of one byte, or -1 when a nibble is not a decimal digit. */
export function bcdByte(x: number): number {
  const hi = x >> 4;
  const lo = x & 15;
  return hi > 9 || lo > 9 ? -1 : hi * 10 + lo;
}

/** Little-endian BCD number of `n` bytes, or -1 when a nibble is not a digit. */
export function bcdLE(b: Uint8Array, at: number, n: number): number {
  let v = 0;
  for (let i = n - 1; i >= 0; i--) {
    const d = bcdByte(b[at + i]);
    if (d < 0) return -1;
    v = v * 100 + d;
  }
  return v;
}

function pad2(n: number): string {
  return n < 10 ? '0' + n : String(n);
}

/** 'YYYY-MM-DD', or undefined for an impossible date. */
export function isoDate(y: number, m: number, d: number): string | undefined {
  if (m < 1 || m > 12 || d < 1 || d > 31 || y < 1900 || y > 2199) return undefined;
  return `${y}-${pad2(m)}-${pad2(d)}`;
}

/** 'YYYY-MM-DD HH:MM' (wmbusmeters' meter_datetime style). */
export function isoDateTime(y: number, m: number, d: number, hh: number, mm: number): string | undefined {
  const date = isoDate(y, m, d);
  if (date === undefined || hh > 23 || mm > 59) return undefined;
  return `${date} ${pad2(hh)}:${pad2(mm)}`;
}

/** A UTC epoch-milliseconds instant as 'YYYY-MM-DD HH:MM'. */
export function formatInstant(ms: number): string {
  const t = new Date(ms);
  return `${t.getUTCFullYear()}-${pad2(t.getUTCMonth() + 1)}-${pad2(t.getUTCDate())} ${pad2(t.getUTCHours())}:${pad2(t.getUTCMinutes())}`;
}

/** EN 13757-3 date type G (2 bytes, little-endian): 'YYYY-MM-DD' or undefined (also for the FFFF "no date"). */
export function dateTypeG(lo: number, hi: number): string | undefined {
  const day = lo & 0x1f;
  const month = hi & 0x0f;
  const year = 2000 + (((hi & 0xf0) >> 1) | ((lo & 0xe0) >> 5));
  return isoDate(year, month, day);
}

/** EN 13757-3 date-time type F (4 bytes): 'YYYY-MM-DD HH:MM' or undefined. */
export function dateTimeTypeF(b: Uint8Array, at: number): string | undefined {
  const min = b[at] & 0x3f;
  const hour = b[at + 1] & 0x1f;
  const day = b[at + 2] & 0x1f;
  const month = b[at + 3] & 0x0f;
  const year = 2000 + (((b[at + 3] & 0xf0) >> 1) | ((b[at + 2] & 0xe0) >> 5));
  if (b[at] & 0x80) return undefined; // "time invalid" bit
  return isoDateTime(year, month, day, hour, min);
}

/** Rounds away binary noise from a scaled register (m3 with up to 6 decimals). */
export function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** The offset of the CI byte in ctx.raw: from the context when the pipeline gives it, else the plain DLL position. */
export function ciOffset(ctx: DriverContext): number {
  if (ctx.ciOffset !== undefined) return ctx.ciOffset;
  const raw = ctx.raw;
  if (raw.length > 10 && raw[10] === ctx.ci) return 10;
  // The payload is usually a view into raw: step back over the TPL header from where it starts.
  if (ctx.payload.buffer === raw.buffer) {
    const data = ctx.payload.byteOffset - raw.byteOffset;
    const header = ctx.ci === 0x7a ? 5 : ctx.ci === 0x72 ? 13 : 1;
    const at = data - header;
    if (at >= 0 && at < raw.length && raw[at] === ctx.ci) return at;
  }
  return -1;
}

/** Three-letter manufacturer code to its 2-byte number (EN 13757-3 / FLAG). */
export function mfctCode(code: string): number {
  return (
    ((code.charCodeAt(0) - 64) << 10) | ((code.charCodeAt(1) - 64) << 5) | (code.charCodeAt(2) - 64)
  );
}

/**
 * wmbusmeters prints a status as its flag words sorted and joined by spaces, 'OK' when none is set.
 * Kept as an extra value so staff see the meter's own words next to our MeterFlags.
 */
export function statusText(words: string[], none = 'OK'): string {
  if (words.length === 0) return none;
  return words.sort().join(' ');
}

/** Skips 0x2F filler bytes from `at`; returns the first other offset. */
export function skipFiller(b: Uint8Array, at: number): number {
  while (at < b.length && b[at] === 0x2f) at++;
  return at;
}

/**
 * Words for the TPL status byte (EN 13757-7): application status in bits 0–1, power low,
 * permanent and temporary error; manufacturer bits 5–7 the driver does not name are
 * reported as UNKNOWN_<hex> like wmbusmeters does.
 */
export function tplStatusWords(s: number | undefined, namedMfctBits = 0): string[] {
  if (!s) return [];
  const out: string[] = [];
  const app = s & 3;
  if (app === 1) out.push('BUSY');
  else if (app === 2) out.push('ERROR');
  else if (app === 3) out.push('ALARM');
  if (s & 0x04) out.push('POWER_LOW');
  if (s & 0x08) out.push('PERMANENT_ERROR');
  if (s & 0x10) out.push('TEMPORARY_ERROR');
  const mfct = s & 0xe0 & ~namedMfctBits;
  if (mfct) out.push(`UNKNOWN_${mfct.toString(16).toUpperCase()}`);
  return out;
}

/** Words for the set bits of `value` by a [mask, name] table; bits no entry names come back as `${prefix}_<hex>`. */
export function bitWords(value: number, table: readonly (readonly [number, string])[], prefix: string, mask = 0xffffffff): string[] {
  const out: string[] = [];
  let named = 0;
  for (const [bit, name] of table) {
    if ((value & bit) !== 0 && (named & bit) === 0) out.push(name);
    named |= bit;
  }
  const rest = (value & mask & ~named) >>> 0;
  if (rest) out.push(`${prefix}_${rest.toString(16).toUpperCase()}`);
  return out;
}
