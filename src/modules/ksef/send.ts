/**
 * Sending invoices to KSeF, crash-safe. Every step is written down and
 * committed before KSeF is asked (`checkpoint`), so a job that dies and runs
 * again knows what it did:
 *
 *   session preparing/opening (no KSeF reference)  → abandoned, its invoices queued again
 *   batch open (parts partly sent, key gone)        → abandoned (KSeF processes nothing unclosed), queued again
 *   batch uploaded / closing                        → closed (again) and collected
 *   online open                                     → closed, collected; invoices KSeF never got: queued again
 *   closed                                          → collected (status polled, numbers and UPOs stored)
 *
 * An invoice is never sent twice by us knowingly; if it is anyway (its
 * record lost), KSeF answers 440 "duplicate" with the number it already gave,
 * and that number is taken. KSeF not answering puts the invoices offline
 * (sent later with offlineMode); its refusals put them in "rejected".
 */
import { sql } from 'kysely';
import type { Tx } from '../../db/tenant.ts';
import type { SecretBox } from '../../lib/secret-box.ts';
import { KsefApi, KsefError } from './api.ts';
import { accessToken, publicKeys } from './auth.ts';
import { newSessionKey, pickMinistryKey, type MinistryKey } from './crypto.ts';
import { enqueuePdfRefresh } from '../billing/pdf/jobs.ts';
import { readyInvoices } from './selection.ts';
import type { SettingsRow } from './settings.ts';
import {
  closeBatchSession,
  closeOnlineSession,
  invoiceUpo,
  openBatchSession,
  openOnlineSession,
  sendOnlineInvoice,
  sessionInvoices,
  sessionStatus,
  uploadPart,
  type SessionInvoice,
} from './sessions/api-calls.ts';
import { buildPackage, type PackageEntry } from './sessions/zip-parts.ts';
import { recordUpo, refetchUpos } from './upo-store.ts';

export const MAX_INVOICES_PER_SESSION = 10_000;

export interface SendContext {
  tx: Tx;
  box: SecretBox;
  api: KsefApi;
  settings: SettingsRow;
  /** Commits what is done so far and goes on in a new transaction. */
  checkpoint(): Promise<void>;
  /** Called after each recorded step (tests stop the job there, as a crash would). */
  step?(name: string): void;
  maxPerSession?: number;
  maxPartBytes?: number;
  pollMs?: number;
  pollTimeoutMs?: number;
}

export interface SendReport {
  sessions: number;
  sent: number;
  accepted: number;
  rejected: number;
  offline: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function token(ctx: SendContext): Promise<string> {
  return accessToken(ctx.tx, ctx.api, ctx.settings, ctx.box);
}

async function ministryKey(ctx: SendContext): Promise<MinistryKey> {
  const mk = pickMinistryKey(await publicKeys(ctx.api), 'SymmetricKeyEncryption');
  if (!mk) throw new KsefError('ksef.no_public_key', 'KSeF publishes no valid key for symmetric key encryption');
  return mk;
}

interface SessionRow {
  id: number;
  kind: 'online' | 'batch';
  reference_number: string | null;
  state: string;
}

async function setSession(tx: Tx, id: number, fields: { state?: string; reference?: string; code?: number | null; text?: string | null; partsUploaded?: number; partCount?: number }) {
  await sql`
    update ksef_sessions set
      state = coalesce(${fields.state ?? null}, state),
      reference_number = coalesce(${fields.reference ?? null}, reference_number),
      status_code = ${fields.code === undefined ? sql`status_code` : fields.code},
      status_text = ${fields.text === undefined ? sql`status_text` : fields.text},
      parts_uploaded = coalesce(${fields.partsUploaded ?? null}::int, parts_uploaded),
      part_count = coalesce(${fields.partCount ?? null}::int, part_count),
      updated_at = now()
    where id = ${id}`.execute(tx);
}

/** The invoices of a session back to the queue (or offline), with why. */
async function requeue(tx: Tx, sessionId: number, why: { code: number | null; text: string | null }, offline = false, onlyWithoutReference = false) {
  await sql`
    update ksef_invoices set
      state = case when ${offline} or offline then 'offline' else 'queued' end,
      offline = offline or ${offline},
      session_id = null, reference_number = null, ordinal = null,
      status_code = ${why.code}, status_text = ${why.text}, updated_at = now()
    where session_id = ${sessionId} and state = 'sending'
      ${onlyWithoutReference ? sql`and reference_number is null` : sql``}`.execute(tx);
}

async function assign(tx: Tx, kind: 'online' | 'batch', ids: number[]): Promise<number> {
  const s = await sql<{ id: number }>`insert into ksef_sessions (utility_id, kind, invoice_count) values (app_utility_id(), ${kind}, ${ids.length}) returning id`.execute(tx);
  const id = Number(s.rows[0]!.id);
  await sql`
    update ksef_invoices k set state = 'sending', session_id = ${id}, ordinal = o.n, attempts = attempts + 1,
           status_code = null, status_text = null, status_details = null, updated_at = now()
      from (select x, row_number() over () as n from unnest(${sql.val(ids)}::bigint[]) as x) o
     where k.invoice_id = o.x`.execute(tx);
  return id;
}

/** The XML files of a batch session, read a page at a time. */
async function* packageEntries(tx: Tx, sessionId: number): AsyncGenerator<PackageEntry> {
  let after = 0;
  for (;;) {
    const { rows } = await sql<{ ordinal: number; invoice_id: number; xml: Uint8Array }>`
      select k.ordinal, k.invoice_id, i.xml from ksef_invoices k join invoices i on i.utility_id = k.utility_id and i.id = k.invoice_id
       where k.session_id = ${sessionId} and k.ordinal > ${after} order by k.ordinal limit 200`.execute(tx);
    if (rows.length === 0) return;
    for (const r of rows) yield { fileName: `${r.invoice_id}.xml`, xml: r.xml };
    after = Number(rows[rows.length - 1]!.ordinal);
  }
}

/**
 * KSeF refused or did not answer before the session was complete: nothing was
 * closed, so KSeF processes none of it. The session is abandoned and its
 * invoices go back to the queue (offline when KSeF is away).
 */
async function abandonOn(ctx: SendContext, sessionId: number, err: unknown): Promise<void> {
  if (!(err instanceof KsefError)) return;
  await setSession(ctx.tx, sessionId, { state: 'abandoned', code: err.httpStatus ?? null, text: `${err.code}: ${err.message}`.slice(0, 1000) });
  await requeue(ctx.tx, sessionId, { code: err.httpStatus ?? null, text: err.message.slice(0, 1000) }, err.code === 'ksef.unavailable');
  await ctx.checkpoint();
}

async function sendBatch(ctx: SendContext, ids: number[], offline: boolean): Promise<boolean> {
  const sessionId = await assign(ctx.tx, 'batch', ids);
  await ctx.checkpoint();
  ctx.step?.('batch.prepared');
  const key = newSessionKey();
  let pkg: Awaited<ReturnType<typeof buildPackage>> | null = null;
  try {
    const mk = await ministryKey(ctx);
    pkg = await buildPackage(packageEntries(ctx.tx, sessionId), key, { maxPartBytes: ctx.maxPartBytes });
    await setSession(ctx.tx, sessionId, { state: 'opening', partCount: pkg.parts.length });
    await ctx.checkpoint();
    const t = await token(ctx);
    const opened = await openBatchSession(ctx.api, t, key, mk, pkg, { offline });
    await setSession(ctx.tx, sessionId, { state: 'open', reference: opened.referenceNumber });
    await ctx.checkpoint();
    ctx.step?.('batch.opened');
    for (const part of pkg.parts) {
      const req = opened.partUploadRequests.find((r) => r.ordinalNumber === part.ordinalNumber);
      if (!req) throw new KsefError('ksef.no_upload_address', `KSeF gave no upload address for part ${part.ordinalNumber}`);
      await uploadPart(ctx.api, req, part);
      await setSession(ctx.tx, sessionId, { partsUploaded: part.ordinalNumber });
      await ctx.checkpoint();
      ctx.step?.('batch.part');
    }
    await setSession(ctx.tx, sessionId, { state: 'uploaded' });
    await ctx.checkpoint();
  } catch (err) {
    await abandonOn(ctx, sessionId, err);
    throw err;
  } finally {
    pkg?.dispose();
  }
  return closeAndCollect(ctx, { id: sessionId, kind: 'batch', reference_number: null, state: 'uploaded' });
}

async function sendOnline(ctx: SendContext, ids: number[], offline: boolean): Promise<boolean> {
  const sessionId = await assign(ctx.tx, 'online', ids);
  await setSession(ctx.tx, sessionId, { state: 'opening' });
  await ctx.checkpoint();
  const key = newSessionKey();
  let ref: string;
  try {
    const mk = await ministryKey(ctx);
    ref = await openOnlineSession(ctx.api, await token(ctx), key, mk);
  } catch (err) {
    await abandonOn(ctx, sessionId, err);
    throw err;
  }
  await setSession(ctx.tx, sessionId, { state: 'open', reference: ref });
  await ctx.checkpoint();
  for (const id of ids) {
    const { rows } = await sql<{ xml: Uint8Array }>`select xml from invoices where id = ${id}`.execute(ctx.tx);
    try {
      const invRef = await sendOnlineInvoice(ctx.api, await token(ctx), ref, key, rows[0]!.xml, { offline });
      ctx.step?.('online.posted');
      await sql`update ksef_invoices set reference_number = ${invRef}, updated_at = now() where invoice_id = ${id}`.execute(ctx.tx);
      await ctx.checkpoint();
    } catch (err) {
      if (!(err instanceof KsefError)) throw err;
      if (err.code === 'ksef.unavailable' || err.code === 'ksef.rate_limited') {
        // The rest waits: offline when KSeF is away; those already sent are collected when it answers.
        await requeue(ctx.tx, sessionId, { code: err.httpStatus ?? null, text: err.message.slice(0, 1000) }, err.code === 'ksef.unavailable', true);
        await ctx.checkpoint();
        throw err;
      }
      // KSeF refused this invoice at once (a 4xx): rejected, the others go on.
      await reject(ctx.tx, id, err.httpStatus ?? 400, err.message, (err.details as any)?.body ?? null);
      await ctx.checkpoint();
    }
  }
  return closeAndCollect(ctx, { id: sessionId, kind: 'online', reference_number: ref, state: 'open' });
}

async function reject(tx: Tx, invoiceId: number, code: number, text: string, details: unknown) {
  await sql`update ksef_invoices set state = 'rejected', status_code = ${code}, status_text = ${text.slice(0, 2000)},
              status_details = ${JSON.stringify(details ?? null)}::jsonb, updated_at = now()
            where invoice_id = ${invoiceId} and state <> 'accepted'`.execute(tx);
}

/**
 * Takes KSeF's number (once: an invoice that has one keeps it) and the UPO
 * (only a UPO valid against its schema is the invoice's: upo-store.ts), and
 * asks for the invoice's PDF to be made again with the number under KOD I
 * (a PDF made before showed OFFLINE; billing/pdf/store.ts). `upoSession` is
 * the KSeF session that serves the UPO, for fetching it again.
 */
async function accept(ctx: SendContext, invoiceId: number, ksefNumber: string, upo: Uint8Array | null, ref: string | null, upoSession: string | null) {
  const tx = ctx.tx;
  await sql`update ksef_invoices set state = 'accepted', ksef_number = ${ksefNumber}, upo_session_ref = ${upoSession},
              reference_number = coalesce(${ref}, reference_number), status_code = 200, status_text = null, accepted_at = now(), updated_at = now()
            where invoice_id = ${invoiceId} and state <> 'accepted'`.execute(tx);
  await recordUpo(tx, invoiceId, upo, ctx.settings.environment);
  await sql`update invoices set ksef_number = ${ksefNumber} where id = ${invoiceId} and ksef_number is null`.execute(tx);
  await enqueuePdfRefresh(tx, [invoiceId], 'number');
}

/** Closes (if not yet) and collects a session; true when KSeF ended it with errors. */
async function closeAndCollect(ctx: SendContext, s: SessionRow): Promise<boolean> {
  const row = (await sql<SessionRow>`select id, kind, reference_number, state from ksef_sessions where id = ${s.id}`.execute(ctx.tx)).rows[0]!;
  const ref = row.reference_number!;
  if (row.state === 'uploaded' || row.state === 'closing' || row.state === 'open') {
    const again = row.state === 'closing';
    await setSession(ctx.tx, row.id, { state: 'closing' });
    await ctx.checkpoint();
    try {
      if (row.kind === 'batch') await closeBatchSession(ctx.api, await token(ctx), ref);
      else await closeOnlineSession(ctx.api, await token(ctx), ref);
    } catch (err) {
      // Closed already (the job died after KSeF took the close): go on to the status.
      if (!(again && err instanceof KsefError && err.httpStatus !== undefined && err.httpStatus < 500 && err.httpStatus !== 429)) throw err;
    }
    await setSession(ctx.tx, row.id, { state: 'closed' });
    await ctx.checkpoint();
    ctx.step?.('session.closed');
  }
  return collect(ctx, row.id, ref, row.kind);
}

/** Polls the closed session until KSeF has processed it, then stores each invoice's outcome. */
async function collect(ctx: SendContext, sessionId: number, ref: string, kind: 'online' | 'batch'): Promise<boolean> {
  const deadline = Date.now() + (ctx.pollTimeoutMs ?? 60_000);
  let st = await sessionStatus(ctx.api, await token(ctx), ref);
  while (st.status.code < 200) {
    if (Date.now() > deadline) throw new KsefError('ksef.processing', `KSeF is still processing session ${ref} (${st.status.code} ${st.status.description})`);
    await sleep(ctx.pollMs ?? 300);
    st = await sessionStatus(ctx.api, await token(ctx), ref);
  }
  const { rows } = await sql<{ invoice_id: number; reference_number: string | null; invoice_hash: string }>`
    select invoice_id, reference_number, invoice_hash from ksef_invoices where session_id = ${sessionId} and state = 'sending'`.execute(ctx.tx);
  const byRef = new Map(rows.filter((r) => r.reference_number).map((r) => [r.reference_number!, Number(r.invoice_id)]));
  const byHash = new Map(rows.map((r) => [r.invoice_hash, Number(r.invoice_id)]));
  const byFile = new Map(rows.map((r) => [`${r.invoice_id}.xml`, Number(r.invoice_id)]));
  const t = await token(ctx);
  let n = 0;
  for await (const inv of sessionInvoices(ctx.api, t, ref)) {
    const id = byRef.get(inv.referenceNumber) ?? (inv.invoiceFileName ? byFile.get(inv.invoiceFileName) : undefined) ?? byHash.get(inv.invoiceHash);
    if (id === undefined) continue;
    await applyOutcome(ctx, ref, id, inv);
    if (++n % 200 === 0) await ctx.checkpoint();
  }
  const failed = st.status.code !== 200;
  // What KSeF did not take in this session goes back to the queue with the session's answer.
  await requeue(ctx.tx, sessionId, { code: st.status.code, text: [st.status.description, ...(st.status.details ?? [])].join(' — ') });
  await setSession(ctx.tx, sessionId, { state: failed ? 'failed' : 'processed', code: st.status.code, text: [st.status.description, ...(st.status.details ?? [])].join(' — ').slice(0, 1000) });
  await ctx.checkpoint();
  return failed;
}

async function applyOutcome(ctx: SendContext, ref: string, invoiceId: number, inv: SessionInvoice): Promise<void> {
  const code = inv.status.code;
  if (code === 200 && inv.ksefNumber) {
    const upo = await invoiceUpo(ctx.api, await token(ctx), ref, inv).catch(() => null);
    await accept(ctx, invoiceId, inv.ksefNumber, upo, inv.referenceNumber, ref);
  } else if (code === 440) {
    // A duplicate: KSeF already holds this invoice under a number; that number is the invoice's.
    const ext = (inv.status.extensions ?? {}) as { originalKsefNumber?: string; originalSessionReferenceNumber?: string };
    if (ext.originalKsefNumber) {
      const upo = ext.originalSessionReferenceNumber
        ? await invoiceUpo(ctx.api, await token(ctx), ext.originalSessionReferenceNumber, { ksefNumber: ext.originalKsefNumber }).catch(() => null)
        : null;
      await accept(ctx, invoiceId, ext.originalKsefNumber, upo, null, ext.originalSessionReferenceNumber ?? null);
    } else {
      await reject(ctx.tx, invoiceId, code, inv.status.description, inv.status);
    }
  } else if (code === 405) {
    // "Przetwarzanie anulowane z powodu błędu sesji": the session failed, not the invoice. It stays
    // "sending" and goes back to the queue with the session's answer (collect → requeue); sent again,
    // it is either taken or, had KSeF kept it after all, answered as a duplicate with its number.
  } else if (code >= 300) {
    await reject(ctx.tx, invoiceId, code, [inv.status.description, ...(inv.status.details ?? [])].join(' — '), inv.status);
  }
  // 100/150: still being processed: left as sent, collected on the next run.
}

/** Finishes what an earlier run left (see the table at the top); true when a session ended with errors. */
async function resume(ctx: SendContext): Promise<boolean> {
  let failed = false;
  const { rows } = await sql<SessionRow>`
    select id, kind, reference_number, state from ksef_sessions
     where state in ('preparing', 'opening', 'open', 'uploaded', 'closing', 'closed') order by id`.execute(ctx.tx);
  for (const s of rows) {
    if (s.reference_number === null || (s.kind === 'batch' && s.state === 'open') || s.state === 'preparing' || s.state === 'opening') {
      await setSession(ctx.tx, s.id, { state: 'abandoned', text: 'the sending job stopped before the session was complete' });
      await requeue(ctx.tx, s.id, { code: null, text: null });
      await ctx.checkpoint();
      continue;
    }
    failed = (await closeAndCollect(ctx, s)) || failed;
  }
  return failed;
}

/**
 * One run of the sender: resume, then send what is ready (batch sessions or
 * one interactive session). Offline invoices first: they have a legal
 * deadline (tryby-offline.md), and a correction of one waits until it has
 * its number (selection.ts), so it goes in the same run once it does.
 */
export async function sendReady(ctx: SendContext, mode: 'online' | 'batch'): Promise<{ sessionFailed: boolean }> {
  if (await resume(ctx)) return { sessionFailed: true };
  // UPOs that did not validate (or did not come) are asked for again: the invoices are not sent again.
  await refetchUpos(ctx.tx, ctx.api, () => token(ctx), ctx.settings.environment);
  await ctx.checkpoint();
  const per = Math.min(ctx.maxPerSession ?? MAX_INVOICES_PER_SESSION, MAX_INVOICES_PER_SESSION);
  for (const offline of [true, false]) {
    for (;;) {
      const ids = await readyInvoices(ctx.tx, mode === 'batch' ? per : Math.min(per, 100), offline);
      if (ids.length === 0) break;
      const failed = mode === 'batch' ? await sendBatch(ctx, ids, offline) : await sendOnline(ctx, ids, offline);
      // KSeF ended a session with errors: its invoices are back in the queue, sent by a later run, not
      // again at once (a KSeF that fails every session would otherwise keep this run going).
      if (failed) return { sessionFailed: true };
      if (mode === 'online') break;
    }
  }
  return { sessionFailed: false };
}

export async function stateCounts(tx: Tx): Promise<Record<string, number>> {
  const { rows } = await sql<{ state: string; n: number }>`select state, count(*)::int as n from ksef_invoices group by state`.execute(tx);
  return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
}
