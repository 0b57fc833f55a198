/**
 * What a bank statement file says, as the parser gives it (pure data, no
 * database). The statement parser (parse.ts) produces these; the import
 * (payments/import) stores them; `wodnik payments parse` prints one
 * `StatementLine` per line as JSON. Amounts stay decimal strings as the bank
 * wrote them (normalised to "123.45", credit positive, debit negative):
 * money becomes integer grosze only where it is booked.
 */
export interface StatementLine {
  /** The statement's own account, IBAN form: "PL" + 26 digits. */
  account: string;
  /** The statement's id: MT940 :20: (and :28C:), camt.053 Stmt/Id. */
  statement: string;
  bookingDate: string; // YYYY-MM-DD
  valueDate: string; // YYYY-MM-DD
  /** "123.45" credit, "-123.45" debit. */
  amount: string;
  currency: string;
  counterAccount: string | null;
  counterName: string | null;
  title: string;
  /** The bank's own reference of the line: MT940 after `//` in :61:, camt.053 AcctSvcrRef. */
  bankReference: string | null;
}

export interface ParsedStatement {
  format: 'mt940' | 'camt053';
  /** The :86: dialect used (bank profile), e.g. 'numbered', 'mbank'. */
  dialect: string;
  account: string;
  statement: string;
  currency: string;
  openingBalance: string; // signed decimal string
  openingDate: string;
  closingBalance: string;
  closingDate: string;
  lines: StatementLine[];
  /** 1-based line of the file where the statement starts (for messages). */
  fileLine: number;
}

/** A statement the parser could read but must refuse (e.g. balances that do not add up). */
export interface StatementProblem {
  code: string;
  statement: string | null;
  fileLine: number | null;
  message: { pl: string; en: string };
}

export interface ParseResult {
  encoding: string;
  statements: ParsedStatement[];
  /** Statements refused whole; the others in `statements` are good. */
  problems: StatementProblem[];
}
