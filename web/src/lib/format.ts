/**
 * Numbers, money, volumes and dates in the user's language: the same
 * functions the server uses for PDFs and e-mails (src/lib/polish-format.ts),
 * so a page and a document cannot disagree. Polish: `06.12.2026`,
 * `06.12.2026, 14:05` (Warsaw time), `1 234,56 zł`, `1 623,866 m³`.
 */
export {
  formatNumber,
  formatMoney,
  formatVolume,
  formatDate,
  formatDateTime,
  plural,
} from '../../../src/lib/polish-format.ts';

/** Days from today to a civil date (negative when past). */
export function daysUntil(civilDate: string, today = new Date()): number {
  const [y, m, d] = civilDate.split('-').map(Number);
  const t = Date.UTC(today.getFullYear(), today.getMonth(), today.getDate());
  return Math.round((Date.UTC(y, m - 1, d) - t) / 86_400_000);
}
