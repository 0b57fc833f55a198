/**
 * Stored invoices for tests, before the billing runs make them: an
 * `invoices` row carrying a sample document (src/modules/billing/fa3/testing)
 * as the billing module stores it, with optional XML bytes and KSeF number.
 */
import type { Database } from '../../src/db/connection.ts';
import type { BillingDocument } from '../../src/modules/billing/invoice-document.ts';

export interface StoredInvoiceOptions {
  delivery?: 'paper' | 'einvoice';
  xml?: Buffer | null;
  ksefNumber?: string | null;
  contractId?: number | null;
  number?: string;
}

export async function insertInvoice(database: Database, utilityId: number, customerId: number, document: BillingDocument, o: StoredInvoiceOptions = {}): Promise<number> {
  const doc = o.number ? { ...document, number: o.number } : document;
  const totals = doc.kind === 'invoice' ? doc.totals : doc.difference;
  const row = await database.db
    .insertInto('invoices')
    .values({
      utility_id: utilityId,
      invoice_number: doc.number,
      kind: doc.kind,
      customer_id: customerId,
      contract_id: o.contractId ?? null,
      issue_date: doc.issueDate,
      period_from: doc.period.from,
      period_to: doc.period.to,
      due_date: doc.dueDate ?? doc.issueDate,
      net_grosze: totals.net,
      vat_grosze: totals.vat,
      gross_grosze: totals.gross,
      is_estimate: doc.kind === 'invoice' && doc.estimated,
      delivery: o.delivery ?? 'paper',
      document: JSON.stringify(doc),
      xml: o.xml === undefined ? Buffer.from(`<Faktura>${doc.number}</Faktura>`) : o.xml,
      series: doc.number.split('/')[0],
      buyer_kind: doc.buyer.kind,
      ksef_number: o.ksefNumber ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}
