/** Numbers, volumes and dates in the user's language (Polish: 1 234,567 m³, 25.11.2026). */
import type { Lang } from '../api/client.ts';

const locale = (lang: Lang) => (lang === 'pl' ? 'pl-PL' : 'en-GB');

export function formatNumber(n: number, lang: Lang): string {
  return new Intl.NumberFormat(locale(lang)).format(n);
}

/** A volume kept as an exact decimal string ('123.456') shown with three decimals. */
export function formatVolume(value: string, lang: Lang): string {
  const n = Number(value);
  if (!Number.isFinite(n)) return value;
  return `${new Intl.NumberFormat(locale(lang), { minimumFractionDigits: 3, maximumFractionDigits: 3 }).format(n)} m³`;
}

/** A civil date 'YYYY-MM-DD' (never shifted by a time zone) or a timestamp. */
export function formatDate(value: string | null | undefined, lang: Lang): string {
  if (!value) return '—';
  const civil = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const d = civil ? new Date(Date.UTC(+civil[1], +civil[2] - 1, +civil[3])) : new Date(value);
  if (Number.isNaN(d.getTime())) return value;
  return new Intl.DateTimeFormat(locale(lang), { dateStyle: 'medium', timeZone: civil ? 'UTC' : undefined }).format(d);
}

export function formatDateTime(value: string | null | undefined, lang: Lang): string {
  if (!value) return '—';
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return value;
  return new Intl.DateTimeFormat(locale(lang), { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

/** Days from today to a civil date (negative when past). */
export function daysUntil(civilDate: string, today = new Date()): number {
  const [y, m, d] = civilDate.split('-').map(Number);
  const t = Date.UTC(today.getFullYear(), today.getMonth(), today.getDate());
  return Math.round((Date.UTC(y, m - 1, d) - t) / 86_400_000);
}
