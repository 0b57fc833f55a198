/**
 * `wodnik invoice pdf NUMBER --utility SLUG > f.pdf`: the invoice's PDF as
 * stored (made and stored on first use, like the portal's download), to
 * standard output. A number that is not an invoice number is refused before
 * the database is opened: one line `wodnik: invoice.bad_number: …`, exit 2.
 *
 * `wodnik invoice print-batch --utility SLUG --issued YYYY-MM-DD > batch.pdf`:
 * the print batch of the paper invoices issued that day, streamed.
 */
import { once } from 'node:events';
import { loadConfig } from '../../../config.ts';
import { openDatabase } from '../../../db/connection.ts';
import { withTenant } from '../../../db/tenant.ts';
import { AppError } from '../../../lib/errors.ts';
import { isCivilDate } from '../../../lib/date-formats.ts';
import { findUtilityBySlug } from '../../utilities/service.ts';
import { checkInvoiceNumber } from '../numbering.ts';
import { findInvoiceId, invoicePdf } from './store.ts';
import { writePrintBatch } from './print-batch.ts';

function fail(code: string, message: string): void {
  process.stderr.write(`wodnik: ${code}: ${message.replace(/\s+/g, ' ')}\n`);
  process.exitCode = 2;
}

const failWith = (err: unknown) => {
  if (err instanceof AppError) return fail(err.code, err.messages.en);
  throw err;
};

async function withUtility<T>(slug: string | undefined, fn: (database: Awaited<ReturnType<typeof openDatabase>>, utilityId: number) => Promise<T>) {
  if (!slug) return fail('cli.utility_required', 'name the utility with --utility SLUG');
  const config = loadConfig();
  const database = await openDatabase(config);
  try {
    const u = await findUtilityBySlug(database.db, slug);
    if (!u) return fail('tenant.not_found', `there is no utility "${slug}"`);
    return await fn(database, u.id);
  } finally {
    await database.close();
  }
}

async function write(bytes: Buffer) {
  if (!process.stdout.write(bytes)) await once(process.stdout, 'drain');
}

export async function invoicePdfCommand(number: string, opts: { utility?: string }): Promise<void> {
  try {
    checkInvoiceNumber(number);
  } catch (err) {
    return failWith(err);
  }
  await withUtility(opts.utility, async (database, utilityId) => {
    try {
      const pdf = await withTenant(database.db, { utilityId }, async (tx) => invoicePdf(tx, utilityId, await findInvoiceId(tx, number)));
      await write(pdf.bytes);
    } catch (err) {
      failWith(err);
    }
  });
}

export async function printBatchCommand(opts: { utility?: string; issued?: string }): Promise<void> {
  if (!opts.issued || !isCivilDate(opts.issued)) return fail('print.bad_date', 'give the issue date as --issued YYYY-MM-DD');
  await withUtility(opts.utility, async (database, utilityId) => {
    const r = await writePrintBatch(database, utilityId, { issueDate: opts.issued! }, process.stdout);
    process.stderr.write(`${r.invoices} invoices, ${r.pages} pages\n`);
  });
}
