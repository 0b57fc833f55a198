/**
 * `wodnik payments import FILE --utility SLUG [--dialect D]`: imports a
 * statement file as the staff page does. Prints one line per statement
 * (imported: lines, added, duplicates, matched, unmatched; refused: the
 * reason) and the parser's refusals. A file it cannot read: one line
 * `wodnik: CODE: why`, exit 2; a refused statement: exit 1.
 */
import { readFileSync } from 'node:fs';
import { loadConfig } from '../../../config.ts';
import { openDatabase } from '../../../db/connection.ts';
import { AppError } from '../../../lib/errors.ts';
import { findUtilityBySlug } from '../../utilities/service.ts';
import { importStatementFile } from './file.ts';

const fail = (code: string, message: string, exitCode: number) => {
  process.stderr.write(`wodnik: ${code}: ${message.replace(/\s+/g, ' ')}\n`);
  process.exitCode = Math.max(Number(process.exitCode ?? 0), exitCode);
};

export async function importCommand(file: string, opts: { utility?: string; dialect?: string }): Promise<void> {
  if (!opts.utility) return fail('cli.utility_required', 'name the utility with --utility SLUG', 2);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    return fail('payments.file.unreadable', `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 2);
  }
  const database = await openDatabase(loadConfig());
  try {
    const u = await findUtilityBySlug(database.db, opts.utility);
    if (!u) return fail('tenant.not_found', `there is no utility "${opts.utility}"`, 2);
    const r = await importStatementFile(database, u.id, new Uint8Array(bytes), { fileName: file.split('/').at(-1) ?? file, userId: null, dialect: opts.dialect });
    for (const s of r.statements) {
      if (s.status === 'imported') {
        process.stdout.write(`${s.statement} (${s.account}): ${s.lines} lines, ${s.added} added, ${s.duplicates} already imported, ${s.matched} matched, ${s.unmatched} unmatched, ${s.debits} debits\n`);
      } else fail(s.problem?.code ?? 'payments.refused', `${s.statement}: ${s.problem?.message.en ?? 'refused'}`, 1);
    }
    for (const p of r.problems) fail(p.code, `${file}${p.fileLine ? `:${p.fileLine}` : ''}: ${p.message.en}`, 1);
  } catch (e) {
    if (e instanceof AppError) return fail(e.code, `${file}: ${e.messages.en}`, 2);
    throw e;
  } finally {
    await database.close();
  }
}
