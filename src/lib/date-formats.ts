/**
 * Strict checks of civil dates and instants as they arrive from outside.
 *
 * A value that passes is one the rest of the system can hold: JavaScript's
 * Date and PostgreSQL's date/timestamptz take it without error or silent
 * roll-over. `2026-02-30` is refused (Date would make it 2 March, PostgreSQL
 * refuses it with 22008), so is a leap second `23:59:60` (JSON Schema's
 * date-time allows it, Date cannot hold it), and so is a time without a
 * zone (ambiguous).
 */

/** RFC 3339 date-time: `T` (or `t`, or a space, as RFC 3339 permits) between date and time, a zone always. */
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:[Zz]|[+-](\d{2}):(\d{2}))$/;

/** `YYYY-MM-DD` naming a day that exists, in the years 0001–9999 (PostgreSQL has no year 0). */
export function isCivilDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s) || s.startsWith('0000')) return false;
  // Date rolls 2026-02-30 over to 2 March: a day that exists reads back unchanged.
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** An RFC 3339 date-time with a zone, a real calendar day, seconds 00–59 (no leap second), within the years 0001–9999 in UTC. */
export function isInstant(s: string): boolean {
  const m = DATE_TIME.exec(s);
  if (!m || !isCivilDate(m[1])) return false;
  const [hour, minute, second] = [Number(m[2]), Number(m[3]), Number(m[4])];
  if (hour > 23 || minute > 59 || second > 59) return false;
  if (m[5] !== undefined && (Number(m[5]) > 23 || Number(m[6]) > 59)) return false;
  const t = Date.parse(s);
  if (Number.isNaN(t)) return false;
  const year = new Date(t).getUTCFullYear();
  return year >= 1 && year <= 9999;
}
