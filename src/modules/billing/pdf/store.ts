/**
 * An invoice's PDF in the database: made once from the stored document and
 * kept in `files` (linked by invoices.pdf_file_id), then served unchanged
 * (the same bytes, whatever changes later in the utility's branding or the
 * customer's history).
 *
 * `ensureInvoicePdf` locks the invoice row (FOR UPDATE) before it looks at
 * pdf_file_id, so two workers that render the same invoice at once store one
 * file: the second waits, then finds the link and returns it.
 *
 * The one exception to "made once" is KSeF's part of the page
 * (`refreshInvoicePdf`): an invoice whose PDF shows KOD I labelled OFFLINE
 * gets a new PDF when it is issued offline (KOD II added) and again when KSeF
 * gives it its number (the number under KOD I, no KOD II), as kody-qr.md
 * asks. The earlier file is kept, not deleted: it is what the buyer was sent
 * (an e-mail in the outbox may still point at it, and the KOD II it carries is
 * the issuer's proof for the offline period); invoice_pdf_versions records
 * each file, what it showed, and when it was replaced. Downloads serve
 * invoices.pdf_file_id, the newest.
 */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { asBuffer } from '../../../db/bytea.ts';
import type { Tx } from '../../../db/tenant.ts';
import { notFound } from '../../../lib/errors.ts';
import type { BillingDocument, InvoiceLine, ReadingBasis } from '../invoice-document.ts';
import type { PeriodConsumption } from './chart.ts';
import { ksefEnvironment, ksefVerificationUrl, qrEnvironmentOf } from './ksef-qr.ts';
import { type Branding, type InvoicePdfInput, renderInvoicePdf } from './render.ts';

/** How many earlier periods the chart shows (with the invoice's own: up to 8 bars). */
export const HISTORY_PERIODS = 7;

export interface InvoiceRow {
  id: number;
  invoice_number: string;
  kind: string;
  customer_id: number;
  contract_id: number | null;
  buyer_kind: string | null;
  issue_date: string;
  period_from: string | null;
  period_to: string | null;
  delivery: string;
  ksef_number: string | null;
  pdf_file_id: number | null;
  document: BillingDocument;
  xml: Uint8Array | null;
}

/**
 * Whether the invoice goes to KSeF, so its PDF carries KOD I: it has FA(3)
 * XML and either a buyer who is not a consumer (a business or a housing
 * community: mandatory in KSeF) or a KSeF number already (a utility that also
 * sends its consumers' invoices).
 */
export function goesToKsef(row: Pick<InvoiceRow, 'xml' | 'buyer_kind' | 'ksef_number'>): boolean {
  return row.xml !== null && (row.ksef_number !== null || (row.buyer_kind !== null && row.buyer_kind !== 'household'));
}

/** The water a document bills, in thousandths of m³: its water lines, else its meters' reading basis. */
export function consumptionOf(doc: BillingDocument): { volume: number; estimated: boolean } {
  const lines: InvoiceLine[] = doc.kind === 'invoice' ? doc.lines : doc.after.lines;
  const water = lines.filter((l) => l.unit === 'm3' && /^dostawa wody/i.test(l.name));
  if (water.length > 0) return { volume: water.reduce((s, l) => s + l.quantity, 0), estimated: water.some((l) => l.estimated === true) };
  const readings: ReadingBasis[] = doc.readings;
  return {
    volume: readings.reduce((s, r) => s + (r.closing.value - r.opening.value), 0),
    estimated: readings.some((r) => r.closing.source === 'estimated'),
  };
}

export function brandingOf(u: {
  name: string;
  short_name: string;
  street: string;
  postal_code: string;
  city: string;
  nip: string | null;
  phone: string;
  sender_email: string;
  website: string;
  primary_color: string;
  accent_color: string;
  logo_svg: string | null;
}): Branding {
  return {
    name: u.name,
    shortName: u.short_name,
    street: u.street,
    postalCode: u.postal_code,
    city: u.city,
    nip: u.nip,
    phone: u.phone,
    email: u.sender_email,
    website: u.website,
    primaryColor: /^#[0-9a-f]{6}$/i.test(u.primary_color) ? u.primary_color : '#0b5cad',
    accentColor: /^#[0-9a-f]{6}$/i.test(u.accent_color) ? u.accent_color : '#00897b',
    logoSvg: u.logo_svg,
  };
}

export async function loadBranding(tx: Tx, utilityId: number): Promise<Branding> {
  const u = await tx.selectFrom('utilities').selectAll().where('id', '=', utilityId).executeTakeFirstOrThrow();
  return brandingOf(u);
}

const INVOICE_COLUMNS = [
  'id',
  'invoice_number',
  'kind',
  'customer_id',
  'contract_id',
  'buyer_kind',
  'issue_date',
  'period_from',
  'period_to',
  'delivery',
  'ksef_number',
  'pdf_file_id',
  'document',
  'xml',
] as const;

const toRow = (r: Record<string, unknown>): InvoiceRow => ({
  ...(r as unknown as InvoiceRow),
  id: Number(r.id),
  customer_id: Number(r.customer_id),
  contract_id: r.contract_id === null ? null : Number(r.contract_id),
  pdf_file_id: r.pdf_file_id === null ? null : Number(r.pdf_file_id),
  issue_date: civil(r.issue_date),
  period_from: r.period_from === null ? null : civil(r.period_from),
  period_to: r.period_to === null ? null : civil(r.period_to),
});
const civil = (v: unknown) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10));

const invoiceNotFound = () => notFound('invoice.not_found', 'Nie ma takiej faktury.', 'There is no such invoice.');

export async function loadInvoice(tx: Tx, invoiceId: number, opts: { lock?: boolean } = {}): Promise<InvoiceRow> {
  let q = tx.selectFrom('invoices').select(INVOICE_COLUMNS).where('id', '=', invoiceId);
  if (opts.lock) q = q.forUpdate();
  const r = await q.executeTakeFirst();
  if (!r || r.document === null) throw invoiceNotFound();
  return toRow(r);
}

export async function findInvoiceId(tx: Tx, invoiceNumber: string): Promise<number> {
  const r = await tx.selectFrom('invoices').select('id').where('invoice_number', '=', invoiceNumber).executeTakeFirst();
  if (!r) throw invoiceNotFound();
  return Number(r.id);
}

/** The consumption of the customer's (contract's) periods up to this invoice's, oldest first, this one marked current. */
export async function loadHistory(tx: Tx, row: InvoiceRow): Promise<PeriodConsumption[]> {
  const own = row.document;
  const periodTo = own.period.to;
  let q = tx
    .selectFrom('invoices')
    .select(['period_from', 'period_to', sql<BillingDocument['readings']>`document->'readings'`.as('readings'), sql<InvoiceLine[]>`document->'lines'`.as('lines')])
    .where('customer_id', '=', row.customer_id)
    .where('kind', '=', 'invoice')
    .where('document', 'is not', null)
    .where('period_to', '<', periodTo)
    .orderBy('period_to', 'desc')
    .limit(HISTORY_PERIODS);
  if (row.contract_id !== null) q = q.where('contract_id', '=', row.contract_id);
  const earlier = await q.execute();
  const history: PeriodConsumption[] = earlier
    .filter((e) => e.period_from !== null && e.period_to !== null)
    .reverse()
    .map((e) => {
      const c = consumptionOf({ kind: 'invoice', lines: e.lines ?? [], readings: e.readings ?? [] } as unknown as BillingDocument);
      return { from: civil(e.period_from), to: civil(e.period_to), ...c };
    });
  history.push({ from: own.period.from, to: own.period.to, ...consumptionOf(own), current: true });
  return history;
}

/** What a PDF shows of KSeF (invoice_pdf_versions.ksef_view). */
export type KsefView = 'plain' | 'pending' | 'offline' | 'number';

export function ksefViewOf(input: Pick<InvoicePdfInput, 'ksef'>): KsefView {
  if (!input.ksef) return 'plain';
  if (input.ksef.number) return 'number';
  return input.ksef.certificateUrl ? 'offline' : 'pending';
}

/**
 * The invoice's KSeF codes: the environment of the utility's KSeF
 * configuration (KSEF_ENV when it has none), and for an offline invoice
 * without its number yet the signed KOD II link (ksef/offline-codes.ts).
 */
async function ksefCodesOf(tx: Tx, row: InvoiceRow): Promise<InvoicePdfInput['ksef']> {
  if (row.xml === null) return null;
  const { rows } = await sql<{ env: 'test' | 'demo' | 'production' | null; queued: boolean; certificate_url: string | null }>`
    select (select environment from ksef_settings) as env,
           exists (select 1 from ksef_invoices where invoice_id = ${row.id}) as queued,
           (select certificate_url from ksef_invoices where invoice_id = ${row.id} and offline) as certificate_url`.execute(tx);
  const r = rows[0];
  // A consumer's invoice carries the codes too once the utility sends it to KSeF (its setting).
  if (!goesToKsef(row) && !r?.queued) return null;
  const env = r?.env ? qrEnvironmentOf(r.env) : ksefEnvironment();
  const doc = row.document;
  return {
    url: ksefVerificationUrl(env, doc.seller.nip, doc.issueDate, asBuffer(row.xml)),
    number: row.ksef_number,
    certificateUrl: row.ksef_number ? null : (r?.certificate_url ?? null),
  };
}

/** Everything the renderer needs, from the stored invoice. */
export async function loadPdfInput(tx: Tx, utilityId: number, row: InvoiceRow, branding?: Branding): Promise<InvoicePdfInput> {
  return { document: row.document, branding: branding ?? (await loadBranding(tx, utilityId)), history: await loadHistory(tx, row), ksef: await ksefCodesOf(tx, row) };
}

/** The file name an invoice's PDF is stored and served under: FV-2026-12-000123.pdf. */
export const pdfFileName = (invoiceNumber: string) => `${invoiceNumber.replace(/[^A-Za-z0-9]+/g, '-')}.pdf`;

/**
 * The invoice's PDF file id, rendering and storing it first when it has none.
 * Runs in the caller's tenant transaction.
 */
export async function ensureInvoicePdf(tx: Tx, utilityId: number, invoiceId: number): Promise<{ fileId: number; created: boolean }> {
  const row = await loadInvoice(tx, invoiceId, { lock: true });
  if (row.pdf_file_id !== null) return { fileId: row.pdf_file_id, created: false };
  const fileId = await renderAndStore(tx, utilityId, row);
  await tx.updateTable('invoices').set({ pdf_file_id: fileId }).where('id', '=', invoiceId).where('pdf_file_id', 'is', null).execute();
  return { fileId, created: true };
}

/** Renders the invoice as it stands, stores the file and records what it shows of KSeF. */
async function renderAndStore(tx: Tx, utilityId: number, row: InvoiceRow, input?: InvoicePdfInput): Promise<number> {
  const pdfInput = input ?? (await loadPdfInput(tx, utilityId, row));
  const bytes = await renderInvoicePdf(pdfInput);
  const file = await tx
    .insertInto('files')
    .values({
      utility_id: utilityId,
      name: pdfFileName(row.invoice_number),
      content_type: 'application/pdf',
      size_bytes: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      data: bytes,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const fileId = Number(file.id);
  await sql`insert into invoice_pdf_versions (utility_id, file_id, invoice_id, ksef_view) values (${utilityId}, ${fileId}, ${row.id}, ${ksefViewOf(pdfInput)})`.execute(tx);
  return fileId;
}

export type RefreshOutcome = 'no_pdf' | 'unchanged' | 'replaced';

/**
 * Makes the invoice's PDF again when what it shows of KSeF is out of date
 * (OFFLINE → OFFLINE with KOD II → the KSeF number); see the top of this file.
 * Safe to run twice: under the invoice's row lock, a PDF that already shows
 * the invoice's KSeF state is left alone; an invoice without a PDF yet is
 * left to `ensureInvoicePdf`, which renders the current state anyway.
 */
export async function refreshInvoicePdf(tx: Tx, utilityId: number, invoiceId: number): Promise<RefreshOutcome> {
  const row = await loadInvoice(tx, invoiceId, { lock: true });
  if (row.pdf_file_id === null) return 'no_pdf';
  const { rows } = await sql<{ ksef_view: KsefView | null }>`select ksef_view from invoice_pdf_versions where file_id = ${row.pdf_file_id}`.execute(tx);
  const shown = rows[0]?.ksef_view ?? null;
  const input = await loadPdfInput(tx, utilityId, row);
  const view = ksefViewOf(input);
  // Only KSeF's codes are brought up to date; a PDF with no KSeF part (or one made before versions were kept and now plain) stays as issued.
  if (shown === view || view === 'plain') return 'unchanged';
  const fileId = await renderAndStore(tx, utilityId, row, input);
  if (rows.length === 0) {
    await sql`insert into invoice_pdf_versions (utility_id, file_id, invoice_id, ksef_view, replaced_at) values (${utilityId}, ${row.pdf_file_id}, ${row.id}, null, now())`.execute(tx);
  } else {
    await sql`update invoice_pdf_versions set replaced_at = now() where file_id = ${row.pdf_file_id}`.execute(tx);
  }
  await tx.updateTable('invoices').set({ pdf_file_id: fileId }).where('id', '=', invoiceId).execute();
  return 'replaced';
}

/** The invoice's PDF bytes (made and stored on first use), with its file name. */
export async function invoicePdf(tx: Tx, utilityId: number, invoiceId: number): Promise<{ name: string; bytes: Buffer; sha256: string }> {
  const { fileId } = await ensureInvoicePdf(tx, utilityId, invoiceId);
  const f = await tx.selectFrom('files').select(['name', 'data', 'sha256']).where('id', '=', fileId).executeTakeFirstOrThrow();
  return { name: f.name, bytes: asBuffer(f.data), sha256: f.sha256 };
}
