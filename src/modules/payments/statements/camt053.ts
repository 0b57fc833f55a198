/**
 * ISO 20022 camt.053 (bank-to-customer statement), which Polish banks now
 * offer beside MT940. One ParsedStatement per <Stmt>: balances OPBD (else
 * PRCD, the previous closing) and CLBD, one line per <Ntry>: amount with
 * CdtDbtInd, BookgDt/ValDt, the bank's reference AcctSvcrRef, and from the
 * first TxDtls the counterparty (the debtor of a credit, the creditor of a
 * debit), its account and the unstructured remittance text as the title.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { normalizeAccount } from '../accounts.ts';
import { amountToGrosze, groszeToString } from './amount.ts';
import { fileError, refuse, StatementRefused } from './problems.ts';
import type { ParsedStatement, StatementLine, StatementProblem } from './types.ts';

type Node = Record<string, unknown>;

const ARRAYS = new Set(['Stmt', 'Ntry', 'Bal', 'TxDtls', 'Ustrd', 'NtryDtls']);
const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  // Remittance lines are cut wherever the bank's 140 characters end, spaces included: keep them (fields are trimmed one by one).
  trimValues: false,
  isArray: (name) => ARRAYS.has(name),
});

const obj = (v: unknown): Node => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Node) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);
/** The text of an element (with or without attributes). */
const raw = (v: unknown): string | null => {
  if (typeof v === 'string' || typeof v === 'number') return String(v);
  const t = obj(v)['#text'];
  return t === undefined ? null : String(t);
};
const text = (v: unknown): string | null => raw(v)?.trim() ?? null;
const path = (v: unknown, ...keys: string[]): unknown => keys.reduce<unknown>((n, k) => obj(n)[k], v);

/** True when the text is an XML document (the caller then reads it here). */
export const looksLikeXml = (s: string) => /^\s*</.test(s);

/** The 1-based line where the n-th <Stmt> (any namespace prefix) starts, for messages. */
function stmtLines(xml: string): number[] {
  const out: number[] = [];
  const re = /<(?:\w+:)?Stmt[\s>]/g;
  for (let m = re.exec(xml); m; m = re.exec(xml)) out.push(xml.slice(0, m.index).split('\n').length);
  return out;
}

const date = (v: unknown) => {
  const s = text(path(v, 'Dt')) ?? text(path(v, 'DtTm'));
  return s && /^\d{4}-\d{2}-\d{2}/.test(s) ? s.slice(0, 10) : null;
};

export function parseCamt053(xml: string): { statements: ParsedStatement[]; problems: StatementProblem[] } {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    throw fileError(
      'payments.file.bad_xml',
      `Plik XML jest uszkodzony lub niekompletny (wiersz ${valid.err.line}): ${valid.err.msg}`,
      `The XML file is damaged or incomplete (line ${valid.err.line}): ${valid.err.msg}`,
      { line: valid.err.line },
    );
  }
  const doc = parser.parse(xml) as Node;
  const root = obj(path(doc, 'Document', 'BkToCstmrStmt'));
  if (!('Stmt' in root)) {
    throw fileError(
      'payments.file.not_statement',
      'Plik XML nie jest wyciągiem camt.053 (brak elementu BkToCstmrStmt/Stmt).',
      'The XML file is not a camt.053 statement (no BkToCstmrStmt/Stmt element).',
    );
  }
  const lines = stmtLines(xml);
  const statements: ParsedStatement[] = [];
  const problems: StatementProblem[] = [];
  arr(root.Stmt).forEach((s, i) => {
    try {
      statements.push(statement(obj(s), lines[i] ?? 1));
    } catch (e) {
      if (e instanceof StatementRefused) problems.push(e.problem);
      else throw e;
    }
  });
  return { statements, problems };
}

function statement(s: Node, fileLine: number): ParsedStatement {
  const id = text(s.Id) ?? `@${fileLine}`;
  const fail = (code: string, pl: string, en: string) => refuse(code, id, fileLine, pl, en);
  const acct = path(s, 'Acct', 'Id');
  const account = normalizeAccount(text(path(acct, 'IBAN')) ?? text(path(acct, 'Othr', 'Id')), false);
  if (!account) throw fail('payments.statement.bad_account', `Wyciąg ${id}: brak numeru rachunku (Acct/Id).`, `Statement ${id}: no account number (Acct/Id).`);

  const amountOf = (n: unknown): { grosze: number; currency: string } | null => {
    const a = path(n, 'Amt');
    const g = amountToGrosze(text(a) ?? '');
    const ind = text(path(n, 'CdtDbtInd'));
    if (g === null || (ind !== 'CRDT' && ind !== 'DBIT')) return null;
    return { grosze: ind === 'DBIT' ? -g : g, currency: String(obj(a)['@Ccy'] ?? '') };
  };
  const balance = (codes: string[], what: { pl: string; en: string }) => {
    const b = codes.map((c) => arr(s.Bal).find((x) => text(path(x, 'Tp', 'CdOrPrtry', 'Cd')) === c)).find(Boolean);
    const amt = b ? amountOf(b) : null;
    const d = b ? date(path(b, 'Dt')) : null;
    if (!amt || !d) {
      throw fail('payments.statement.bad_balance', `Wyciąg ${id}: brak lub nieczytelne saldo ${what.pl} (${codes.join('/')}).`, `Statement ${id}: missing or unreadable ${what.en} balance (${codes.join('/')}).`);
    }
    return { ...amt, date: d };
  };
  const opening = balance(['OPBD', 'PRCD'], { pl: 'początkowe', en: 'opening' });
  const closing = balance(['CLBD'], { pl: 'końcowe', en: 'closing' });
  const currency = opening.currency || text(path(s, 'Acct', 'Ccy')) || 'PLN';

  const entries: StatementLine[] = arr(s.Ntry).map((n, k) => {
    const amt = amountOf(n);
    const bookingDate = date(path(n, 'BookgDt'));
    const valueDate = date(path(n, 'ValDt')) ?? bookingDate;
    if (!amt || !bookingDate || !valueDate) {
      throw fail('payments.statement.bad_line', `Wyciąg ${id}: nieczytelna pozycja nr ${k + 1} (Ntry).`, `Statement ${id}: unreadable entry no. ${k + 1} (Ntry).`);
    }
    // A reversal entry (RvslInd) keeps its CdtDbtInd: the indicator already says which way the money went.
    const tx = obj(arr(path(arr(obj(n).NtryDtls)[0], 'TxDtls'))[0]);
    const party = amt.grosze >= 0 ? 'Dbtr' : 'Cdtr';
    const parties = obj(tx.RltdPties);
    const name = text(path(parties, party, 'Nm')) ?? text(path(parties, party, 'Pty', 'Nm'));
    const acc = path(parties, `${party}Acct`, 'Id');
    const ustrd = arr(path(tx, 'RmtInf', 'Ustrd')).map((u) => raw(u) ?? '');
    const strd = text(path(tx, 'RmtInf', 'Strd', 'CdtrRefInf', 'Ref'));
    const title = (ustrd.length ? ustrd.join('') : strd ?? text(obj(n).AddtlNtryInf) ?? '').trim();
    return {
      account,
      statement: id,
      bookingDate,
      valueDate,
      amount: groszeToString(amt.grosze),
      currency: amt.currency || currency,
      counterAccount: normalizeAccount(text(path(acc, 'IBAN')) ?? text(path(acc, 'Othr', 'Id')), false),
      counterName: name?.trim() || null,
      title,
      bankReference: text(obj(n).AcctSvcrRef) ?? text(path(tx, 'Refs', 'AcctSvcrRef')),
    };
  });

  return {
    format: 'camt053',
    dialect: 'camt053',
    account,
    statement: id,
    currency,
    openingBalance: groszeToString(opening.grosze),
    openingDate: opening.date,
    closingBalance: groszeToString(closing.grosze),
    closingDate: closing.date,
    lines: entries,
    fileLine,
  };
}
