/**
 * Corrective invoices (faktury korygujące). Staff (billing, admin) correct an
 * issued invoice for a wrong reading, a wrong tariff or an upheld complaint by
 * giving the lines as they should have been (and, for a wrong reading, the
 * right closing readings). The correction states the lines before and after
 * and the difference, the reason, the corrected invoice's number and KSeF
 * number; it gets its own number in the KOR series, taken in the same
 * transaction that stores it (no gaps), and is stored like an invoice: the
 * document and its FA(3) XML (KOR). The corrected invoice is never touched.
 *
 * A second correction of the same invoice starts from the state the first
 * one left ("before" = the previous correction's "after").
 */
import { asBuffer } from '../../db/bytea.ts';
import type { Tx } from '../../db/tenant.ts';
import { badRequest, conflict, notFound } from '../../lib/errors.ts';
import { buildFa3 } from '../billing/fa3/index.ts';
import {
  computeTotals,
  differenceOf,
  lineNet,
  VAT_RATES,
  type BillingDocument,
  type CorrectionDocument,
  type InvoiceDocument,
  type InvoiceLine,
  type ReadingBasis,
  type Totals,
  type Unit,
  type VatRate,
} from '../billing/invoice-document.ts';
import { formatInvoiceNumber, SERIES, takeNumbers } from '../billing/numbering.ts';
import { recordAudit } from '../identity/audit.ts';
import { localDate } from './billing-period.ts';
import { recomputeInvoice } from './recompute.ts';

export const CORRECTION_REASONS = ['wrong_reading', 'wrong_tariff', 'complaint_upheld'] as const;
export type CorrectionReason = (typeof CORRECTION_REASONS)[number];

/** As printed on the correction (P_15ZK, "przyczyna korekty"). */
export const REASON_TEXT: Record<CorrectionReason, string> = {
  wrong_reading: 'Błędny odczyt wodomierza',
  wrong_tariff: 'Zastosowanie niewłaściwej taryfy',
  complaint_upheld: 'Uznana reklamacja',
};

export interface LineInput {
  name: string;
  /** Decimal with up to three places ("12.345" or "12,345"); negative to settle an earlier estimate. */
  quantity: string;
  unit: Unit;
  /** Net unit price in PLN with up to two places ("4.50"). */
  unitPrice: string;
  vatRate: number;
}

export interface CorrectionInput {
  reason: CorrectionReason;
  /** What was wrong, in the staff's words (part of the printed reason). */
  note: string;
  /**
   * The lines as they should have been, typed by hand. Absent: the default,
   * the engine bills the contract again for the invoice's period from the
   * readings and tariffs as they are now (recompute.ts).
   */
  lines?: LineInput[];
  /** Corrected closing readings of meters of the reading basis ("135.000"). */
  readings?: { meterSerial: string; closing: string }[];
}

const QTY = /^(-?)(\d{1,9})(?:[.,](\d{1,3}))?$/;
const PRICE = /^(\d{1,7})(?:[.,](\d{1,2}))?$/;

/** "12,5" → 12500 thousandths; null when it is not such a number. */
export function parseThousandths(s: string): number | null {
  const m = QTY.exec(s.trim());
  if (!m) return null;
  const v = Number(m[2]) * 1000 + Number((m[3] ?? '').padEnd(3, '0'));
  return m[1] ? -v : v;
}

/** "4,5" → 450 grosze; null when it is not such a price. */
export function parseGrosze(s: string): number | null {
  const m = PRICE.exec(s.trim());
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

const DAY = 86_400_000;
const addDays = (d: string, n: number) => new Date(Date.parse(`${d}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);
const daysBetween = (a: string, b: string) => Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY);

function lineOf(l: LineInput, i: number): InvoiceLine {
  const field = `body.lines.${i}`;
  const name = l.name.trim();
  if (name === '' || name.length > 256) throw badRequest('correction.line_name', `Pozycja ${i + 1}: prosimy podać nazwę (do 256 znaków).`, `Line ${i + 1}: please give a name (up to 256 characters).`, { field });
  const quantity = parseThousandths(l.quantity);
  if (quantity === null) {
    throw badRequest('correction.line_quantity', `Pozycja ${i + 1}: ilość musi być liczbą z najwyżej trzema miejscami po przecinku, np. 12,345.`, `Line ${i + 1}: the quantity must be a number with up to three decimals, e.g. 12.345.`, { field });
  }
  const unitPrice = parseGrosze(l.unitPrice);
  if (unitPrice === null) {
    throw badRequest('correction.line_price', `Pozycja ${i + 1}: cena netto musi być kwotą w złotych z najwyżej dwoma miejscami po przecinku, np. 4,50.`, `Line ${i + 1}: the net price must be an amount in PLN with up to two decimals, e.g. 4.50.`, { field });
  }
  if (!(VAT_RATES as readonly number[]).includes(l.vatRate)) {
    throw badRequest('correction.line_rate', `Pozycja ${i + 1}: nieobsługiwana stawka VAT.`, `Line ${i + 1}: unsupported VAT rate.`, { field });
  }
  return { name, quantity, unit: l.unit, unitPrice, net: lineNet(quantity, unitPrice), vatRate: l.vatRate as VatRate };
}

/** The state a new correction starts from: the invoice as issued, or as its latest correction left it. */
export interface Before {
  lines: InvoiceLine[];
  totals: Totals;
  readings: ReadingBasis[];
}

/** What the invoice should have been: the lines and the reading basis after correction. */
export interface After {
  lines: InvoiceLine[];
  readings: ReadingBasis[];
}

/** The lines and readings staff typed by hand (the "manual" correction), checked. */
export function manualAfter(before: Before, input: Pick<CorrectionInput, 'lines' | 'readings'>): After {
  const given = input.lines ?? [];
  if (given.length === 0) throw badRequest('correction.no_lines', 'Korekta musi mieć co najmniej jedną pozycję po korekcie.', 'A correction needs at least one line after correction.', { field: 'body.lines' });
  const lines = given.map(lineOf);
  const readings = before.readings.map((r) => ({ ...r, opening: { ...r.opening }, closing: { ...r.closing } }));
  for (const [i, c] of (input.readings ?? []).entries()) {
    const r = readings.find((x) => x.meterSerial === c.meterSerial);
    if (!r) {
      throw badRequest('correction.unknown_meter', `Wodomierz ${c.meterSerial} nie występuje w podstawie rozliczenia tej faktury.`, `Meter ${c.meterSerial} is not in this invoice's reading basis.`, { field: `body.readings.${i}` });
    }
    const value = parseThousandths(c.closing);
    if (value === null || value < 0) {
      throw badRequest('correction.reading_value', 'Stan wodomierza musi być liczbą nieujemną z najwyżej trzema miejscami po przecinku.', 'A meter register must be a non-negative number with up to three decimals.', { field: `body.readings.${i}` });
    }
    if (value < r.opening.value) {
      throw badRequest('correction.reading_below_opening', `Stan końcowy wodomierza ${c.meterSerial} jest niższy niż stan początkowy.`, `The closing register of meter ${c.meterSerial} is below its opening register.`, { field: `body.readings.${i}` });
    }
    r.closing = { ...r.closing, value, source: 'actual' };
  }
  return { lines, readings };
}

/**
 * The corrective document (pure): the corrected invoice, the state before,
 * the state after (typed by staff or recomputed by the engine), its reason,
 * number and dates. Refuses a correction that changes nothing.
 */
export function correctionDocument(
  original: InvoiceDocument,
  ksefNumber: string | null,
  before: Before,
  after: After,
  why: Pick<CorrectionInput, 'reason' | 'note'>,
  meta: { number: string; issueDate: string; createdAt: string },
): CorrectionDocument {
  const note = why.note.trim();
  if (note === '') throw badRequest('correction.note_required', 'Prosimy opisać, co było błędne.', 'Please describe what was wrong.', { field: 'body.note' });
  const reason = `${REASON_TEXT[why.reason]}: ${note}`.slice(0, 256);
  const { lines, readings } = after;
  // Compared field by field: a document read back from jsonb has its keys in another order.
  const lineKey = (ls: InvoiceLine[]) => JSON.stringify(ls.map((l) => [l.name, l.quantity, l.unit, l.unitPrice, l.net, l.vatRate]));
  const readingKey = (rs: ReadingBasis[]) => JSON.stringify(rs.map((r) => [r.meterSerial, r.opening.date, r.opening.value, r.closing.date, r.closing.value]));
  const unchanged = lineKey(lines) === lineKey(before.lines) && readingKey(readings) === readingKey(before.readings);
  if (unchanged) throw badRequest('correction.no_change', 'Pozycje po korekcie są takie same jak przed korektą.', 'The lines after correction are the same as before.', { field: 'body.lines' });
  const afterTotals = computeTotals(lines);
  const difference = differenceOf(before.totals, afterTotals);
  // An additional charge is due as long after the correction as the invoice was after its issue.
  const term = Math.max(7, daysBetween(original.issueDate, original.dueDate));
  return {
    kind: 'correction',
    number: meta.number,
    issueDate: meta.issueDate,
    ...(original.issuePlace !== undefined ? { issuePlace: original.issuePlace } : {}),
    createdAt: meta.createdAt,
    seller: original.seller,
    buyer: original.buyer,
    period: original.period,
    paymentAccount: original.paymentAccount,
    readings,
    reason,
    corrected: { number: original.number, issueDate: original.issueDate, ksefNumber },
    before: { lines: before.lines, totals: before.totals },
    after: { lines, totals: afterTotals },
    difference,
    ...(difference.gross > 0 ? { dueDate: addDays(meta.issueDate, term) } : {}),
  };
}

/** The corrective document from lines typed by hand (pure; see correctionDocument). */
export function makeCorrection(
  original: InvoiceDocument,
  ksefNumber: string | null,
  before: Before,
  input: CorrectionInput,
  meta: { number: string; issueDate: string; createdAt: string },
): CorrectionDocument {
  if (input.note.trim() === '') throw badRequest('correction.note_required', 'Prosimy opisać, co było błędne.', 'Please describe what was wrong.', { field: 'body.note' });
  return correctionDocument(original, ksefNumber, before, manualAfter(before, input), input, meta);
}

/** The invoice being corrected, locked, and the state its next correction starts from. */
async function correctable(tx: Tx, invoiceId: number) {
  // The row lock makes two corrections of one invoice at once take turns, so each sees the other's "after".
  const row = await tx
    .selectFrom('invoices')
    .select(['id', 'kind', 'customer_id', 'contract_id', 'document', 'ksef_number', 'delivery', 'seller', 'buyer', 'buyer_kind', 'sale_date'])
    .where('id', '=', invoiceId)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw notFound('invoice.not_found', 'Nie znaleziono faktury.', 'Invoice not found.');
  if (row.kind !== 'invoice') {
    throw conflict('correction.of_correction', 'Korygować można fakturę, nie korektę: prosimy wystawić kolejną korektę faktury pierwotnej.', 'Correct the invoice, not a correction: issue a further correction of the original invoice.');
  }
  if (!row.document) throw conflict('invoice.no_document', 'Ta faktura nie ma zapisanego dokumentu, więc nie można jej skorygować tutaj.', 'This invoice has no stored document, so it cannot be corrected here.');
  const original = row.document as unknown as InvoiceDocument;
  const previous = await tx
    .selectFrom('invoices')
    .select('document')
    .where('corrects_invoice_id', '=', row.id)
    .where('kind', '=', 'correction')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  const prev = previous?.document as unknown as CorrectionDocument | undefined;
  const before: Before = prev ? { lines: prev.after.lines, totals: prev.after.totals, readings: prev.readings } : { lines: original.lines, totals: original.totals, readings: original.readings };
  return { row, original, before };
}

/** After: typed lines when given, else the engine's bill from the inputs as they are now. */
async function afterOf(tx: Tx, utilityId: number, c: Awaited<ReturnType<typeof correctable>>, input: CorrectionInput): Promise<After> {
  if (input.lines !== undefined) return manualAfter(c.before, input);
  const r = await recomputeInvoice(tx, utilityId, { customerId: c.row.customer_id, contractId: c.row.contract_id, document: c.original }, input.readings ?? []);
  return { lines: r.lines, readings: r.readings };
}

const PLACEHOLDER = 'KOR/0000/01/000000';

/** The correction as it would be issued now, without a number (staff check before / after / difference first). */
export async function previewCorrection(tx: Tx, c: { utilityId: number; invoiceId: number; now: Date; input: CorrectionInput }): Promise<CorrectionDocument> {
  const k = await correctable(tx, c.invoiceId);
  const after = await afterOf(tx, c.utilityId, k, c.input);
  return correctionDocument(k.original, k.row.ksef_number, k.before, after, c.input, { number: PLACEHOLDER, issueDate: localDate(c.now), createdAt: c.now.toISOString() });
}

/** Issues and stores a correction of invoice `invoiceId`; returns its id and number. */
export async function issueCorrection(
  tx: Tx,
  c: { utilityId: number; invoiceId: number; staffId: number; ip: string; now: Date; input: CorrectionInput },
): Promise<{ id: number; number: string }> {
  const k = await correctable(tx, c.invoiceId);
  const { row, original, before } = k;
  const after = await afterOf(tx, c.utilityId, k, c.input);
  const issueDate = localDate(c.now);
  // Checked before the number is taken too; a refusal below rolls the number back with everything else.
  correctionDocument(original, row.ksef_number, before, after, c.input, { number: PLACEHOLDER, issueDate, createdAt: c.now.toISOString() });
  const n = await takeNumbers(tx, c.utilityId, SERIES.correction, issueDate);
  const number = formatInvoiceNumber(SERIES.correction, issueDate, n);
  const doc = correctionDocument(original, row.ksef_number, before, after, c.input, { number, issueDate, createdAt: c.now.toISOString() });
  const xml = buildFa3(doc as BillingDocument);
  const stored = await tx
    .insertInto('invoices')
    .values({
      utility_id: c.utilityId,
      invoice_number: number,
      kind: 'correction',
      series: SERIES.correction,
      customer_id: row.customer_id,
      contract_id: row.contract_id,
      corrects_invoice_id: row.id,
      correction_reason: c.input.reason,
      issue_date: issueDate,
      sale_date: row.sale_date,
      period_from: doc.period.from,
      period_to: doc.period.to,
      // A credit has nothing to pay: its due date is its issue date.
      due_date: doc.dueDate ?? issueDate,
      net_grosze: doc.difference.net,
      vat_grosze: doc.difference.vat,
      gross_grosze: doc.difference.gross,
      is_estimate: false,
      delivery: row.delivery,
      seller: JSON.stringify(row.seller),
      buyer: JSON.stringify(row.buyer),
      buyer_kind: row.buyer_kind ?? doc.buyer.kind,
      document: JSON.stringify(doc),
      xml: asBuffer(xml),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await recordAudit(tx, {
    utilityId: c.utilityId,
    actorId: c.staffId,
    actorKind: 'staff',
    action: 'invoice.correct',
    entity: 'invoice',
    entityId: stored.id,
    customerId: row.customer_id,
    ip: c.ip,
    data: { corrects: original.number, number, reason: c.input.reason, difference: doc.difference.gross, recomputed: c.input.lines === undefined },
  });
  return { id: stored.id, number };
}

/** An invoice as staff open it to correct it: the stored document and the state a correction starts from. */
export async function invoiceForCorrection(tx: Tx, invoiceId: number) {
  const row = await tx
    .selectFrom('invoices as i')
    .innerJoin('customers as c', 'c.id', 'i.customer_id')
    .select(['i.id', 'i.kind', 'i.invoice_number', 'i.ksef_number', 'i.document', 'i.customer_id', 'c.name', 'c.customer_number', 'i.corrects_invoice_id'])
    .where('i.id', '=', invoiceId)
    .executeTakeFirst();
  if (!row) throw notFound('invoice.not_found', 'Nie znaleziono faktury.', 'Invoice not found.');
  const corrections = await tx
    .selectFrom('invoices')
    .select(['id', 'invoice_number', 'document', 'issue_date', 'gross_grosze'])
    .where('corrects_invoice_id', '=', row.id)
    .orderBy('id')
    .execute();
  const doc = row.document as unknown as BillingDocument | null;
  const last = corrections.at(-1)?.document as unknown as CorrectionDocument | undefined;
  const current = doc?.kind === 'invoice' ? (last ? { lines: last.after.lines, totals: last.after.totals, readings: last.readings } : { lines: doc.lines, totals: doc.totals, readings: doc.readings }) : null;
  return {
    id: row.id,
    kind: row.kind as 'invoice' | 'correction',
    number: row.invoice_number,
    ksefNumber: row.ksef_number,
    customerId: row.customer_id,
    customerName: row.name,
    customerNumber: row.customer_number,
    document: doc,
    current,
    corrections: corrections.map((k) => ({ id: k.id, number: k.invoice_number, issueDate: k.issue_date, gross: Number(k.gross_grosze) })),
  };
}
