/**
 * The print batch: one PDF of all paper invoices of a billing run, in route
 * and address order (as the reader or the postman walks: the reading route
 * and its stop order where the service point is on one, then locality,
 * street, house number and flat), for the print shop or the office printer.
 *
 * Streamed in bounded memory, for 10,000 invoices and more: the order is
 * read first as a list of ids (a few bytes each), then the invoices are read
 * and drawn 100 at a time, each chunk in its own short tenant transaction
 * (invoices never change once issued, so no long snapshot is needed and the
 * embedded database is not held for the whole batch); pdfkit writes each
 * page out as soon as the next one starts, and the drawing waits whenever
 * the reader (the HTTP client, the file) falls behind, so the bytes in
 * flight stay under a few megabytes whatever the batch's size.
 *
 * The pages are drawn by the same `drawInvoice` as each invoice's own PDF,
 * from the same stored documents, so the printed copy shows what the
 * customer's PDF shows.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Writable } from 'node:stream';
import { sql } from 'kysely';
import type { Database } from '../../../db/connection.ts';
import { withTenant, type Tx } from '../../../db/tenant.ts';
import { formatDate } from '../../../lib/polish-format.ts';
import { drawInvoice, newPdf, prepareInvoice, type PreparedInvoice } from './render.ts';
import { loadBranding, loadInvoice, loadPdfInput } from './store.ts';

/** Which invoices: the paper invoices issued on one day (a billing run issues on one date). */
export interface PrintSelection {
  issueDate: string;
}

const CHUNK = 100;
/** The drawing pauses while more than this is written but not yet taken by the reader. */
const MAX_BUFFERED = 4 * 1024 * 1024;

/** The invoice ids of a print batch in route and address order. */
export async function printBatchOrder(tx: Tx, sel: PrintSelection): Promise<number[]> {
  const { rows } = await sql<{ id: string | number }>`
    select i.id
      from invoices i
      join customers cu on cu.utility_id = i.utility_id and cu.id = i.customer_id
      left join contracts c on c.utility_id = i.utility_id and c.id = i.contract_id
      left join service_points sp on sp.utility_id = c.utility_id and sp.id = c.service_point_id
      left join lateral (
        select r.name as route_name, s.position
          from reading_route_stops s
          join reading_routes r on r.utility_id = s.utility_id and r.id = s.route_id
         where s.utility_id = sp.utility_id and s.service_point_id = sp.id
         order by lower(r.name), s.position
         limit 1) rt on true
     where i.delivery = 'paper' and i.issue_date = ${sel.issueDate} and i.document is not null
     order by lower(rt.route_name) nulls last, rt.position nulls last,
              lower(coalesce(sp.locality, cu.city)), lower(coalesce(sp.street, cu.street)), coalesce(sp.route_order, 0),
              nullif(substring(coalesce(sp.building, cu.building) from '^[0-9]+'), '')::int nulls last, coalesce(sp.building, cu.building),
              nullif(substring(coalesce(sp.apartment, cu.apartment, '') from '^[0-9]+'), '')::int nulls first, coalesce(sp.apartment, cu.apartment, ''),
              i.invoice_number`.execute(tx);
  return rows.map((r) => Number(r.id));
}

async function loadChunk(database: Database, utilityId: number, ids: number[]): Promise<PreparedInvoice[]> {
  return withTenant(database.db, { utilityId }, async (tx) => {
    const branding = await loadBranding(tx, utilityId);
    const out: PreparedInvoice[] = [];
    for (const id of ids) out.push(prepareInvoice(await loadPdfInput(tx, utilityId, await loadInvoice(tx, id), branding)));
    return out;
  });
}

export interface PrintBatchReport {
  invoices: number;
  pages: number;
  /** The highest number of bytes written but not yet taken by the reader. */
  maxBuffered: number;
}

/** How many invoices a print batch would hold (the route answers 404 for none, before it starts streaming). */
export async function printBatchSize(database: Database, utilityId: number, sel: PrintSelection): Promise<number> {
  return withTenant(database.db, { utilityId }, async (tx) => (await printBatchOrder(tx, sel)).length);
}

/**
 * Draws the print batch into `out` (a file, standard output, an HTTP
 * response) and ends the PDF. Reads ahead one chunk while the previous one is
 * drawn.
 */
export async function writePrintBatch(database: Database, utilityId: number, sel: PrintSelection, out: Writable, opts: { endOutput?: boolean } = {}): Promise<PrintBatchReport> {
  const ids = await withTenant(database.db, { utilityId }, (tx) => printBatchOrder(tx, sel));
  const doc = newPdf(`Wydruk faktur papierowych z ${formatDate(sel.issueDate)}`, 'Wodnik');
  doc.pipe(out, { end: opts.endOutput ?? out !== process.stdout });
  const report: PrintBatchReport = { invoices: 0, pages: 0, maxBuffered: 0 };
  let next = ids.length > 0 ? loadChunk(database, utilityId, ids.slice(0, CHUNK)) : null;
  for (let at = 0; next; at += CHUNK) {
    const chunk = await next;
    next = at + CHUNK < ids.length ? loadChunk(database, utilityId, ids.slice(at + CHUNK, at + 2 * CHUNK)) : null;
    for (const invoice of chunk) {
      report.pages += drawInvoice(doc, invoice);
      report.invoices++;
      report.maxBuffered = Math.max(report.maxBuffered, doc.readableLength);
      while (doc.readableLength > MAX_BUFFERED && !out.destroyed) await sleep(2);
      if (out.destroyed) throw new Error('the reader went away');
    }
  }
  if (report.invoices === 0) {
    // An empty batch is still a valid PDF: one page saying so.
    doc.addPage({ size: 'A4', margin: 40 });
    doc.font('regular').fontSize(11).text(`Brak faktur papierowych wystawionych ${formatDate(sel.issueDate)}.`);
    report.pages = 1;
  }
  const ended = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve);
    doc.on('error', reject);
  });
  doc.end();
  await ended;
  return report;
}
