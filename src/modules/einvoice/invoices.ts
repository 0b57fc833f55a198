/**
 * The invoices and corrections as the portal and staff see them: the list
 * (period, number, amounts, due date, status, KSeF number) and the stored
 * documents, served byte for byte as issued (the FA(3) XML in
 * `invoices.xml`, the PDF file of `invoices.pdf_file_id` once the PDF job
 * has rendered it). A portal user reaches only the invoices of their own
 * customers; any other id is "not found", so ids reveal nothing.
 */
import { ensureInvoicePdf } from '../billing/pdf/store.ts';
import { sql } from 'kysely';
import type { Tx } from '../../db/tenant.ts';
import { conflict, notFound } from '../../lib/errors.ts';
import { asBuffer } from '../../db/bytea.ts';
import { addressText } from '../change-requests/rules.ts';

export type InvoiceStatus = 'paid' | 'partly_paid' | 'unpaid' | 'overdue' | 'credit';

export interface InvoiceItem {
  id: number;
  customerId: number;
  customerNumber: string;
  customerName: string;
  number: string;
  kind: 'invoice' | 'correction';
  correctsNumber: string | null;
  correctionReason: string | null;
  issueDate: string;
  periodFrom: string | null;
  periodTo: string | null;
  dueDate: string;
  net: number;
  vat: number;
  gross: number;
  paid: number;
  status: InvoiceStatus;
  estimated: boolean;
  delivery: string;
  ksefNumber: string | null;
  hasXml: boolean;
  hasPdf: boolean;
  /** Numbers of the corrections of this invoice. */
  correctedBy: string[];
  /** The contract billed and its point of supply's address (a customer with several tells the invoices apart by them). */
  contractNumber: string | null;
  place: string | null;
}

/** Paid, part paid, unpaid, overdue (unpaid after its due date), or a credit (a correction that lowers the amount). */
export function invoiceStatus(gross: number, paid: number, dueDate: string, today: string): InvoiceStatus {
  if (gross < 0) return 'credit';
  if (paid >= gross) return 'paid';
  if (dueDate < today) return 'overdue';
  return paid > 0 ? 'partly_paid' : 'unpaid';
}

export interface InvoiceFilter {
  customerIds?: number[];
  /** Number, or its beginning (FV/2026/12). */
  number?: string;
  /** Customer number or name (a part of it). */
  customer?: string;
  /** 'YYYY-MM': invoices whose sale period touches that month. */
  period?: string;
  limit: number;
  offset: number;
}

function base(tx: Tx) {
  return tx
    .selectFrom('invoices as i')
    .innerJoin('customers as c', 'c.id', 'i.customer_id')
    .leftJoin('invoices as o', 'o.id', 'i.corrects_invoice_id')
    .leftJoin('contracts as k', (j) => j.onRef('k.utility_id', '=', 'i.utility_id').onRef('k.id', '=', 'i.contract_id'))
    .leftJoin('service_points as sp', (j) => j.onRef('sp.utility_id', '=', 'k.utility_id').onRef('sp.id', '=', 'k.service_point_id'));
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (m) => `\\${m}`);

export async function listInvoices(tx: Tx, f: InvoiceFilter, today: string): Promise<{ items: InvoiceItem[]; total: number }> {
  let q = base(tx);
  if (f.customerIds) q = q.where('i.customer_id', 'in', f.customerIds.length ? f.customerIds : [-1]);
  if (f.number) q = q.where('i.invoice_number', 'like', `${escapeLike(f.number.trim().toUpperCase())}%`);
  if (f.customer) {
    const pat = `%${escapeLike(f.customer.trim().toLowerCase())}%`;
    q = q.where((eb) => eb.or([eb(sql`lower(c.customer_number)`, 'like', pat), eb(sql`lower(c.name)`, 'like', pat)]));
  }
  if (f.period) {
    const from = `${f.period}-01`;
    q = q.where('i.period_from', '<=', sql<string>`(${from}::date + interval '1 month' - interval '1 day')::date`).where('i.period_to', '>=', from);
  }
  const total = await q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  const rows = await q
    .select([
      'i.id',
      'i.customer_id',
      'c.customer_number',
      'c.name as customer_name',
      'i.invoice_number',
      'i.kind',
      'o.invoice_number as corrects_number',
      'i.correction_reason',
      'i.issue_date',
      'i.period_from',
      'i.period_to',
      'i.due_date',
      'i.net_grosze',
      'i.vat_grosze',
      'i.gross_grosze',
      'i.is_estimate',
      'i.delivery',
      'i.ksef_number',
      sql<boolean>`i.xml is not null`.as('has_xml'),
      sql<boolean>`i.pdf_file_id is not null`.as('has_pdf'),
      sql<string>`coalesce((select sum(a.amount_grosze) from payment_allocations a where a.invoice_id = i.id), 0)`.as('paid'),
      sql<string[] | null>`(select array_agg(x.invoice_number order by x.id) from invoices x where x.corrects_invoice_id = i.id)`.as('corrected_by'),
      'k.contract_number',
      'sp.street as sp_street',
      'sp.building as sp_building',
      'sp.apartment as sp_apartment',
      'sp.postal_code as sp_postal_code',
      'sp.locality as sp_locality',
    ])
    .orderBy('i.issue_date', 'desc')
    .orderBy('i.id', 'desc')
    .limit(f.limit)
    .offset(f.offset)
    .execute();
  return {
    total: Number(total.n),
    items: rows.map((r) => {
      const gross = Number(r.gross_grosze);
      const paid = Number(r.paid);
      return {
        id: r.id,
        customerId: r.customer_id,
        customerNumber: r.customer_number,
        customerName: r.customer_name,
        number: r.invoice_number,
        kind: r.kind as InvoiceItem['kind'],
        correctsNumber: r.corrects_number,
        correctionReason: r.correction_reason,
        issueDate: r.issue_date,
        periodFrom: r.period_from,
        periodTo: r.period_to,
        dueDate: r.due_date,
        net: Number(r.net_grosze),
        vat: Number(r.vat_grosze),
        gross,
        paid,
        status: invoiceStatus(gross, paid, r.due_date, today),
        estimated: r.is_estimate,
        delivery: r.delivery,
        ksefNumber: r.ksef_number,
        hasXml: r.has_xml,
        hasPdf: r.has_pdf,
        correctedBy: r.corrected_by ?? [],
        contractNumber: r.contract_number ?? null,
        place:
          r.sp_locality === null
            ? null
            : addressText({ street: r.sp_street ?? '', building: r.sp_building ?? '', apartment: r.sp_apartment, postalCode: r.sp_postal_code ?? '', city: r.sp_locality }),
      };
    }),
  };
}

const invoiceNotFound = () => notFound('invoice.not_found', 'Nie znaleziono faktury.', 'Invoice not found.');

/** The invoice's row, or 404 (also when a portal user asks for another customer's invoice). */
async function invoiceRow(tx: Tx, invoiceId: number, customerIds?: number[]) {
  let q = tx.selectFrom('invoices').select(['id', 'utility_id', 'invoice_number', 'customer_id', 'xml', 'pdf_file_id']).where('id', '=', invoiceId);
  if (customerIds) q = q.where('customer_id', 'in', customerIds.length ? customerIds : [-1]);
  const row = await q.executeTakeFirst();
  if (!row) throw invoiceNotFound();
  return row;
}

export const documentFileName = (number: string, ext: string) => `${number.replace(/[^\w-]+/g, '_')}.${ext}`;

export interface StoredDocument {
  number: string;
  customerId: number;
  fileName: string;
  contentType: string;
  bytes: Buffer;
}

/** The FA(3) XML exactly as made when the invoice was issued. */
export async function invoiceXml(tx: Tx, invoiceId: number, customerIds?: number[]): Promise<StoredDocument> {
  const row = await invoiceRow(tx, invoiceId, customerIds);
  if (!row.xml) {
    throw conflict('invoice.xml_not_ready', 'Plik XML tej faktury nie jest dostępny.', 'The XML file of this invoice is not available.');
  }
  return { number: row.invoice_number, customerId: row.customer_id, fileName: documentFileName(row.invoice_number, 'xml'), contentType: 'application/xml', bytes: asBuffer(row.xml) };
}

/**
 * The PDF as rendered once and stored (src/modules/billing/pdf/store.ts):
 * normally the PDF job has made it by the time anyone asks; if not yet, it is
 * made now, stored, and served unchanged from then on.
 */
export async function invoicePdf(tx: Tx, invoiceId: number, customerIds?: number[]): Promise<StoredDocument> {
  const row = await invoiceRow(tx, invoiceId, customerIds);
  const fileId = row.pdf_file_id ?? (await ensureInvoicePdf(tx, row.utility_id, row.id)).fileId;
  const file = await tx.selectFrom('files').select(['data', 'content_type']).where('id', '=', fileId).executeTakeFirst();
  if (!file) {
    throw conflict('invoice.pdf_not_ready', 'Plik PDF tej faktury jest jeszcze przygotowywany. Prosimy spróbować za kilka minut.', 'The PDF of this invoice is still being prepared. Please try again in a few minutes.');
  }
  return { number: row.invoice_number, customerId: row.customer_id, fileName: documentFileName(row.invoice_number, 'pdf'), contentType: file.content_type, bytes: asBuffer(file.data) };
}
