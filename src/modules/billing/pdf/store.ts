/**
 * An invoice's PDF in the database: made once from the stored document and
 * kept in `files` (linked by invoices.pdf_file_id), then served unchanged
 * (the same bytes, whatever changes later in the utility's branding or the
 * customer's history).
 *
 * `ensureInvoicePdf` locks the invoice row (FOR UPDATE) before it looks at
 * pdf_file_id, so two workers that render the same invoice at once store one
 * file: the second waits, then finds the link and returns it.
 */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { asBuffer } from '../../../db/bytea.ts';
import type { Tx } from '../../../db/tenant.ts';
import { notFound } from '../../../lib/errors.ts';
import type { BillingDocument, InvoiceLine, ReadingBasis } from '../invoice-document.ts';
import type { PeriodConsumption } from './chart.ts';
import { ksefEnvironment, ksefVerificationUrl } from './ksef-qr.ts';
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

/** Everything the renderer needs, from the stored invoice. */
export async function loadPdfInput(tx: Tx, utilityId: number, row: InvoiceRow, branding?: Branding): Promise<InvoicePdfInput> {
  const doc = row.document;
  const ksef = goesToKsef(row)
    ? { url: ksefVerificationUrl(ksefEnvironment(), doc.seller.nip, doc.issueDate, asBuffer(row.xml!)), number: row.ksef_number }
    : null;
  return { document: doc, branding: branding ?? (await loadBranding(tx, utilityId)), history: await loadHistory(tx, row), ksef };
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
  const bytes = await renderInvoicePdf(await loadPdfInput(tx, utilityId, row));
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
  await tx.updateTable('invoices').set({ pdf_file_id: fileId }).where('id', '=', invoiceId).where('pdf_file_id', 'is', null).execute();
  return { fileId, created: true };
}

/** The invoice's PDF bytes (made and stored on first use), with its file name. */
export async function invoicePdf(tx: Tx, utilityId: number, invoiceId: number): Promise<{ name: string; bytes: Buffer; sha256: string }> {
  const { fileId } = await ensureInvoicePdf(tx, utilityId, invoiceId);
  const f = await tx.selectFrom('files').select(['name', 'data', 'sha256']).where('id', '=', fileId).executeTakeFirstOrThrow();
  return { name: f.name, bytes: asBuffer(f.data), sha256: f.sha256 };
}
