/**
 * GET /api/accessibility-statement: the statement's data (statement.ts),
 * made by scripts/accessibility-statement.ts from the tests' axe results and
 * kept in docs/accessibility/statement.json. The web page /dostepnosc adds
 * the utility's name and contacts from /api/utility.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { App, AppDeps } from '../../http/context.ts';
import { notFound } from '../../lib/errors.ts';
import type { StatementData } from './statement.ts';

export const statementFile = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../docs/accessibility/statement.json');

export async function routes(app: App, _deps: AppDeps) {
  // Read once: the file changes only with a new release.
  let cached: Promise<StatementData> | undefined;
  app.get(
    '/api/accessibility-statement',
    { config: { access: 'public' }, schema: { tags: ['utility'], summary: 'The accessibility statement (deklaracja dostępności), made from the tests’ axe results' } },
    async () => {
      cached ??= readFile(statementFile, 'utf8').then((s) => JSON.parse(s) as StatementData);
      try {
        return await cached;
      } catch {
        cached = undefined;
        throw notFound('accessibility.no_statement', 'Deklaracja dostępności nie została jeszcze przygotowana.', 'The accessibility statement has not been prepared yet.');
      }
    },
  );
}
