/**
 * `wodnik ksef …` (issue 16, item 7):
 *   check  --utility SLUG                         sign in and say what KSeF answered
 *   send   --utility SLUG [--invoice N | --run ID] queue and send now (batch; one invoice interactively)
 *   status --utility SLUG                         invoices by KSeF state, recent sessions
 *   upo NUMBER --utility SLUG > upo.xml           an accepted invoice's UPO, byte for byte (only one valid
 *                                                 against upo-v4-3.xsd: else ksef.upo_invalid)
 * `status` counts the invoices whose UPO did not validate (upoInvalid) beside the states.
 * Failures: one line `wodnik: <code>: <text>` on standard error, exit 2.
 */
import { once } from 'node:events';
import { loadConfig, type Config } from '../../config.ts';
import { openDatabase, type Database } from '../../db/connection.ts';
import { withTenant } from '../../db/tenant.ts';
import { AppError } from '../../lib/errors.ts';
import { drainJobs } from '../../jobs/queue.ts';
import { findUtilityBySlug } from '../utilities/service.ts';
import { boxOf, checkConnection, invoiceIdByNumber, invoiceUpoBytes, overview, requestSend, SEND_JOB } from './service.ts';

function fail(code: string, message: string): void {
  process.stderr.write(`wodnik: ${code}: ${message.replace(/\s+/g, ' ')}\n`);
  process.exitCode = 2;
}

async function withUtility(slug: string | undefined, fn: (database: Database, utilityId: number, config: Config) => Promise<void>) {
  if (!slug) return fail('cli.utility_required', 'name the utility with --utility SLUG');
  const config = loadConfig();
  const database = await openDatabase(config);
  try {
    const u = await findUtilityBySlug(database.db, slug);
    if (!u) return fail('tenant.not_found', `there is no utility "${slug}"`);
    await fn(database, u.id, config);
  } catch (err) {
    if (err instanceof AppError) return fail(err.code, err.messages.en);
    throw err;
  } finally {
    await database.close();
  }
}

export async function checkCommand(opts: { utility?: string }): Promise<void> {
  await withUtility(opts.utility, async (database, utilityId, config) => {
    const r = await withTenant(database.db, { utilityId }, (tx) => checkConnection(tx, boxOf(config)));
    if (r.ok) process.stdout.write(`${r.code}: ${r.text}\n`);
    else fail(r.code, r.text);
  });
}

export async function sendCommand(opts: { utility?: string; invoice?: string; run?: string }): Promise<void> {
  if (opts.invoice && opts.run) return fail('cli.ksef_send_one_of', 'give --invoice or --run, not both');
  if (opts.run !== undefined && !/^[1-9][0-9]{0,17}$/.test(opts.run)) return fail('cli.ksef_run_id', 'the run id is a positive number');
  await withUtility(opts.utility, async (database, utilityId, config) => {
    const r = await withTenant(database.db, { utilityId }, (tx) => requestSend(tx, { invoiceNumber: opts.invoice, runId: opts.run ? Number(opts.run) : undefined }));
    process.stderr.write(`queued for KSeF: ${r.queued}\n`);
    const rep = await drainJobs(database, config, { kinds: [SEND_JOB], maxRounds: 20 });
    const ov = await withTenant(database.db, { utilityId }, (tx) => overview(tx));
    process.stdout.write(`${JSON.stringify({ jobs: rep, counts: ov.counts })}\n`);
  });
}

export async function statusCommand(opts: { utility?: string }): Promise<void> {
  await withUtility(opts.utility, async (database, utilityId) => {
    const ov = await withTenant(database.db, { utilityId }, (tx) => overview(tx));
    process.stdout.write(`${JSON.stringify(ov, null, 2)}\n`);
  });
}

export async function upoCommand(number: string, opts: { utility?: string }): Promise<void> {
  await withUtility(opts.utility, async (database, utilityId) => {
    const upo = await withTenant(database.db, { utilityId }, async (tx) => invoiceUpoBytes(tx, await invoiceIdByNumber(tx, number)));
    if (!process.stdout.write(upo)) await once(process.stdout, 'drain');
  });
}
