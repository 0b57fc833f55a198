/**
 * `wodnik billing simulate FILE.json [--basis]`: the billing engine on one
 * contract described in a file; prints the bill as JSON. Touches no database.
 * A bad document: one line `wodnik: CODE: where: why` on stderr, exit 2.
 */
import { readFileSync } from 'node:fs';
import { BillingInputError, simulate } from '../modules/billing/engine/index.ts';

function fail(code: string, message: string): void {
  process.stderr.write(`wodnik: ${code}: ${message.replace(/\s+/g, ' ')}\n`);
  process.exitCode = 2;
}

export function simulateCommand(file: string, opts: { basis?: boolean }): void {
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (e) {
    return fail('billing.file_unreadable', `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    return fail('billing.bad_json', `${file} is not JSON: ${(e as Error).message}`);
  }
  try {
    process.stdout.write(JSON.stringify(simulate(doc, { basis: opts.basis }), null, 2) + '\n');
  } catch (e) {
    if (e instanceof BillingInputError) return fail(e.code, e.message);
    throw e;
  }
}
