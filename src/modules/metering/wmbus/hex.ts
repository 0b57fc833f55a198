/** Hex text ⇄ bytes without regexes or per-byte string slicing (hot path of every decode). */
import { Buffer } from 'node:buffer';
import { fail } from './errors.ts';

/** Value of one hex digit's char code, or -1. */
function nibble(c: number): number {
  if (c >= 48 && c <= 57) return c - 48; // 0-9
  if (c >= 97 && c <= 102) return c - 87; // a-f
  if (c >= 65 && c <= 70) return c - 55; // A-F
  return -1;
}

/** True for the separators found in receiver logs between hex pairs: space, tab, '|', '_', '#', ':', '-'. */
function isSeparator(c: number): boolean {
  return c === 32 || c === 9 || c === 124 || c === 95 || c === 35 || c === 58 || c === 45 || c === 13 || c === 10;
}

/**
 * Parses a telegram written in hex. Separators between bytes are ignored and a
 * leading "0x" is allowed; anything else, or an odd number of digits, is `wmbus.hex`.
 */
export function parseHex(text: string): Uint8Array {
  // Fast path: plain hex. Node's decoder stops at the first pair that is not
  // hex, so a full-length result proves every character was a hex digit.
  if (text.length > 0 && (text.length & 1) === 0) {
    const fast = Buffer.from(text, 'hex');
    // A plain Uint8Array view, so that callers' slice() copies as usual (Buffer#slice would alias).
    if (fast.length * 2 === text.length) return new Uint8Array(fast.buffer, fast.byteOffset, fast.length);
  }
  let start = 0;
  if (text.length >= 2 && text.charCodeAt(0) === 48 && (text.charCodeAt(1) | 32) === 120) start = 2;
  const out = new Uint8Array((text.length - start) >> 1);
  let n = 0;
  let hi = -1;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const v = nibble(c);
    if (v < 0) {
      if (isSeparator(c) && hi < 0) continue;
      fail('wmbus.hex', `not a hex digit at position ${i + 1}`);
    }
    if (hi < 0) hi = v;
    else {
      out[n++] = (hi << 4) | v;
      hi = -1;
    }
  }
  if (hi >= 0) fail('wmbus.hex', 'odd number of hex digits');
  if (n === 0) fail('wmbus.hex', 'empty telegram');
  return n === out.length ? out : out.subarray(0, n);
}

const digits = '0123456789abcdef';

/** Lower-case hex of bytes. */
export function toHex(bytes: Uint8Array, from = 0, to = bytes.length): string {
  let s = '';
  for (let i = from; i < to; i++) s += digits[bytes[i] >> 4] + digits[bytes[i] & 15];
  return s;
}
