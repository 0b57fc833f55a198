/**
 * A bank statement file (bytes as received) → its statements and their
 * lines, no database. MT940 in any of the Polish :86: dialects and encodings,
 * or camt.053 XML; the format, encoding and dialect are read from the file,
 * the dialect falling back to `opts.dialect` (the utility's bank profile)
 * where the file does not tell. A statement that cannot be read or does not
 * add up is refused whole into `problems`; the file's other statements stay.
 * A file that is no statement at all, or ends mid-statement, throws AppError.
 */
import { checkBalance } from './balance.ts';
import { looksLikeXml, parseCamt053 } from './camt053.ts';
import { decodeStatementBytes } from './decode.ts';
import { DIALECT_OPTIONS } from './mt940/field86.ts';
import { parseMt940Statement } from './mt940/parse.ts';
import { splitStatements } from './mt940/tags.ts';
import { fileError, StatementRefused } from './problems.ts';
import type { ParsedStatement, ParseResult, StatementProblem } from './types.ts';

export interface ParseOptions {
  /** The bank profile's :86: dialect where the file does not tell: 'numbered', 'numbered~', 'numbered^', 'numbered<', 'numbered+', 'mbank', 'plain' ('auto' = none). */
  dialect?: string;
  /** Force an encoding instead of detecting it (an iconv-lite name). */
  encoding?: string;
}

export function parseStatementFile(bytes: Uint8Array, opts: ParseOptions = {}): ParseResult {
  const option = opts.dialect ?? 'auto';
  if (!(option in DIALECT_OPTIONS)) {
    throw fileError('payments.statement.unknown_dialect', `Nieznany dialekt wyciągu „${option}”.`, `Unknown statement dialect "${option}".`, {
      known: Object.keys(DIALECT_OPTIONS),
    });
  }
  if (bytes.length === 0) throw fileError('payments.file.empty', 'Plik jest pusty.', 'The file is empty.');
  let decoded;
  try {
    decoded = decodeStatementBytes(bytes, opts.encoding);
  } catch {
    throw fileError('payments.file.bad_encoding', `Nieznane kodowanie „${opts.encoding}”.`, `Unknown encoding "${opts.encoding}".`);
  }
  const { text, encoding } = decoded;
  if (looksLikeXml(text)) return { encoding, ...keepBalanced(parseCamt053(text)) };

  const raws = splitStatements(text);
  if (raws.length === 0 || !raws.some((r) => r.tags.some((t) => t.tag === '61' || /^6[02][FM]$/.test(t.tag)))) {
    throw fileError(
      'payments.file.not_statement',
      'Plik nie jest wyciągiem bankowym MT940 ani camt.053 (brak pól :20:, :60F:, :61:, :62F:).',
      'The file is not an MT940 or camt.053 bank statement (no :20:, :60F:, :61:, :62F: fields).',
    );
  }
  const open = raws.find((r) => !r.closed);
  if (open) {
    throw fileError(
      'payments.file.truncated',
      `Plik jest niekompletny: wyciąg zaczynający się w wierszu ${open.fileLine} nie ma salda końcowego (:62F:). Proszę pobrać plik z banku ponownie.`,
      `The file is incomplete: the statement starting at line ${open.fileLine} has no closing balance (:62F:). Please download the file from the bank again.`,
      { line: open.fileLine },
    );
  }
  const forced = option === 'auto' ? null : DIALECT_OPTIONS[option];
  const statements: ParsedStatement[] = [];
  const problems: StatementProblem[] = [];
  for (const raw of raws) {
    try {
      statements.push(parseMt940Statement(raw, forced));
    } catch (e) {
      if (e instanceof StatementRefused) problems.push(e.problem);
      else throw e;
    }
  }
  return { encoding, ...keepBalanced({ statements, problems }) };
}

/** Moves the statements that do not add up from `statements` to `problems`. */
function keepBalanced(r: { statements: ParsedStatement[]; problems: StatementProblem[] }) {
  const statements: ParsedStatement[] = [];
  const problems = [...r.problems];
  for (const s of r.statements) {
    const p = checkBalance(s);
    if (p) problems.push(p);
    else statements.push(s);
  }
  problems.sort((a, b) => (a.fileLine ?? 0) - (b.fileLine ?? 0));
  return { statements, problems };
}
