/**
 * The invoice document: what the billing module stores once an invoice or a
 * corrective invoice is issued and never alters afterwards. It carries every
 * element of art. 106e of the VAT act that a water utility's invoice needs
 * (seller and buyer, number, dates, sale period, lines, totals per rate,
 * gross, due date, the customer's own bank account) plus the reading basis.
 * The PDF and the KSeF FA(3) XML are both made from it, so they cannot
 * disagree.
 *
 * Money is integer grosze, quantities integer thousandths (litres for m³,
 * thousandths of a month for the fee): no floating point anywhere.
 *
 * `checkInvoiceDocument` refuses a document that would make a wrong or
 * invalid invoice (a NIP with a wrong check digit, a bad account number,
 * totals that do not add up...) with a stable code and a Polish and English
 * message, before anything is stored or sent.
 */
import { badRequest } from '../../lib/errors.ts';
import { isValidNip, isValidNrb } from '../../lib/check-digits.ts';
import { isCivilDate } from '../../lib/date-formats.ts';
import { lineNet, vatOn } from './engine/money.ts';

/** VAT rates an invoice of a water utility uses (water and sewage are 8 %; 23 % for other services). */
export const VAT_RATES = [23, 8, 5] as const;
export type VatRate = (typeof VAT_RATES)[number];

export interface Address {
  /** Street, building and unit as printed: "ul. Kwiatowa 1 m. 2". */
  line1: string;
  postalCode: string;
  city: string;
}

export interface Seller {
  nip: string;
  name: string;
  address: Address;
  email?: string;
  phone?: string;
}

/**
 * The buyer: a household (a consumer, no NIP: FA(3) `BrakID`), or a business
 * or a housing community (not consumers, identified by their NIP).
 */
export type Buyer =
  | { kind: 'household'; name: string; address: Address; customerNumber: string }
  | { kind: 'business' | 'community'; nip: string; name: string; address: Address; customerNumber: string };
export type BuyerKind = Buyer['kind'];

/** m³ of water or sewage, months of the subscription fee, pieces of anything else (a meter check, a seal). */
export type Unit = 'm3' | 'month' | 'pcs';

export interface InvoiceLine {
  /** What is sold, as printed: "Dostawa wody 01.01–20.01.2026". */
  name: string;
  /** Thousandths of the unit (m³ with three decimals; months with three decimals); negative when settling an estimate. */
  quantity: number;
  unit: Unit;
  /** Net unit price in grosze. */
  unitPrice: number;
  /** Net value in grosze: quantity × unit price, rounded half up to the grosz. */
  net: number;
  vatRate: VatRate;
  /** The quantity comes from an estimate, not an actual reading. */
  estimated?: boolean;
}

export interface RateTotal {
  vatRate: VatRate;
  net: number;
  vat: number;
}

export interface Totals {
  /** One entry per rate present, in the order of VAT_RATES. */
  byRate: RateTotal[];
  net: number;
  vat: number;
  gross: number;
}

export type ReadingSource = 'actual' | 'remote' | 'reader' | 'customer' | 'estimated';

export interface MeterReading {
  date: string;
  /** Register value in thousandths of m³. */
  value: number;
  source: ReadingSource;
}

/** The reading basis of one meter: the opening and closing reading the quantities come from. */
export interface ReadingBasis {
  meterSerial: string;
  opening: MeterReading;
  closing: MeterReading;
}

interface DocumentCommon {
  /** The invoice number in its series, e.g. FV/2026/12/000123. */
  number: string;
  issueDate: string;
  /** Where it was issued (P_1M); optional. */
  issuePlace?: string;
  /** The instant the document was made (FA(3) DataWytworzeniaFa), ISO 8601 UTC, part of the document so the XML is reproducible. */
  createdAt: string;
  seller: Seller;
  buyer: Buyer;
  /** The sale (billing) period, dates inclusive. */
  period: { from: string; to: string };
  /** The customer's individual bank account (NRB, 26 digits). */
  paymentAccount: string;
  readings: ReadingBasis[];
}

export interface InvoiceDocument extends DocumentCommon {
  kind: 'invoice';
  lines: InvoiceLine[];
  totals: Totals;
  dueDate: string;
  /** Some quantity is an estimate (marked on the invoice and on its lines). */
  estimated: boolean;
}

export interface CorrectionDocument extends DocumentCommon {
  kind: 'correction';
  reason: string;
  corrected: {
    number: string;
    issueDate: string;
    /** The corrected invoice's KSeF number, or null when it was issued outside KSeF. */
    ksefNumber: string | null;
  };
  /** The corrected invoice's lines as issued, and as they should have been. */
  before: { lines: InvoiceLine[]; totals: Totals };
  after: { lines: InvoiceLine[]; totals: Totals };
  /** after − before, per rate and in total. */
  difference: Totals;
  /** Due date of an additional charge; absent when the correction lowers the amount (a credit). */
  dueDate?: string;
}

export type BillingDocument = InvoiceDocument | CorrectionDocument;

// --- arithmetic (integers only) ---

// One half-up arithmetic for the engine and the document (engine/money.ts).
export { lineNet, mulDivHalfUp } from './engine/money.ts';

/** VAT per rate on the net sum of that rate, half up; gross = net + VAT. */
export function computeTotals(lines: readonly InvoiceLine[]): Totals {
  const byRate: RateTotal[] = [];
  for (const vatRate of VAT_RATES) {
    const these = lines.filter((l) => l.vatRate === vatRate);
    if (these.length === 0) continue;
    const net = these.reduce((s, l) => s + l.net, 0);
    byRate.push({ vatRate, net, vat: vatOn(net, vatRate) });
  }
  return sumTotals(byRate);
}

function sumTotals(byRate: RateTotal[]): Totals {
  const net = byRate.reduce((s, r) => s + r.net, 0);
  const vat = byRate.reduce((s, r) => s + r.vat, 0);
  return { byRate, net, vat, gross: net + vat };
}

/** after − before for every rate present in either. */
export function differenceOf(before: Totals, after: Totals): Totals {
  const rate = (t: Totals, r: VatRate) => t.byRate.find((x) => x.vatRate === r) ?? { vatRate: r, net: 0, vat: 0 };
  const byRate = VAT_RATES.filter((r) => before.byRate.some((x) => x.vatRate === r) || after.byRate.some((x) => x.vatRate === r)).map(
    (r) => ({ vatRate: r, net: rate(after, r).net - rate(before, r).net, vat: rate(after, r).vat - rate(before, r).vat }),
  );
  return sumTotals(byRate);
}

// --- checks ---

// Characters XML 1.0 cannot carry (C0 controls except tab/LF/CR, lone surrogates, U+FFFE/U+FFFF).
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// FA(3) TNumerKSeF: NIP-YYYYMMDD-hex6-hex6-hex2.
const KSEF_NUMBER = /^([1-9]((\d[1-9])|([1-9]\d))\d{7}|M\d{9}|[A-Z]{3}\d{7})-(20[2-9][0-9]|2[1-9][0-9]{2}|[3-9][0-9]{3})(0[1-9]|1[0-2])(0[1-9]|[1-2][0-9]|3[0-1])-([0-9A-F]{6})-?([0-9A-F]{6})-([0-9A-F]{2})$/;

const fail = (code: string, pl: string, en: string, details?: Record<string, unknown>) => {
  throw badRequest(code, pl, en, details);
};

/** Dates already found valid: a billing run checks the same few dates of 100,000 documents (bounded, so never a leak). */
const validDates = new Set<string>();

function checkDate(value: string, field: string) {
  if (validDates.has(value)) return;
  if (isCivilDate(value)) {
    if (validDates.size < 10_000) validDates.add(value);
    return;
  }
  fail('invoice.bad_date', `Nieprawidłowa data w polu ${field}: oczekiwano RRRR-MM-DD.`, `Invalid date in ${field}: expected YYYY-MM-DD.`, { field, value });
}

function checkText(value: string | undefined, field: string, max: number) {
  if (value === undefined || value.trim() === '' || value.length > max || NOT_XML.test(value)) {
    fail('invoice.bad_text', `Pole ${field} jest puste, za długie (ponad ${max} znaków) lub zawiera niedozwolone znaki.`, `Field ${field} is empty, longer than ${max} characters or holds characters an XML invoice cannot carry.`, { field });
  }
}

function checkInt(value: number, field: string, nonNegative = false) {
  if (!Number.isSafeInteger(value) || (nonNegative && value < 0)) {
    fail('invoice.bad_number', `Pole ${field} musi być liczbą całkowitą${nonNegative ? ' nieujemną' : ''} (grosze lub tysięczne części).`, `Field ${field} must be a${nonNegative ? ' non-negative' : 'n'} integer (grosze or thousandths).`, { field, value });
  }
}

/** The NIP as ten digits (separators and a PL prefix dropped), refused when its check digit is wrong. */
export function normalizeNip(nip: string, field: string): string {
  if (!isValidNip(nip)) {
    fail('invoice.nip_invalid', `Numer NIP w polu ${field} jest nieprawidłowy (błędna cyfra kontrolna lub format).`, `The NIP in ${field} is invalid (wrong check digit or format).`, { field });
  }
  return nip.replace(/^PL/i, '').replace(/[\s-]/g, '');
}

function checkAddress(a: Address, field: string) {
  checkText(a.line1, `${field}.line1`, 400);
  checkText(a.postalCode, `${field}.postalCode`, 10);
  checkText(a.city, `${field}.city`, 100);
}

function checkLines(lines: readonly InvoiceLine[], field: string) {
  if (lines.length === 0) fail('invoice.no_lines', 'Faktura musi mieć co najmniej jedną pozycję.', 'An invoice needs at least one line.', { field });
  lines.forEach((l, i) => {
    const f = `${field}[${i}]`;
    checkText(l.name, `${f}.name`, 512);
    checkInt(l.quantity, `${f}.quantity`);
    checkInt(l.unitPrice, `${f}.unitPrice`, true);
    checkInt(l.net, `${f}.net`);
    if (l.unit !== 'm3' && l.unit !== 'month' && l.unit !== 'pcs') fail('invoice.bad_unit', `Nieznana jednostka w pozycji ${f}.`, `Unknown unit in line ${f}.`, { field: f });
    if (!VAT_RATES.includes(l.vatRate)) fail('invoice.rate_unsupported', `Nieobsługiwana stawka VAT w pozycji ${f}.`, `Unsupported VAT rate in line ${f}.`, { field: f, vatRate: l.vatRate });
    if (l.net !== lineNet(l.quantity, l.unitPrice)) {
      fail('invoice.line_net_mismatch', `Wartość netto pozycji ${f} nie równa się ilości razy cenie (zaokrąglonej do grosza).`, `The net value of line ${f} is not quantity × price rounded to the grosz.`, { field: f });
    }
  });
}

function checkTotals(stated: Totals, expected: Totals, field: string) {
  const same =
    stated.net === expected.net &&
    stated.vat === expected.vat &&
    stated.gross === expected.gross &&
    stated.byRate.length === expected.byRate.length &&
    stated.byRate.every((r, i) => r.vatRate === expected.byRate[i].vatRate && r.net === expected.byRate[i].net && r.vat === expected.byRate[i].vat);
  if (!same) fail('invoice.totals_mismatch', `Sumy w polu ${field} nie zgadzają się z pozycjami faktury.`, `The totals in ${field} do not match the invoice lines.`, { field, expected });
}

/**
 * Refuses a document that would make a wrong invoice. Returns the buyer's and
 * seller's NIP as the ten digits FA(3) wants.
 */
export function checkInvoiceDocument(doc: BillingDocument): { sellerNip: string; buyerNip: string | null } {
  checkText(doc.number, 'number', 256);
  checkDate(doc.issueDate, 'issueDate');
  if (doc.issuePlace !== undefined) checkText(doc.issuePlace, 'issuePlace', 256);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/.test(doc.createdAt) || Number.isNaN(Date.parse(doc.createdAt))) {
    fail('invoice.bad_date', 'Nieprawidłowy czas wytworzenia dokumentu (oczekiwano czasu UTC ISO 8601).', 'Invalid document creation time (expected an ISO 8601 UTC instant).', { field: 'createdAt' });
  }
  checkDate(doc.period.from, 'period.from');
  checkDate(doc.period.to, 'period.to');
  if (doc.period.from > doc.period.to) fail('invoice.bad_period', 'Początek okresu rozliczeniowego jest po jego końcu.', 'The billing period starts after it ends.');
  const sellerNip = normalizeNip(doc.seller.nip, 'seller.nip');
  checkText(doc.seller.name, 'seller.name', 512);
  checkAddress(doc.seller.address, 'seller.address');
  if (doc.seller.email !== undefined && !/^[^\s@]+@[^\s@]+$/.test(doc.seller.email)) {
    fail('invoice.bad_email', 'Adres e-mail sprzedawcy jest nieprawidłowy.', 'The seller’s e-mail address is invalid.', { field: 'seller.email' });
  }
  if (doc.seller.phone !== undefined) checkText(doc.seller.phone, 'seller.phone', 16);
  checkText(doc.buyer.name, 'buyer.name', 512);
  checkAddress(doc.buyer.address, 'buyer.address');
  checkText(doc.buyer.customerNumber, 'buyer.customerNumber', 256);
  let buyerNip: string | null = null;
  if (doc.buyer.kind === 'household') {
    if ('nip' in doc.buyer) fail('invoice.household_nip', 'Odbiorca gospodarstwo domowe (konsument) nie ma NIP na fakturze.', 'A household buyer (a consumer) has no NIP on the invoice.');
  } else if (doc.buyer.kind === 'business' || doc.buyer.kind === 'community') {
    buyerNip = normalizeNip(doc.buyer.nip ?? '', 'buyer.nip');
  } else {
    fail('invoice.bad_buyer_kind', 'Nieznany rodzaj odbiorcy.', 'Unknown buyer kind.');
  }
  if (!isValidNrb(doc.paymentAccount)) {
    fail('invoice.account_invalid', 'Numer rachunku do wpłat jest nieprawidłowy (26 cyfr z poprawnymi cyframi kontrolnymi).', 'The payment account number is invalid (26 digits with valid check digits).');
  }
  doc.readings.forEach((r, i) => {
    checkText(r.meterSerial, `readings[${i}].meterSerial`, 50);
    for (const end of ['opening', 'closing'] as const) {
      checkDate(r[end].date, `readings[${i}].${end}.date`);
      checkInt(r[end].value, `readings[${i}].${end}.value`, true);
    }
  });
  if (doc.kind === 'invoice') {
    checkDate(doc.dueDate, 'dueDate');
    checkLines(doc.lines, 'lines');
    checkTotals(doc.totals, computeTotals(doc.lines), 'totals');
  } else if (doc.kind === 'correction') {
    checkText(doc.reason, 'reason', 256);
    checkText(doc.corrected.number, 'corrected.number', 256);
    checkDate(doc.corrected.issueDate, 'corrected.issueDate');
    if (doc.corrected.ksefNumber !== null && !KSEF_NUMBER.test(doc.corrected.ksefNumber)) {
      fail('invoice.ksef_number_invalid', 'Numer KSeF korygowanej faktury ma nieprawidłowy format.', 'The corrected invoice’s KSeF number has an invalid format.');
    }
    if (doc.dueDate !== undefined) checkDate(doc.dueDate, 'dueDate');
    else if (doc.difference.gross > 0) fail('invoice.due_date_required', 'Korekta zwiększająca należność wymaga terminu płatności.', 'A correction that raises the amount due needs a due date.');
    checkLines(doc.before.lines, 'before.lines');
    checkLines(doc.after.lines, 'after.lines');
    checkTotals(doc.before.totals, computeTotals(doc.before.lines), 'before.totals');
    checkTotals(doc.after.totals, computeTotals(doc.after.lines), 'after.totals');
    checkTotals(doc.difference, differenceOf(doc.before.totals, doc.after.totals), 'difference');
  } else {
    fail('invoice.bad_kind', 'Nieznany rodzaj dokumentu.', 'Unknown document kind.');
  }
  return { sellerNip, buyerNip };
}
