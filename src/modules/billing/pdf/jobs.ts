/**
 * Delivery of issued invoices as background jobs (src/jobs/queue.ts):
 *
 * - `invoice.pdf`: render the PDF once and store it (store.ts), then ask for
 *   delivery;
 * - `invoice.deliver`: an e-invoice customer whose consent says "also by
 *   e-mail" gets an e-mail through the outbox with the PDF attached and a
 *   link to the portal; a portal-only e-invoice customer just finds it in the
 *   portal; a paper invoice goes to the print batch (print-batch.ts), which
 *   takes every paper invoice of a run.
 *
 * - `invoice.pdf.ksef`: make the PDF again when KSeF's part of it changed
 *   (an offline invoice signed with KOD II, an invoice given its KSeF
 *   number): store.ts `refreshInvoicePdf`, the one exception to "made once".
 *
 * All are safe to run twice: the PDF is stored only while the invoice has
 * none (under a row lock), and the e-mail is queued in the same transaction
 * that sets invoices.delivered_at, only while it is still null.
 *
 * The billing run calls `enqueueInvoiceDocuments` inside the transaction
 * that issues the invoices: the jobs exist exactly when the invoices do.
 */
import { sql } from 'kysely';
import { defineJob, enqueue } from '../../../jobs/queue.ts';
import type { Tx } from '../../../db/tenant.ts';
import { queueEmail } from '../../notify/index.ts';
import { invoiceEmail } from './email.ts';
import { ensureInvoicePdf, loadInvoice, pdfFileName, refreshInvoicePdf, type KsefView } from './store.ts';

export const JOB_PDF = 'invoice.pdf';
export const JOB_DELIVER = 'invoice.deliver';
export const JOB_PDF_KSEF = 'invoice.pdf.ksef';

/**
 * Asks for the PDFs of these invoices to be made again now that they have
 * reached `view` (offline with KOD II, or their KSeF number): one job per
 * invoice and view (its key), only for invoices that already have a PDF (the
 * others get theirs rendered in the state they are in). Called in the
 * transaction that changed the invoices, after the change: an invoice whose
 * PDF is being made meanwhile holds its row lock, so either that PDF shows
 * the change or its link is seen here.
 */
export async function enqueuePdfRefresh(tx: Tx, invoiceIds: readonly number[], view: Extract<KsefView, 'offline' | 'number'>): Promise<number> {
  if (invoiceIds.length === 0) return 0;
  const { rows } = await sql<{ n: number }>`
    select count(wodnik_enqueue_job(${JOB_PDF_KSEF}, ${JOB_PDF_KSEF} || ':' || id || ':' || ${view}, jsonb_build_object('invoiceId', id), null, null))::int as n
      from invoices where id = any(${sql.val([...invoiceIds])}::bigint[]) and pdf_file_id is not null`.execute(tx);
  return Number(rows[0]?.n ?? 0);
}

/** Enqueues the PDF (and then delivery) of each issued invoice; idempotent per invoice. */
export async function enqueueInvoiceDocuments(tx: Tx, _utilityId: number, invoiceIds: readonly number[]): Promise<number> {
  if (invoiceIds.length === 0) return 0;
  // One insert … select for a whole issuing batch (wodnik_enqueue_jobs: the rules of enqueue(), in a set).
  const { rows } = await sql<{ n: number }>`
    select wodnik_enqueue_jobs(${JOB_PDF}, ${invoiceIds.map((id) => `${JOB_PDF}:${id}`)}::text[],
                               ${invoiceIds.map((id) => JSON.stringify({ invoiceId: id }))}::jsonb[]) as n`.execute(tx);
  return Number(rows[0]?.n ?? 0);
}

const invoiceIdOf = (payload: unknown): number => {
  const id = Number((payload as { invoiceId?: unknown })?.invoiceId);
  if (!Number.isSafeInteger(id) || id <= 0) throw new Error('payload has no invoiceId');
  return id;
};

defineJob(JOB_PDF, async (payload, { tx, utilityId }) => {
  const invoiceId = invoiceIdOf(payload);
  await ensureInvoicePdf(tx, utilityId, invoiceId);
  await enqueue(tx, JOB_DELIVER, { invoiceId }, { key: `${JOB_DELIVER}:${invoiceId}` });
});

defineJob(JOB_PDF_KSEF, async (payload, { tx, utilityId }) => {
  await refreshInvoicePdf(tx, utilityId, invoiceIdOf(payload));
});

export type DeliveryOutcome = 'emailed' | 'already_delivered' | 'portal_only' | 'paper' | 'no_address';

/** Delivers one invoice (the body of the `invoice.deliver` job). */
export async function deliverInvoice(tx: Tx, utilityId: number, invoiceId: number, publicUrl: string): Promise<DeliveryOutcome> {
  const row = await loadInvoice(tx, invoiceId, { lock: true });
  if (row.delivery !== 'einvoice') return 'paper';
  const state = await tx.selectFrom('invoices').select('delivered_at').where('id', '=', invoiceId).executeTakeFirstOrThrow();
  if (state.delivered_at !== null) return 'already_delivered';
  // The consent in force: the latest one not withdrawn (src/modules/billing/delivery.ts decides the channel per day; here only "by e-mail or not").
  const consent = await tx
    .selectFrom('einvoice_consents')
    .select(['email', 'by_email'])
    .where('customer_id', '=', row.customer_id)
    .where('withdrawn_at', 'is', null)
    .orderBy('granted_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!consent || !consent.by_email) return 'portal_only';
  const customer = await tx.selectFrom('customers').select('email').where('id', '=', row.customer_id).executeTakeFirstOrThrow();
  const to = consent.email?.trim() || customer.email?.trim();
  if (!to) return 'no_address';
  const { fileId } = await ensureInvoicePdf(tx, utilityId, invoiceId);
  const utility = await tx.selectFrom('utilities').select(['name', 'slug']).where('id', '=', utilityId).executeTakeFirstOrThrow();
  const mail = invoiceEmail(row.document, { utilityName: utility.name, portalUrl: `${publicUrl}/t/${utility.slug}/invoices` });
  const marked = await tx
    .updateTable('invoices')
    .set({ delivered_at: sql`now()` })
    .where('id', '=', invoiceId)
    .where('delivered_at', 'is', null)
    .executeTakeFirst();
  if (Number(marked.numUpdatedRows) === 0) return 'already_delivered';
  await queueEmail(tx, {
    utilityId,
    to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    template: 'invoice',
    attachments: [{ fileId, filename: pdfFileName(row.invoice_number) }],
  });
  return 'emailed';
}

defineJob(JOB_DELIVER, async (payload, { tx, utilityId, config }) => {
  await deliverInvoice(tx, utilityId, invoiceIdOf(payload), config.publicUrl);
});
