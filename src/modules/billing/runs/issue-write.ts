/**
 * Storing one issuing batch of a billing run, in sets: the invoices and
 * their lines go in by COPY (no statement per invoice, no JSON document of
 * the whole batch for the server to parse and take apart again), the rest
 * (estimated registers, item statuses) as one statement each over arrays.
 *
 * The invoices' COPY is a stream: each invoice's FA(3) XML and COPY row are
 * made a few hundred at a time while the server stores the ones sent
 * before, so this process and the server work at the same time (on two
 * cores, that is what a worker thread would have bought, without one).
 *
 * Invoice ids are taken from the table's identity sequence first (one
 * statement for the batch), so the lines can be written with their
 * invoice's id in the same COPY pass. A sequence value taken by a batch that
 * rolls back is lost, which is harmless: ids are not the invoice numbers
 * (those come from number_series, in the same transaction, gapless).
 *
 * Everything runs in the batch's transaction (bulk.ts's withCopyTx): a crash
 * anywhere leaves nothing of the batch. The unique index on (run, contract)
 * still refuses a second invoice for a contract, COPY or not.
 */
import { sql } from 'kysely';
import type { CopyFn } from '../../../db/bulk.ts';
import { CopyBuffer } from '../../../db/copy-buffer.ts';
import type { Tx } from '../../../db/tenant.ts';
import { fa3Text, formatThousandths } from '../fa3/build.ts';
import type { InvoiceDocument, Seller } from '../invoice-document.ts';

/** What every invoice of a batch shares: the utility, the run, the dates and the seller. */
export interface IssueContext {
  utilityId: number;
  runId: number;
  issueDate: string;
  dueDate: string;
  seller: Seller;
}

export interface ReadyInvoice {
  contractId: number;
  customerId: number;
  delivery: 'paper' | 'einvoice';
  estimates: { meterId: number; day: string; litres: number }[];
  /** The numbered document as stored. */
  doc: InvoiceDocument;
  /** Its FA(3) XML as made (the bytes KOD I hashes). */
  xml: Uint8Array;
  /** doc as JSON text when the caller has it already (else JSON.stringify(doc)); any JSON whose jsonb is the same. */
  documentJson?: string;
}

/** An invoice to store: numbered and checked, its XML not made yet (storeIssuedBatch makes it while streaming). */
export interface IssuedInvoice extends Omit<ReadyInvoice, 'xml'> {
  /** What checkInvoiceDocument returned for doc. */
  nips: { sellerNip: string; buyerNip: string | null };
}

/** Invoices per piece of the invoices' COPY stream (a piece is ~2.5 MB: XML as hex and the document). */
export const STREAM_PIECE = 250;

const INVOICE_COLUMNS = [
  'utility_id', 'id', 'invoice_number', 'kind', 'customer_id', 'contract_id', 'issue_date', 'sale_date', 'period_from', 'period_to', 'due_date',
  'net_grosze', 'vat_grosze', 'gross_grosze', 'is_estimate', 'delivery', 'seller', 'buyer', 'document', 'xml', 'series', 'buyer_kind', 'billing_run_id',
] as const;
const LINE_COLUMNS = ['utility_id', 'invoice_id', 'position', 'description', 'quantity', 'unit', 'unit_price_net_grosze', 'net_grosze', 'vat_rate_percent'] as const;

/** Fresh ids for `count` invoices from the table's own sequence. */
async function invoiceIds(tx: Tx, count: number): Promise<number[]> {
  const { rows } = await sql<{ id: string }>`select nextval(pg_get_serial_sequence('invoices', 'id'))::text as id from generate_series(1, ${count}::int)`.execute(tx);
  return rows.map((r) => Number(r.id));
}

/** The batch's COPY rows of invoices (text format; the XML as bytea hex). */
export function invoiceRows({ utilityId, runId, issueDate, dueDate, seller }: IssueContext, ready: readonly ReadyInvoice[], ids: readonly number[]): CopyBuffer {
  const out = new CopyBuffer(ready.length * 12_000);
  const sellerJson = JSON.stringify(seller);
  for (let i = 0; i < ready.length; i++) {
    const r = ready[i];
    const d = r.doc;
    out.int(utilityId).int(ids[i]).text(d.number).ascii('invoice').int(r.customerId).int(r.contractId);
    out.ascii(issueDate).ascii(d.period.to).ascii(d.period.from).ascii(d.period.to).ascii(dueDate);
    out.signed(d.totals.net).signed(d.totals.vat).signed(d.totals.gross).ascii(d.estimated ? 't' : 'f').ascii(r.delivery);
    out.text(sellerJson).text(JSON.stringify(d.buyer)).text(r.documentJson ?? JSON.stringify(d));
    out.bytea(r.xml);
    out.ascii('FV').ascii(d.buyer.kind).int(runId, 10);
  }
  return out;
}

/** The batch's COPY rows of invoice lines. */
export function lineRows(utilityId: number, ready: readonly Pick<ReadyInvoice, 'doc'>[], ids: readonly number[]): CopyBuffer {
  const out = new CopyBuffer(ready.length * 400);
  for (let i = 0; i < ready.length; i++) {
    const lines = ready[i].doc.lines;
    for (let p = 0; p < lines.length; p++) {
      const l = lines[p];
      out.int(utilityId).int(ids[i]).int(p + 1).text(l.name).ascii(formatThousandths(l.quantity)).ascii(l.unit);
      out.signed(l.unitPrice).signed(l.net).int(l.vatRate, 10);
    }
  }
  return out;
}

/** The batch's invoice rows for COPY, a piece at a time: each piece's XML made just before it is sent. */
export async function* invoiceStream(ctx: IssueContext, invoices: readonly IssuedInvoice[], ids: readonly number[]): AsyncGenerator<Uint8Array> {
  for (let s = 0; s < invoices.length; s += STREAM_PIECE) {
    const piece = invoices.slice(s, s + STREAM_PIECE).map((p): ReadyInvoice => ({ ...p, xml: Buffer.from(fa3Text(p.doc, p.nips), 'utf8') }));
    yield invoiceRows(ctx, piece, ids.slice(s, s + STREAM_PIECE)).bytes();
  }
}

/** A batch's COPY rows made before its transaction (see service.ts, issuing's pipeline). */
export interface PreparedRows {
  /** The invoices' ids, in the order of the invoices (taken from the sequence beforehand). */
  ids: number[];
  invoices: Uint8Array[];
  lines: Uint8Array;
}

/**
 * Makes a batch's COPY rows ahead of its transaction, a piece at a time with
 * `pause()` between pieces (the event loop then serves the statements of the
 * transaction under way meanwhile). `ids` are fresh ids, one per invoice.
 */
export async function prepareRows(ctx: IssueContext, invoices: readonly IssuedInvoice[], ids: number[], pause: () => Promise<void>): Promise<PreparedRows> {
  const pieces: Uint8Array[] = [];
  for await (const piece of invoiceStream(ctx, invoices, ids)) {
    pieces.push(piece);
    await pause();
  }
  return { ids, invoices: pieces, lines: lineRows(ctx.utilityId, invoices, ids).bytes() };
}

/** Fresh ids for `count` invoices, outside any batch (a value not used is lost, harmlessly: see above). */
export const takeInvoiceIds = invoiceIds;

/**
 * Stores the batch's invoices (making their XML), lines and estimated
 * registers and marks its items issued; returns the invoice ids in the
 * order of `ready`.
 */
export async function storeIssuedBatch(
  tx: Tx,
  copy: CopyFn,
  ctx: IssueContext,
  ready: readonly IssuedInvoice[],
  /** The first and last position of the batch's items (ready ones and others). */
  positions: { from: number; to: number },
  /** The batch's COPY rows made ahead (prepareRows), with the ids they carry: stored as they are. */
  prebuilt?: PreparedRows,
): Promise<number[]> {
  const { utilityId, runId } = ctx;
  let ids: number[];
  if (prebuilt) {
    ids = prebuilt.ids;
    // The pieces as a stream (no copy of them into one buffer: tens of MB a batch).
    const pieces = prebuilt.invoices;
    await copy('invoices', INVOICE_COLUMNS, (async function* () {
      yield* pieces;
    })());
    await copy('invoice_lines', LINE_COLUMNS, prebuilt.lines);
  } else {
    ids = await invoiceIds(tx, ready.length);
    await copy('invoices', INVOICE_COLUMNS, invoiceStream(ctx, ready, ids));
    await copy('invoice_lines', LINE_COLUMNS, lineRows(utilityId, ready, ids).bytes());
  }
  const estimates = ready.flatMap((r, i) => r.estimates.map((e) => ({ meter: e.meterId, day: e.day, value: formatThousandths(e.litres), invoice: ids[i] })));
  if (estimates.length > 0) {
    // The estimated closing register opens the next period, whose actual reading then settles it.
    await sql`
      insert into estimated_readings (utility_id, meter_id, day, value_m3, invoice_id)
      select ${utilityId}, x.meter, x.day, x.value, x.invoice
      from unnest(${estimates.map((e) => e.meter)}::bigint[], ${estimates.map((e) => e.day)}::date[], ${estimates.map((e) => e.value)}::numeric[],
                  ${estimates.map((e) => e.invoice)}::bigint[]) as x(meter, day, value, invoice)
      on conflict (utility_id, meter_id, day) do update set value_m3 = excluded.value_m3, invoice_id = excluded.invoice_id`.execute(tx);
  }
  // The batch's items lie in one range of positions (taken in that order): the range bounds the scan whatever
  // plan the server picks. (Right after the preview its statistics still say the run has a dozen items, the
  // table being empty when last analyzed; without the range it read every item of the run into a join, in
  // every batch: at 100,000 contracts 0.5-2 s a batch.)
  await sql`
    update billing_run_items bi set status = 'issued', invoice_id = x.invoice_id
    from unnest(${ready.map((r) => r.contractId)}::bigint[], ${ids}::bigint[]) as x(contract_id, invoice_id)
    where bi.utility_id = ${utilityId} and bi.run_id = ${runId} and bi.position between ${positions.from} and ${positions.to}
      and bi.contract_id = x.contract_id`.execute(tx);
  return ids;
}
