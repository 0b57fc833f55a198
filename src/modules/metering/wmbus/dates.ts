/**
 * The compound date and time types of EN 13757-3 Annex A: G (date, 2 bytes),
 * F (date and minute, 4 bytes), I (date and second, 6 bytes), J (time, 3 bytes).
 * An invalid or unset date (the IV bit, day or month 0, all 0xFF) gives null.
 */

/** Two-digit numbers made once: building a date costs no string per field. */
const PAD = Array.from({ length: 100 }, (_, n) => (n < 10 ? '0' + n : String(n)));
const pad = (n: number) => (n < 100 ? PAD[n] : String(n));

/**
 * Dates and times already written, by their bytes: meters read in one walk-by
 * send the same few dates and minutes, so most telegrams reuse a string.
 * Bounded: cleared when full.
 */
const written = new Map<number, string | null>();
const WRITTEN_LIMIT = 20_000;

function remember(k: number, s: string | null): string | null {
  if (written.size >= WRITTEN_LIMIT) written.clear();
  written.set(k, s);
  return s;
}

function year(lo: number, hi: number): number {
  // 7-bit year: 3 low bits in the day byte, 4 high bits in the month byte; 0..99 means 2000..2099.
  const y = ((lo & 0xe0) >> 5) | ((hi & 0xf0) >> 1);
  return y < 100 ? 2000 + y : 1900 + y;
}

/** Type G: 'YYYY-MM-DD' or null. */
export function dateG(b: Uint8Array, o: number): string | null {
  const lo = b[o];
  const hi = b[o + 1];
  // Keys below 2^16 are type G, above are type F (bit 27 set): see dateTimeF.
  const k = lo | (hi << 8);
  const known = written.get(k);
  return known !== undefined ? known : remember(k, writeG(lo, hi));
}

function writeG(lo: number, hi: number): string | null {
  if (lo === 0xff && hi === 0xff) return null;
  const day = lo & 0x1f;
  const month = hi & 0x0f;
  if (day === 0 || month === 0 || month > 12) return null;
  return `${year(lo, hi)}-${pad(month)}-${pad(day)}`;
}

/** Type F: 'YYYY-MM-DD HH:MM' or null (bit 7 of the minute byte marks it invalid). */
export function dateTimeF(b: Uint8Array, o: number): string | null {
  if (b[o] & 0x80) return null;
  const minute = b[o] & 0x3f;
  const hour = b[o + 1] & 0x1f;
  // Everything the text depends on, 27 bits (a small integer), bit 27 set to tell it from a type G key.
  const k = (1 << 27) | (minute << 21) | (hour << 16) | b[o + 2] | (b[o + 3] << 8);
  const known = written.get(k);
  return known !== undefined ? known : remember(k, writeF(b, o, minute, hour));
}

function writeF(b: Uint8Array, o: number, minute: number, hour: number): string | null {
  const date = dateG(b, o + 2);
  if (date === null || minute > 59 || hour > 23) return null;
  return `${date} ${pad(hour)}:${pad(minute)}`;
}

/** Type I: 'YYYY-MM-DD HH:MM:SS' or null. */
export function dateTimeI(b: Uint8Array, o: number): string | null {
  if (b[o + 1] & 0x80) return null;
  const second = b[o] & 0x3f;
  const minute = b[o + 1] & 0x3f;
  const hour = b[o + 2] & 0x1f;
  const date = dateG(b, o + 3);
  if (date === null || second > 59 || minute > 59 || hour > 23) return null;
  return `${date} ${pad(hour)}:${pad(minute)}:${pad(second)}`;
}

/** Type J: 'HH:MM:SS' or null. */
export function timeJ(b: Uint8Array, o: number): string | null {
  const second = b[o] & 0x3f;
  const minute = b[o + 1] & 0x3f;
  const hour = b[o + 2] & 0x1f;
  if (second > 59 || minute > 59 || hour > 23) return null;
  return `${pad(hour)}:${pad(minute)}:${pad(second)}`;
}
