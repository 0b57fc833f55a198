/**
 * What the routes, the CLI and the job share: the send job, the check, the
 * staff's lists and the UPO. Thin over send.ts / auth.ts / settings.ts.
 */
import { sql } from 'kysely';
import type { Config } from '../../config.ts';
import type { Tx } from '../../db/tenant.ts';
import { AppError, notFound } from '../../lib/errors.ts';
import { secretBox, serverKey, type SecretBox } from '../../lib/secret-box.ts';
import { defineJob, enqueue } from '../../jobs/queue.ts';
import { KsefApi, KsefError } from './api.ts';
import { signIn } from './auth.ts';
import { signOfflineCodes } from './offline-codes.ts';
import { queueInvoices, readyInvoices, type QueueFilter } from './selection.ts';
import { sendReady, stateCounts, type SendContext } from './send.ts';
import { apiBaseUrl, credentialsOf, loadSettings, recordCheck, type SettingsRow } from './settings.ts';
import { UPO_RETRY_SECONDS, upoInvalidError, upoRetryDue } from './upo-store.ts';

export const SEND_JOB = 'ksef.send';
/** How long invoices of a session KSeF ended with errors wait before they are sent again. */
export const SESSION_RETRY_SECONDS = 300;

/**
 * Test seam: options of every send run (fast polling, a step at which a test
 * stops the job as a crash would, a smaller session size). Empty in production.
 */
export const sendOptions: Partial<Pick<SendContext, 'step' | 'maxPerSession' | 'maxPartBytes' | 'pollMs' | 'pollTimeoutMs'>> & { maxWaitSeconds?: number } = {};

export function boxOf(config: Config): SecretBox {
  return secretBox(serverKey(config));
}

export function apiFor(s: SettingsRow): KsefApi {
  return new KsefApi({ baseUrl: apiBaseUrl(s), maxWaitSeconds: sendOptions.maxWaitSeconds ?? 60 });
}

/**
 * Commits the job's transaction so far and opens the next one in the same
 * tenant context: the job's transaction is a bare connection inside
 * `begin … commit` (src/db/tenant.ts withTenant), so this is what withTenant
 * itself does. Only the KSeF sender uses it: it must record a step before
 * KSeF is asked, and PGlite has one connection, so no second transaction.
 */
export async function checkpoint(tx: Tx, utilityId: number): Promise<void> {
  if (!Number.isSafeInteger(utilityId) || utilityId <= 0) throw new Error('not a utility id');
  await sql
    .raw(`commit; begin; select set_config('role', 'wodnik_app', true), set_config('app.utility_id', '${utilityId}', true), set_config('app.user_id', '', true)`)
    .execute(tx);
}

export interface SendPayload {
  mode?: 'online' | 'batch';
  invoiceNumber?: string;
  invoiceId?: number;
  runId?: number;
}

const notConfigured = () => new AppError('conflict', 'ksef.not_configured', { pl: 'KSeF nie jest skonfigurowany dla tego przedsiębiorstwa.', en: 'KSeF is not configured for this utility.' });

/** Puts the matching invoices in the KSeF queue and enqueues the send job. */
export async function requestSend(tx: Tx, p: SendPayload): Promise<{ queued: number; jobId: number | null }> {
  const s = await loadSettings(tx);
  if (!s) throw notConfigured();
  if (p.invoiceNumber !== undefined) {
    const { rows } = await sql<{ id: number; state: string | null }>`
      select i.id, k.state from invoices i left join ksef_invoices k on k.utility_id = i.utility_id and k.invoice_id = i.id
       where i.invoice_number = ${p.invoiceNumber}`.execute(tx);
    if (!rows[0]) throw notFound('invoice.not_found', 'Nie znaleziono faktury.', 'Invoice not found.');
    if (rows[0].state === 'rejected') {
      throw new AppError('conflict', 'ksef.rejected_needs_correction', {
        pl: 'KSeF odrzucił tę fakturę: proszę wystawić korektę (albo korektę techniczną) i wysłać ją.',
        en: 'KSeF rejected this invoice: please issue a correction (or a technical correction) and send that.',
      });
    }
  }
  const filter: QueueFilter = { invoiceNumber: p.invoiceNumber, invoiceId: p.invoiceId, runId: p.runId };
  const queued = await queueInvoices(tx, s.include_consumers, filter, s.offline24);
  const jobId = await enqueue(tx, SEND_JOB, { mode: p.mode ?? (p.invoiceNumber || p.invoiceId ? 'online' : 'batch') }, { maxAttempts: 10 });
  return { queued, jobId };
}

/** Signs in and reports what KSeF said (stored as the last check). */
export async function checkConnection(tx: Tx, box: SecretBox): Promise<{ ok: boolean; code: string; text: string }> {
  const s = await loadSettings(tx);
  if (!s) throw notConfigured();
  let out: { ok: boolean; code: string; text: string };
  try {
    const r = await signIn(apiFor(s), s.seller_nip, credentialsOf(s, box), { timeoutMs: 30_000 });
    out = { ok: true, code: 'ksef.ok', text: `signed in (${r.method}); access until ${r.accessToken.validUntil}` };
  } catch (err) {
    if (!(err instanceof KsefError)) throw err;
    out = { ok: false, code: err.code, text: err.message };
  }
  await recordCheck(tx, out.code, out.text);
  return out;
}

defineJob(SEND_JOB, async (payload: SendPayload, jc) => {
  const s = await loadSettings(jc.tx);
  if (!s) return;
  const ctx: SendContext = {
    tx: jc.tx,
    box: boxOf(jc.config),
    api: apiFor(s),
    settings: s,
    checkpoint: () => checkpoint(jc.tx, jc.utilityId),
    ...sendOptions,
  };
  try {
    // Invoices put offline by the request (offline24) get their KOD II before anything is sent.
    await signOfflineCodes(jc.tx, ctx.box, s);
    const { sessionFailed } = await sendReady(ctx, payload.mode ?? 'batch');
    // What became ready during the run (a correction whose original got its number, more than one interactive session holds) goes in the next one;
    // after a session KSeF ended with errors, a while later.
    if ((await readyInvoices(jc.tx, 1, true)).length > 0 || (await readyInvoices(jc.tx, 1, false)).length > 0) {
      const runAt = sessionFailed ? new Date(Date.now() + SESSION_RETRY_SECONDS * 1000) : undefined;
      await enqueue(jc.tx, SEND_JOB, { mode: payload.mode ?? 'batch' }, { maxAttempts: 10, ...(runAt ? { runAt } : {}) });
    } else if (await upoRetryDue(jc.tx)) {
      // A UPO that did not validate (or did not come) is asked for again later: one follow-up per run (the key), bounded by UPO_AUTO_ATTEMPTS.
      const runAt = new Date(Date.now() + UPO_RETRY_SECONDS * 1000);
      await enqueue(jc.tx, SEND_JOB, { mode: payload.mode ?? 'batch' }, { runAt, maxAttempts: 10, key: `ksef.upo-retry-after:${jc.jobId}` });
    }
  } catch (err) {
    if (!(err instanceof KsefError)) throw err;
    if (err.code.startsWith('ksef.auth_') || err.code.startsWith('ksef.certificate') || err.code === 'ksef.key_mismatch') {
      await recordCheck(jc.tx, err.code, err.message);
      await checkpoint(jc.tx, jc.utilityId);
      throw err;
    }
    if (err.code === 'ksef.unavailable' || err.code === 'ksef.rate_limited' || err.code === 'ksef.processing') {
      // KSeF is away, busy or still working: what is done is recorded; try again later.
      if (err.code === 'ksef.unavailable') {
        // Issuing goes on offline (tryby-offline.md): every invoice waiting is now an offline invoice, sent with offlineMode.
        await sql`update ksef_invoices set state = 'offline', offline = true, status_text = ${err.message.slice(0, 1000)}, updated_at = now() where state = 'queued'`.execute(jc.tx);
        // … and carries KOD II, signed with the offline certificate (offline-codes.ts); its PDF is made again.
        await signOfflineCodes(jc.tx, ctx.box, s);
      }
      const seconds = err.retryAfterSeconds ?? (err.code === 'ksef.processing' ? 30 : 300);
      await enqueue(jc.tx, SEND_JOB, { mode: payload.mode ?? 'batch' }, { runAt: new Date(Date.now() + seconds * 1000), maxAttempts: 10 });
      return;
    }
    throw err;
  }
});

/** An invoice's UPO problem for staff: the stable code, its text in both languages and the validator's first message. */
export interface UpoIssue {
  code: string;
  pl: string;
  en: string;
  detail: string | null;
}

function upoIssueOf(problem: string | null): UpoIssue {
  const e = upoInvalidError(problem);
  return { code: e.code, pl: e.messages.pl, en: e.messages.en, detail: problem };
}

export interface KsefOverview {
  counts: Record<string, number>;
  /** Accepted invoices whose UPO did not validate (code ksef.upo_invalid): fetched again by the send job. */
  upoInvalid: number;
  /** Offline invoices still without KOD II (no usable offline certificate): the admin must upload one. */
  offlineWithoutCode: number;
  sessions: { id: number; kind: string; referenceNumber: string | null; state: string; statusCode: number | null; statusText: string | null; invoiceCount: number; createdAt: string }[];
  invoices: { invoiceId: number; invoiceNumber: string; state: string; offline: boolean; ksefNumber: string | null; statusCode: number | null; statusText: string | null; updatedAt: string }[];
  upoInvalidInvoices: { invoiceId: number; invoiceNumber: string; ksefNumber: string; issue: UpoIssue; attempts: number; updatedAt: string }[];
}

/** The staff page: counts by state, recent sessions, invoices waiting, rejected or offline. */
export async function overview(tx: Tx): Promise<KsefOverview> {
  const sessions = await sql<any>`select * from ksef_sessions order by created_at desc, id desc limit 50`.execute(tx);
  const inv = await sql<any>`
    select k.*, i.invoice_number from ksef_invoices k join invoices i on i.utility_id = k.utility_id and i.id = k.invoice_id
     where k.state <> 'accepted' order by k.state, k.invoice_id limit 500`.execute(tx);
  const nocode = await sql<{ n: number }>`select count(*)::int as n from ksef_invoices where offline and certificate_url is null and state <> 'accepted'`.execute(tx);
  const badUpo = await sql<any>`
    select k.invoice_id, k.ksef_number, k.upo_problem, k.upo_attempts, k.updated_at, i.invoice_number, count(*) over ()::int as total
      from ksef_invoices k join invoices i on i.utility_id = k.utility_id and i.id = k.invoice_id
     where k.state = 'accepted' and k.upo is null and k.upo_invalid is not null order by k.invoice_id limit 500`.execute(tx);
  return {
    counts: await stateCounts(tx),
    upoInvalid: Number(badUpo.rows[0]?.total ?? 0),
    offlineWithoutCode: Number(nocode.rows[0]?.n ?? 0),
    sessions: sessions.rows.map((r) => ({
      id: Number(r.id),
      kind: r.kind,
      referenceNumber: r.reference_number,
      state: r.state,
      statusCode: r.status_code,
      statusText: r.status_text,
      invoiceCount: Number(r.invoice_count),
      createdAt: new Date(r.created_at).toISOString(),
    })),
    invoices: inv.rows.map((r) => ({
      invoiceId: Number(r.invoice_id),
      invoiceNumber: r.invoice_number,
      state: r.state,
      offline: r.offline,
      ksefNumber: r.ksef_number,
      statusCode: r.status_code,
      statusText: r.status_text,
      updatedAt: new Date(r.updated_at).toISOString(),
    })),
    upoInvalidInvoices: badUpo.rows.map((r) => ({
      invoiceId: Number(r.invoice_id),
      invoiceNumber: r.invoice_number,
      ksefNumber: r.ksef_number,
      issue: upoIssueOf(r.upo_problem),
      attempts: Number(r.upo_attempts),
      updatedAt: new Date(r.updated_at).toISOString(),
    })),
  };
}

export interface InvoiceKsef {
  state: string | null;
  ksefNumber: string | null;
  statusCode: number | null;
  statusText: string | null;
  hasUpo: boolean;
  /** null: no number yet; valid; invalid (upoIssue says why, staff only); missing (not received yet). */
  upoState: 'valid' | 'invalid' | 'missing' | null;
  upoIssue: UpoIssue | null;
  acceptedAt: string | null;
}

/** One invoice's KSeF state (null state: not in KSeF's queue). */
export async function invoiceKsef(tx: Tx, invoiceId: number, customerIds?: number[]): Promise<InvoiceKsef> {
  const { rows } = await sql<any>`
    select i.ksef_number as number, k.state, k.status_code, k.status_text, k.upo is not null as has_upo, k.upo_invalid is not null as bad_upo, k.upo_problem, k.accepted_at
      from invoices i left join ksef_invoices k on k.utility_id = i.utility_id and k.invoice_id = i.id
     where i.id = ${invoiceId} ${customerIds !== undefined ? sql`and i.customer_id = any(${sql.val(customerIds)}::bigint[])` : sql``}`.execute(tx);
  const r = rows[0];
  if (!r) throw notFound('invoice.not_found', 'Nie znaleziono faktury.', 'Invoice not found.');
  const upoState = r.has_upo === true ? 'valid' : r.bad_upo === true ? 'invalid' : r.state === 'accepted' ? 'missing' : null;
  return {
    state: r.state,
    ksefNumber: r.number,
    statusCode: r.status_code,
    statusText: r.status_text,
    hasUpo: r.has_upo === true,
    upoState,
    // The validator's message is for staff; a customer sees only that the UPO is not there yet.
    upoIssue: upoState === 'invalid' ? upoIssueOf(customerIds === undefined ? r.upo_problem : null) : null,
    acceptedAt: r.accepted_at ? new Date(r.accepted_at).toISOString() : null,
  };
}

/** The UPO of an accepted invoice, as KSeF sent it (only one valid against its schema: else ksef.upo_invalid, 409). */
export async function invoiceUpoBytes(tx: Tx, invoiceId: number, customerIds?: number[]): Promise<Buffer> {
  const { rows } = await sql<{ upo: Uint8Array | null; bad_upo: boolean; upo_problem: string | null }>`
    select k.upo, k.upo_invalid is not null as bad_upo, k.upo_problem from ksef_invoices k join invoices i on i.utility_id = k.utility_id and i.id = k.invoice_id
     where k.invoice_id = ${invoiceId} ${customerIds !== undefined ? sql`and i.customer_id = any(${sql.val(customerIds)}::bigint[])` : sql``}`.execute(tx);
  if (rows[0] && !rows[0].upo && rows[0].bad_upo) throw upoInvalidError(customerIds === undefined ? rows[0].upo_problem : null);
  if (!rows[0]?.upo) throw notFound('ksef.no_upo', 'Ta faktura nie ma jeszcze UPO z KSeF.', 'This invoice has no KSeF UPO yet.');
  return Buffer.from(rows[0].upo);
}

export async function invoiceIdByNumber(tx: Tx, number: string): Promise<number> {
  const { rows } = await sql<{ id: number }>`select id from invoices where invoice_number = ${number}`.execute(tx);
  if (!rows[0]) throw notFound('invoice.not_found', 'Nie znaleziono faktury.', 'Invoice not found.');
  return Number(rows[0].id);
}

