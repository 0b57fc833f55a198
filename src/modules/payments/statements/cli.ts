/**
 * `wodnik payments parse FILE [--dialect D] [--encoding E]`: the statement
 * parser alone, no database. One JSON object per statement line on standard
 * output, in file order, keys in the order the payments issue gives. A file
 * it cannot read: one line `wodnik: CODE: why` on stderr, exit 2. A statement
 * refused whole (e.g. it does not add up): one such line per statement on
 * stderr, the others printed, exit 1 (exit 2 when nothing was left).
 */
import { readFileSync } from 'node:fs';
import { AppError } from '../../../lib/errors.ts';
import { parseStatementFile } from './parse.ts';
import type { StatementLine } from './types.ts';

const fail = (code: string, message: string, exitCode: number) => {
  process.stderr.write(`wodnik: ${code}: ${message.replace(/\s+/g, ' ')}\n`);
  process.exitCode = Math.max(Number(process.exitCode ?? 0), exitCode);
};

const KEYS = ['account', 'statement', 'bookingDate', 'valueDate', 'amount', 'currency', 'counterAccount', 'counterName', 'title', 'bankReference'] as const;

/**
 * One line of output: the keys in the documented order whatever the parser's
 * objects hold, written `{"key": value, …}` as the shared sample's
 * .expected.jsonl is (still plain JSON).
 */
export const lineJson = (l: StatementLine) => `{${KEYS.map((k) => `${JSON.stringify(k)}: ${JSON.stringify(l[k])}`).join(', ')}}`;

export function parseCommand(file: string, opts: { dialect?: string; encoding?: string }): void {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file === '-' ? 0 : file);
  } catch (e) {
    return fail('payments.file.unreadable', `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 2);
  }
  let result;
  try {
    result = parseStatementFile(bytes, { dialect: opts.dialect, encoding: opts.encoding });
  } catch (e) {
    if (e instanceof AppError) return fail(e.code, `${file}: ${e.messages.en}`, 2);
    throw e;
  }
  // Statements and their lines are in file order already.
  process.stdout.write(result.statements.flatMap((s) => s.lines.map((l) => lineJson(l) + '\n')).join(''));
  for (const p of result.problems) {
    fail(p.code, `${file}${p.fileLine ? `:${p.fileLine}` : ''}: ${p.message.en}`, result.statements.length ? 1 : 2);
  }
}
