/**
 * `wodnik billing run`, `wodnik invoice list`, `wodnik invoice xml`.
 *
 * `billing run --issue` resumes an unfinished run of the same period and
 * selection (approved or issuing) instead of starting another: killed at any
 * point and started again, it finishes the same run (see runs/service.ts).
 * Errors: one line `wodnik: CODE: message` on stderr, exit 2 for bad input.
 */
import { sql } from 'kysely';
import { loadConfig } from '../config.ts';
import { openDatabase, type Database } from '../db/connection.ts';
import { withCopyTx } from '../db/bulk.ts';
import { withTenant } from '../db/tenant.ts';
import { AppError } from '../lib/errors.ts';
import { formatMoney } from '../lib/polish-format.ts';
import { checkInvoiceNumber } from '../modules/billing/numbering.ts';
import type { Selection } from '../modules/billing/runs/load.ts';
import { parsePeriod } from '../modules/billing/runs/period.ts';
import { approveRun, createPreviewRun, issueRun, runWarnings, unfinishedRun } from '../modules/billing/runs/service.ts';
import { findUtilityBySlug } from '../modules/utilities/service.ts';

const CYCLES = ['monthly', 'bimonthly', 'quarterly', 'halfyearly'] as const;
export const INVOICE_KINDS = ['household', 'business', 'community', 'estimate', 'correction'] as const;

class CliInputError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

async function withUtility<T>(slug: string | undefined, fn: (database: Database, utilityId: number) => Promise<T>): Promise<T | undefined> {
  const database = await openDatabase(loadConfig());
  try {
    if (!slug) throw new CliInputError('cli.utility_required', 'name the utility with --utility SLUG');
    const u = await findUtilityBySlug(database.db, slug);
    if (!u) throw new CliInputError('tenant.not_found', `there is no utility "${slug}"`);
    return await fn(database, u.id);
  } catch (e) {
    if (e instanceof CliInputError || (e instanceof AppError && e.kind !== 'internal')) {
      process.stderr.write(`wodnik: ${(e as { code: string }).code}: ${e instanceof AppError ? e.messages.en : e.message}\n`);
      process.exitCode = 2;
      return undefined;
    }
    throw e;
  } finally {
    await database.close();
  }
}

export async function billingRunCommand(opts: { utility?: string; period?: string; cycle?: string; preview?: boolean; issue?: boolean; batchSize?: string }): Promise<void> {
  await withUtility(opts.utility, async (database, utilityId) => {
    if (opts.preview && opts.issue) throw new CliInputError('cli.bad_option', 'give --preview or --issue, not both');
    const period = parsePeriod(opts.period ?? '');
    if (!period) throw new CliInputError('billing_run.bad_period', `--period wants YYYY-MM or YYYY-MM..YYYY-MM, not "${opts.period ?? ''}"`);
    if (opts.cycle !== undefined && !(CYCLES as readonly string[]).includes(opts.cycle)) throw new CliInputError('billing_run.bad_cycle', `--cycle is one of ${CYCLES.join(', ')}`);
    const batchSize = opts.batchSize === undefined ? undefined : Number(opts.batchSize);
    if (batchSize !== undefined && !(Number.isInteger(batchSize) && batchSize >= 1 && batchSize <= 10_000)) throw new CliInputError('cli.bad_option', '--batch-size is a whole number from 1 to 10000');
    const selection: Selection = opts.cycle ? { cycle: opts.cycle as Selection['cycle'] } : {};
    const ctx = { utilityId };
    let runId = opts.issue ? await withTenant(database.db, ctx, (tx) => unfinishedRun(tx, utilityId, period, selection)) : null;
    if (runId !== null) {
      console.log(`run ${runId}: resuming`);
    } else {
      runId = await withCopyTx(database, ctx, (tx, copy) => createPreviewRun(tx, utilityId, { period, selection }, copy));
      const w = await withTenant(database.db, ctx, (tx) => runWarnings(tx, utilityId, runId!));
      const { billed, held, net, vat, gross } = (await withTenant(database.db, ctx, (tx) => tx.selectFrom('billing_runs').select(['billed', 'held', 'net_grosze as net', 'vat_grosze as vat', 'gross_grosze as gross']).where('id', '=', runId!).executeTakeFirstOrThrow()));
      console.log(`run ${runId}: ${period.from}..${period.to}: ${billed} to bill, ${held} held back; net ${formatMoney(net)}, VAT ${formatMoney(vat)}, gross ${formatMoney(gross)}`);
      for (const h of w.held) console.log(`  held ${h.code}: ${h.count}`);
      for (const x of w.warnings) console.log(`  warning ${x.code}: ${x.count}`);
      if (!opts.issue) return;
      await withTenant(database.db, ctx, (tx) => approveRun(tx, utilityId, runId!, null));
    }
    const done = await issueRun(database, utilityId, runId, {
      batchSize,
      inBatch: (_batch, issued) => {
        // After the batch's statements, before its commit: the count is what the commit makes visible.
        process.stdout.write(`  issuing: ${issued} invoices\n`);
      },
    });
    console.log(`run ${runId}: issued ${done.issued} invoices dated ${done.issueDate}, ${done.held} held back`);
  });
}

/** The kind `invoice list` prints and filters by: correction, estimate, else the buyer's kind. */
export const invoiceKindSql = sql<string>`case when kind = 'correction' then 'correction' when is_estimate then 'estimate' else coalesce(buyer_kind, 'household') end`;

export async function invoiceListCommand(opts: { utility?: string; period?: string; kind?: string }): Promise<void> {
  await withUtility(opts.utility, async (database, utilityId) => {
    const period = opts.period === undefined ? null : parsePeriod(opts.period);
    if (opts.period !== undefined && !period) throw new CliInputError('invoice.bad_period', `--period wants YYYY-MM or YYYY-MM..YYYY-MM, not "${opts.period}"`);
    if (opts.kind !== undefined && !(INVOICE_KINDS as readonly string[]).includes(opts.kind)) throw new CliInputError('invoice.bad_kind', `--kind is one of ${INVOICE_KINDS.join(', ')}`);
    const { rows } = await withTenant(database.db, { utilityId }, (tx) =>
      sql<{ invoice_number: string; k: string }>`
        select invoice_number, k from (
          select invoice_number, id, ${invoiceKindSql} as k from invoices
          where utility_id = ${utilityId}
            ${period ? sql`and coalesce(period_to, issue_date) >= ${period.from}::date and coalesce(period_from, issue_date) <= ${period.to}::date` : sql``}) x
        ${opts.kind ? sql`where k = ${opts.kind}` : sql``}
        order by id`.execute(tx),
    );
    process.stdout.write(rows.map((r) => `${r.invoice_number}\t${r.k}\n`).join(''));
  });
}

export async function invoiceXmlCommand(number: string, opts: { utility?: string }): Promise<void> {
  try {
    checkInvoiceNumber(number);
  } catch (e) {
    process.stderr.write(`wodnik: ${(e as AppError).code}: ${(e as AppError).messages.en}\n`);
    process.exitCode = 2;
    return;
  }
  await withUtility(opts.utility, async (database, utilityId) => {
    const row = await withTenant(database.db, { utilityId }, (tx) =>
      tx.selectFrom('invoices').select('xml').where('utility_id', '=', utilityId).where('invoice_number', '=', number).executeTakeFirst(),
    );
    if (!row) throw new CliInputError('invoice.not_found', `there is no invoice ${number}`);
    if (!row.xml) throw new CliInputError('invoice.no_xml', `invoice ${number} has no stored XML`);
    await new Promise<void>((resolve, reject) => process.stdout.write(Buffer.from(row.xml!), (err) => (err ? reject(err) : resolve())));
  });
}
