/**
 * A statement file as received (upload, CLI, demo seed) → parsed → imported.
 * A file that is no statement at all throws the parser's AppError (nothing is
 * written); statements it refused are reported beside the imported ones.
 */
import type { Database } from '../../../db/connection.ts';
import { parseStatementFile } from '../statements/parse.ts';
import { importParsed, type ImportMeta, type ImportReport } from './service.ts';

export interface FileImport extends Omit<ImportMeta, 'bytes'> {
  /** The bank profile's :86: dialect where the file does not tell. */
  dialect?: string;
}

export async function importStatementFile(database: Database, utilityId: number, bytes: Uint8Array, opts: FileImport): Promise<ImportReport> {
  const parsed = parseStatementFile(bytes, opts.dialect ? { dialect: opts.dialect } : {});
  return importParsed(database, utilityId, parsed, { ...opts, bytes });
}
