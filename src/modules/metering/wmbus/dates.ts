/**
 * The compound date and time types of EN 13757-3 Annex A: G (date, 2 bytes),
 * F (date and minute, 4 bytes), I (date and second, 6 bytes), J (time, 3 bytes).
 * An invalid or unset date (the IV bit, day or month 0, all 0xFF) gives null.
 */

const pad = (n: number) => (n < 10 ? '0' + n : String(n));

function year(lo: number, hi: number): number {
  // 7-bit year: 3 low bits in the day byte, 4 high bits in the month byte; 0..99 means 2000..2099.
  const y = ((lo & 0xe0) >> 5) | ((hi & 0xf0) >> 1);
  return y < 100 ? 2000 + y : 1900 + y;
}

/** Type G: 'YYYY-MM-DD' or null. */
export function dateG(b: Uint8Array, o: number): string | null {
  const lo = b[o];
  const hi = b[o + 1];
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
