/**
 * MT940 statements (text already decoded) → ParsedStatement. The fields a
 * payment import needs: :20:/:28C: the statement's id, :25: its account,
 * :60F:/:60M: and :62F:/:62M: the balances, :61: each line with its :86:
 * details. A statement that cannot be read throws StatementRefused (the
 * caller reports it and keeps the file's other statements).
 */
import { normalizeAccount } from '../../accounts.ts';
import { amountToGrosze, groszeToString } from '../amount.ts';
import { bookingFromMmdd, yymmdd } from '../dates.ts';
import { refuse } from '../problems.ts';
import type { ParsedStatement, StatementLine } from '../types.ts';
import { type Dialect, detectDialect, NUMBERED_SEPARATORS, parse86 } from './field86.ts';
import { firstTag, type RawStatement, type Tag } from './tags.ts';

export interface DialectChoice {
  dialect: Dialect;
  separator?: string;
}

const BALANCE = /^([CD])(\d{6})([A-Z]{3})(\d[\d,.]*)\s*$/;
// :61: value date, optional MMDD booking date, C/D/RC/RD mark, optional funds letter, amount, N + 3-char type, references.
const LINE61 = /^(\d{6})(\d{4})?(RC|RD|C|D)([A-Z])?(\d[\d,.]*)([NSF][A-Z0-9]{3})(.*)$/;

interface Balance {
  grosze: number;
  date: string;
  currency: string;
}

/** The bank profile's dialect for a field that tells none; `numbered` without a separator takes the most frequent one in the field. */
function resolveForced(forced: DialectChoice | null, details: string): DialectChoice {
  if (!forced) return { dialect: 'plain' };
  if (forced.dialect !== 'numbered' || forced.separator) return forced;
  const counts = NUMBERED_SEPARATORS.map((sep) => ({ sep, n: details.split(sep).slice(1).filter((p) => /^\d{2}/.test(p)).length }));
  const best = counts.sort((a, b) => b.n - a.n)[0];
  return best.n > 0 ? { dialect: 'numbered', separator: best.sep } : { dialect: 'plain' };
}

const tagText = (t: Tag | undefined) => (t ? t.lines.join('').trim() : '');

export function parseMt940Statement(raw: RawStatement, forced: DialectChoice | null): ParsedStatement {
  const ref20 = tagText(firstTag(raw, '20'));
  const seq = tagText(firstTag(raw, '28C', '28'));
  const id = [ref20, seq].filter(Boolean).join('/') || `@${raw.fileLine}`;
  const fail = (code: string, line: number, pl: string, en: string) => refuse(code, id, line, pl, en);

  const t25 = firstTag(raw, '25');
  // :25: may carry a currency or a text after the account ("PL…PLN", "/PL… "): the account is its first run of letters and digits.
  const accountText = tagText(t25).replace(/^\//, '');
  const account =
    normalizeAccount(accountText, false) ??
    normalizeAccount(/^[A-Z]{2}\d{2}\d{24}|^\d{26}|^\d{8}\/\d{16}/.exec(accountText.replace(/\s/g, ''))?.[0], false);
  if (!account) {
    throw fail('payments.statement.bad_account', t25?.fileLine ?? raw.fileLine, `Wyciąg ${id}: brak rozpoznawalnego numeru rachunku w polu :25: („${accountText}”).`, `Statement ${id}: no account number in field :25: ("${accountText}").`);
  }

  const balance = (names: string[], what: { pl: string; en: string }): Balance => {
    const t = firstTag(raw, ...names);
    const m = t ? BALANCE.exec(tagText(t)) : null;
    const date = m ? yymmdd(m[2]) : null;
    const grosze = m ? amountToGrosze(m[4]) : null;
    if (!t || !m || !date || grosze === null) {
      throw fail(
        'payments.statement.bad_balance',
        t?.fileLine ?? raw.fileLine,
        `Wyciąg ${id}: ${t ? 'nieczytelne' : 'brak'} saldo ${what.pl} (:${names.join('/:')}:).`,
        `Statement ${id}: ${t ? 'unreadable' : 'missing'} ${what.en} balance (:${names.join('/:')}:).`,
      );
    }
    return { grosze: m[1] === 'D' ? -grosze : grosze, date, currency: m[3] };
  };
  const opening = balance(['60F', '60M'], { pl: 'początkowe', en: 'opening' });
  const closing = balance(['62F', '62M'], { pl: 'końcowe', en: 'closing' });

  let used: DialectChoice | null = null;
  const lines: StatementLine[] = [];
  raw.tags.forEach((t, i) => {
    if (t.tag !== '61') return;
    const next = raw.tags[i + 1];
    const details = next?.tag === '86' ? next.lines.join('') : '';
    const m = LINE61.exec(t.lines[0].trim());
    const valueDate = m ? yymmdd(m[1]) : null;
    const bookingDate = m && valueDate ? (m[2] ? bookingFromMmdd(m[2], valueDate) : valueDate) : null;
    const grosze = m ? amountToGrosze(m[5]) : null;
    if (!m || !valueDate || !bookingDate || grosze === null) {
      throw fail('payments.statement.bad_line', t.fileLine, `Wyciąg ${id}: nieczytelna operacja :61: w wierszu ${t.fileLine}.`, `Statement ${id}: unreadable :61: line at file line ${t.fileLine}.`);
    }
    // C credit, D debit; RC reverses a credit (a debit entry), RD reverses a debit (a credit entry).
    const debit = m[3] === 'D' || m[3] === 'RC';
    const bankRef = /\/\/(.*)$/.exec(m[7])?.[1].trim() || null;
    // What the field itself tells wins; the bank profile (option) decides where it tells nothing.
    const choice = detectDialect(details) ?? resolveForced(forced, details);
    used ??= details ? choice : null;
    const d = parse86(details, choice.dialect, choice.separator);
    lines.push({
      account,
      statement: id,
      bookingDate,
      valueDate,
      amount: groszeToString(debit ? -grosze : grosze),
      currency: opening.currency,
      counterAccount: d.counterAccount,
      counterName: d.counterName,
      title: d.title,
      bankReference: bankRef,
    });
  });

  const dialect = used as DialectChoice | null;
  return {
    format: 'mt940',
    dialect: dialect ? (dialect.dialect === 'numbered' && dialect.separator ? `numbered${dialect.separator}` : dialect.dialect) : 'plain',
    account,
    statement: id,
    currency: opening.currency,
    openingBalance: groszeToString(opening.grosze),
    openingDate: opening.date,
    closingBalance: groszeToString(closing.grosze),
    closingDate: closing.date,
    lines,
    fileLine: raw.fileLine,
  };
}
