/** MT940 dates: YYMMDD (years 80–99 are 19xx, the rest 20xx) and a booking date given as MMDD only. */

const pad = (n: number) => String(n).padStart(2, '0');

function valid(y: number, m: number, d: number): boolean {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

/** "261102" → "2026-11-02"; null when it is no date. */
export function yymmdd(s: string): string | null {
  if (!/^\d{6}$/.test(s)) return null;
  const yy = Number(s.slice(0, 2));
  const y = yy >= 80 ? 1900 + yy : 2000 + yy;
  const m = Number(s.slice(2, 4));
  const d = Number(s.slice(4, 6));
  return valid(y, m, d) ? `${y}-${pad(m)}-${pad(d)}` : null;
}

/**
 * The booking date "MMDD" next to a value date: the same year, unless that
 * puts them more than half a year apart (a line valued on 31 December and
 * booked on 2 January, or the other way round).
 */
export function bookingFromMmdd(mmdd: string, valueDate: string): string | null {
  if (!/^\d{4}$/.test(mmdd)) return null;
  const vy = Number(valueDate.slice(0, 4));
  const vm = Number(valueDate.slice(5, 7));
  const m = Number(mmdd.slice(0, 2));
  const d = Number(mmdd.slice(2, 4));
  const y = m - vm > 6 ? vy - 1 : vm - m > 6 ? vy + 1 : vy;
  return valid(y, m, d) ? `${y}-${pad(m)}-${pad(d)}` : null;
}
