/** Statement problems and file errors with their stable codes and Polish/English messages. */
import { AppError } from '../../../lib/errors.ts';
import type { StatementProblem } from './types.ts';

export const problem = (code: string, statement: string | null, fileLine: number | null, pl: string, en: string): StatementProblem => ({
  code,
  statement,
  fileLine,
  message: { pl, en },
});

/** A statement refused while it is being read (caught per statement; the file's other statements stay). */
export class StatementRefused extends Error {
  constructor(readonly problem: StatementProblem) {
    super(problem.message.en);
  }
}

export const refuse = (code: string, statement: string | null, fileLine: number | null, pl: string, en: string) =>
  new StatementRefused(problem(code, statement, fileLine, pl, en));

/** The whole file cannot be read as statements: thrown as the project's AppError (400 in the API, exit 2 on the command line). */
export const fileError = (code: string, pl: string, en: string, details?: Record<string, unknown>) =>
  new AppError('bad_request', code, { pl, en }, details);
