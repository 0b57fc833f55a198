/**
 * How numbers, money, volumes, dates and counts are written for Polish users,
 * the same on pages, PDFs, e-mails and messages: `06.12.2026`,
 * `06.12.2026, 14:05` (in the utility's time zone), `1 234,56 zł`,
 * `1 623,866 m³`, `500 klientów`. English (en-GB) where a user chose it.
 *
 * Pure (Intl only, no Node APIs): the web app imports it too
 * (web/src/lib/format.ts), so a page and a PDF cannot disagree.
 */
export type FormatLang = 'pl' | 'en';

/** The time zone of Polish utilities; timestamps are shown in it whatever the machine's zone. */
export const UTILITY_TIME_ZONE = 'Europe/Warsaw';

const localeOf = (lang: FormatLang) => (lang === 'pl' ? 'pl-PL' : 'en-GB');

// Polish CLDR leaves four-digit numbers ungrouped (1234,56); Polish invoices
// and bank forms group them (1 234,56), so grouping is always on.
const numberFormats = new Map<string, Intl.NumberFormat>();
function numberFormat(lang: FormatLang, digits: number): Intl.NumberFormat {
  const key = `${lang}:${digits}`;
  let f = numberFormats.get(key);
  if (!f) {
    f = new Intl.NumberFormat(localeOf(lang), {
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
      useGrouping: 'always',
    } as Intl.NumberFormatOptions);
    numberFormats.set(key, f);
  }
  return f;
}

/** An integer or a decimal with up to `digits` places (default: as given, up to 3). */
export function formatNumber(n: number, lang: FormatLang = 'pl', digits?: number): string {
  if (digits !== undefined) return numberFormat(lang, digits).format(n);
  const places = Number.isInteger(n) ? 0 : Math.min(3, (String(n).split('.')[1] ?? '').length);
  return numberFormat(lang, places).format(n);
}

/** Money in grosze as `1 234,56 zł` (English: `PLN 1,234.56`). Exact for any safe integer. */
export function formatMoney(grosze: number | bigint, lang: FormatLang = 'pl'): string {
  const g = BigInt(grosze);
  const neg = g < 0n;
  const abs = neg ? -g : g;
  const zl = abs / 100n;
  const gr = (abs % 100n).toString().padStart(2, '0');
  const sep = lang === 'pl' ? '\u00a0' : ',';
  const whole = zl.toString().replace(/\B(?=(\d{3})+(?!\d))/g, sep);
  const sign = neg ? '−' : '';
  return lang === 'pl' ? `${sign}${whole},${gr}\u00a0zł` : `${sign}PLN\u00a0${whole}.${gr}`;
}

/** A volume kept as an exact decimal string ('1623.866') or litres as a number of thousandths: `1 623,866 m³`. */
export function formatVolume(value: string | number, lang: FormatLang = 'pl'): string {
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n)) return String(value);
  return `${numberFormat(lang, 3).format(n)}\u00a0m³`;
}

const CIVIL = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A civil date 'YYYY-MM-DD' (never shifted by a time zone) or an instant: `06.12.2026` (English `06/12/2026`). */
export function formatDate(value: string | Date | null | undefined, lang: FormatLang = 'pl'): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'string') {
    const c = CIVIL.exec(value);
    if (c) return lang === 'pl' ? `${c[3]}.${c[2]}.${c[1]}` : `${c[3]}/${c[2]}/${c[1]}`;
  }
  const d = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(d.getTime())) return String(value);
  const parts = zonedParts(d);
  return lang === 'pl' ? `${parts.day}.${parts.month}.${parts.year}` : `${parts.day}/${parts.month}/${parts.year}`;
}

/** An instant in the utility's time zone: `06.12.2026, 14:05`. */
export function formatDateTime(value: string | Date | null | undefined, lang: FormatLang = 'pl'): string {
  if (value === null || value === undefined || value === '') return '—';
  const d = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(d.getTime())) return String(value);
  const p = zonedParts(d);
  const date = lang === 'pl' ? `${p.day}.${p.month}.${p.year}` : `${p.day}/${p.month}/${p.year}`;
  return `${date}, ${p.hour}:${p.minute}`;
}

const zoned = new Intl.DateTimeFormat('en-GB', {
  timeZone: UTILITY_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
function zonedParts(d: Date): Record<'year' | 'month' | 'day' | 'hour' | 'minute', string> {
  const out: Record<string, string> = {};
  for (const p of zoned.formatToParts(d)) out[p.type] = p.value;
  return out as Record<'year' | 'month' | 'day' | 'hour' | 'minute', string>;
}

/**
 * The Polish plural category of a count: `one` (1), `few` (2–4, 22–24, …) or
 * `many` (0, 5–21, 25, …; also 12–14); fractions are `other`. The same
 * categories i18next uses through Intl.PluralRules (keys `_one`, `_few`,
 * `_many`, `_other`), for texts made outside the web app (PDFs, e-mails).
 */
export function pluralCategory(count: number, lang: FormatLang = 'pl'): Intl.LDMLPluralRule {
  return new Intl.PluralRules(localeOf(lang)).select(count);
}

/** `count` with the right form: plural(5, {one: 'klient', few: 'klienci', many: 'klientów'}) → `5 klientów`. */
export function plural(count: number, forms: Partial<Record<Intl.LDMLPluralRule, string>> & { other?: string }, lang: FormatLang = 'pl'): string {
  const cat = pluralCategory(count, lang);
  const word = forms[cat] ?? forms.other ?? forms.many ?? '';
  return `${formatNumber(count, lang)} ${word}`;
}
