/**
 * The :86: field of a statement line, per bank dialect (bank profile):
 *
 * - `numbered`: sub-fields `<sep>NN` after a 3-digit operation code, the
 *   separator being `~` (iPKO biznes and many others), `^`, `<` (MultiCash,
 *   BPH) or `+`: 20–25 title, 32–33 (else 27–29) counterparty name, 38 its
 *   IBAN (else 30 sort code + 31 account, else 26), 00 operation, 6x extras.
 * - `mbank`: free text with labels: `Z RACH.:`/`NA RACH.:` account,
 *   `OD:`/`DLA:` name, `TYT.:` title, separated by `;`.
 * - `plain`: free text, all of it the title.
 *
 * The field's continuation lines are joined with nothing between them: a line
 * break is where the bank wrapped at 65 characters, not content, and may fall
 * inside a word or a sub-field marker. Sub-fields are joined as they stand and
 * only the result is trimmed, so the space a bank put at a sub-field's start
 * survives.
 */
import { normalizeAccount } from '../../accounts.ts';

export interface Details86 {
  counterAccount: string | null;
  counterName: string | null;
  title: string;
}

export const NUMBERED_SEPARATORS = ['~', '^', '<', '+'] as const;
export type Dialect = 'numbered' | 'mbank' | 'plain';

/** Dialect names accepted as an option (a utility's bank profile); the separator of `numbered` is read from the file. */
export const DIALECT_OPTIONS: Record<string, { dialect: Dialect; separator?: string }> = {
  auto: { dialect: 'numbered' },
  numbered: { dialect: 'numbered' },
  'numbered~': { dialect: 'numbered', separator: '~' },
  'numbered^': { dialect: 'numbered', separator: '^' },
  'numbered<': { dialect: 'numbered', separator: '<' },
  'numbered+': { dialect: 'numbered', separator: '+' },
  mbank: { dialect: 'mbank' },
  plain: { dialect: 'plain' },
};

/** The separator a numbered :86: uses: the character before its first sub-field number (after the optional 3-digit code). */
export function detectSeparator(text: string): string | null {
  const m = /^\s*(?:\d{3})?([~^<+?])\d{2}/.exec(text);
  return m ? m[1] : null;
}

const MBANK_LABELS = /(?:^|;)\s*(Z RACH\.|NA RACH\.|OD|DLA|TYT\.)\s*:/;

/** Whether the free text carries mBank's labels. */
export const looksLikeMbank = (text: string) => MBANK_LABELS.test(text);

/** The dialect the text itself tells, or null when it tells none (then the option or `plain`). */
export function detectDialect(text: string): { dialect: Dialect; separator?: string } | null {
  const separator = detectSeparator(text);
  if (separator) return { dialect: 'numbered', separator };
  if (looksLikeMbank(text)) return { dialect: 'mbank' };
  return null;
}

const clean = (s: string) => s.trim() || null;

function subFields(text: string, separator: string): Map<number, string[]> {
  const fields = new Map<number, string[]>();
  const sep = separator.replace(/[\^+?]/g, '\\$&');
  const re = new RegExp(`${sep}(\\d{2})`, 'g');
  const marks = [...text.matchAll(re)];
  marks.forEach((m, i) => {
    const start = m.index! + m[0].length;
    const end = i + 1 < marks.length ? marks[i + 1].index! : text.length;
    const n = Number(m[1]);
    fields.set(n, [...(fields.get(n) ?? []), text.slice(start, end)]);
  });
  return fields;
}

/** The sub-fields numbered from..to joined as they stand (in number order), or null when there are none. */
function joined(fields: Map<number, string[]>, from: number, to: number): string | null {
  const parts: string[] = [];
  for (let n = from; n <= to; n++) parts.push(...(fields.get(n) ?? []));
  return parts.length ? parts.join('') : null;
}

export function parseNumbered(text: string, separator: string): Details86 {
  const f = subFields(text, separator);
  const name = clean(joined(f, 32, 33) ?? '') ?? clean(joined(f, 27, 29) ?? '');
  const account =
    normalizeAccount(joined(f, 38, 38), false) ??
    (f.has(30) && f.has(31) ? normalizeAccount(`${joined(f, 30, 30)!.trim()}/${joined(f, 31, 31)!.trim()}`, false) : null) ??
    normalizeAccount(joined(f, 26, 26), false);
  return { counterAccount: account, counterName: name, title: (joined(f, 20, 25) ?? '').trim() };
}

const LABEL = /(?:^|;)\s*(Z RACH\.|NA RACH\.|OD|DLA|TYT\.|TNR|ID IPH|[A-ZŁŚŻ][A-Z .ŁŚŻ]{1,20})\s*:\s*/g;

export function parseMbank(text: string): Details86 {
  const marks = [...text.matchAll(LABEL)];
  const value = (...labels: string[]) => {
    const i = marks.findIndex((m) => labels.includes(m[1]));
    if (i < 0) return null;
    const start = marks[i].index! + marks[i][0].length;
    const end = i + 1 < marks.length ? marks[i + 1].index! : text.length;
    return clean(text.slice(start, end).replace(/;\s*$/, ''));
  };
  const title = value('TYT.') ?? clean(text.slice(0, marks[0]?.index ?? text.length).replace(/^\d{3}\s*/, '')) ?? '';
  return { counterAccount: normalizeAccount(value('Z RACH.', 'NA RACH.'), false), counterName: value('OD', 'DLA'), title };
}

export function parsePlain(text: string): Details86 {
  return { counterAccount: null, counterName: null, title: text.trim() };
}

export function parse86(text: string, dialect: Dialect, separator: string | undefined): Details86 {
  if (dialect === 'numbered' && separator) return parseNumbered(text, separator);
  if (dialect === 'mbank') return parseMbank(text);
  return parsePlain(text);
}
