/** A billing period given as months: 'YYYY-MM' or 'YYYY-MM..YYYY-MM' → its first and last day. */
import { daysInMonth } from '../engine/calendar.ts';

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function parsePeriod(text: string): { from: string; to: string } | null {
  const [a, b, ...rest] = text.split('..');
  if (rest.length > 0) return null;
  const first = MONTH.exec(a ?? '');
  const last = MONTH.exec(b ?? a ?? '');
  if (!first || !last) return null;
  const from = `${first[1]}-${first[2]}-01`;
  const to = `${last[1]}-${last[2]}-${String(daysInMonth(Number(last[1]), Number(last[2]))).padStart(2, '0')}`;
  if (to < from || Number(last[1]) * 12 + Number(last[2]) - (Number(first[1]) * 12 + Number(first[2])) >= 24) return null;
  return { from, to };
}
