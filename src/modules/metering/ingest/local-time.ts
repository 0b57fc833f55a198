/**
 * Times in walk-by files and in meters' clocks often carry no zone: they are
 * the local civil time of the receiver or the meter, in Poland Europe/Warsaw.
 * Times with `Z` or an offset are taken as written.
 */
import { isCivilDate } from '../../../lib/date-formats.ts';

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:[T _](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?$/;
export const ZONE = 'Europe/Warsaw';

const offsetCache = new Map<number, number>();
const fmt = new Intl.DateTimeFormat('en-GB', {
  timeZone: ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** Offset of Warsaw from UTC in ms at a UTC instant (cached per hour: walk-by files hold millions of lines). */
function zoneOffset(utcMs: number): number {
  const hour = Math.floor(utcMs / 3_600_000);
  const hit = offsetCache.get(hour);
  if (hit !== undefined) return hit;
  const p = Object.fromEntries(fmt.formatToParts(new Date(hour * 3_600_000)).map((x) => [x.type, x.value]));
  const asUtc = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
  const off = asUtc - hour * 3_600_000;
  if (offsetCache.size > 100_000) offsetCache.clear();
  offsetCache.set(hour, off);
  return off;
}

/** A civil time in Warsaw → the instant. */
export function warsawToInstant(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0): Date {
  const guess = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  let t = guess - zoneOffset(guess);
  // Near a DST change the offset at the result can differ from the guess's: settle once more.
  t = guess - zoneOffset(t);
  return new Date(t);
}

/** Parses an ISO-like timestamp; without a zone it is Warsaw civil time. Null when it is not a real time. */
export function parseTimestamp(text: string): Date | null {
  const s = text.trim();
  // A day that does not exist (2026-02-30) is unreadable, not rolled over into March.
  if (/^\d{4}-\d{2}-\d{2}/.test(s) && !isCivilDate(s.slice(0, 10))) return null;
  if (/(?:Z|[+-]\d{2}:?\d{2})$/.test(s) && /^\d{4}-\d{2}-\d{2}[T _]/.test(s)) {
    const d = new Date(s.replace(/^(\S{10})[ _]/, '$1T').replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
    return Number.isNaN(d.getTime()) ? null : d;
  }
  const m = LOCAL.exec(s);
  if (!m) return null;
  const [y, mo, d, h, mi, sec] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0));
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 59) return null;
  const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
  return warsawToInstant(y, mo, d, h, mi, sec, ms);
}
