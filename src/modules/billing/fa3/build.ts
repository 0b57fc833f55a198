/**
 * The KSeF structured invoice (FA(3), schema 1-0E) for an invoice document
 * or a corrective invoice (`KOR`). The bytes are what gets stored and sent:
 * KOD I on the PDF is the hash of exactly these bytes, so the output is
 * deterministic (same document → same bytes: no clock, no random ids, fixed
 * element order, UTF-8 without BOM, no pretty-printing).
 *
 * Written as plain strings in the schema's element order: every text value
 * goes through `esc` (the five XML entities) or is a number, date or fixed
 * word made here. A billing run builds 100,000 of these; string templates
 * are several times faster than an object-to-XML library (fast-xml-parser's
 * XMLBuilder, which this replaced byte for byte: same elements, same
 * escapes). Element order follows the schema's sequences; MF's
 * utility-billing sample (FA_3_Przykład_25) was the model.
 */
import {
  checkInvoiceDocument,
  type Address,
  type BillingDocument,
  type CorrectionDocument,
  type InvoiceDocument,
  type InvoiceLine,
  type MeterReading,
  type ReadingSource,
  type Totals,
  type VatRate,
} from '../invoice-document.ts';

export const FA3_NAMESPACE = 'http://crd.gov.pl/wzor/2025/06/25/13775/';

/** Where per-rate sums go: 23/22 % → P_13_1/P_14_1, 8/7 % → _2, 5 % → _3. */
const RATE_FIELD: Record<VatRate, string> = { 23: '1', 8: '2', 5: '3' };
const UNIT_LABEL = { m3: 'm³', month: 'mies.', pcs: 'szt.' } as const;
const SOURCE_LABEL: Record<ReadingSource, string> = {
  actual: 'rzeczywisty',
  remote: 'zdalny',
  reader: 'inkasencki',
  customer: 'klienta',
  estimated: 'szacunkowy',
};

/** Integer grosze → "123.45" / "-0.50". */
export function formatGrosze(g: number): string {
  const abs = Math.abs(g);
  return `${g < 0 ? '-' : ''}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** Integer thousandths → "5.254" / "-1.500". */
export function formatThousandths(t: number): string {
  const abs = Math.abs(t);
  return `${t < 0 ? '-' : ''}${Math.floor(abs / 1000)}.${String(abs % 1000).padStart(3, '0')}`;
}

/** "120.000" → "120,000" for the Polish text of the reading basis. */
const plNumber = (t: number) => formatThousandths(t).replace('.', ',');

/** The schema's token types collapse whitespace; collapsing here makes the bytes say exactly what is meant. */
const tok = (s: string) => s.replace(/\s+/g, ' ').trim();

const ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
/** Text content escaped (the same five entities the XMLBuilder wrote). */
export const esc = (s: string) => (/[&<>"']/.test(s) ? s.replace(/[&<>"']/g, (c) => ENTITY[c]) : s);
/** A text element; `v` is escaped. */
const el = (name: string, v: string) => `<${name}>${esc(v)}</${name}>`;
/** A token element: collapsed and escaped. */
const tk = (name: string, v: string) => el(name, tok(v));

const address = (a: Address) => `<KodKraju>PL</KodKraju>${tk('AdresL1', a.line1)}${el('AdresL2', `${tok(a.postalCode)} ${tok(a.city)}`)}`;

function rateSums(totals: Totals): string {
  let out = '';
  for (const r of totals.byRate) {
    out += `<P_13_${RATE_FIELD[r.vatRate]}>${formatGrosze(r.net)}</P_13_${RATE_FIELD[r.vatRate]}>`;
    out += `<P_14_${RATE_FIELD[r.vatRate]}>${formatGrosze(r.vat)}</P_14_${RATE_FIELD[r.vatRate]}>`;
  }
  return out;
}

/** The fixed annotations of a water utility's invoice: no cash method, no self-billing, no reverse charge, no split payment, no exemption, no new means of transport, no simplified triangular procedure, no margin scheme. */
const ANNOTATIONS =
  '<Adnotacje><P_16>2</P_16><P_17>2</P_17><P_18>2</P_18><P_18A>2</P_18A><Zwolnienie><P_19N>1</P_19N></Zwolnienie>' +
  '<NoweSrodkiTransportu><P_22N>1</P_22N></NoweSrodkiTransportu><P_23>2</P_23><PMarzy><P_PMarzyN>1</P_PMarzyN></PMarzy></Adnotacje>';

const note = (key: string, value: string, line?: number) =>
  `<DodatkowyOpis>${line === undefined ? '' : `<NrWiersza>${line}</NrWiersza>`}${tk('Klucz', key)}${tk('Wartosc', value)}</DodatkowyOpis>`;

const reading = (r: MeterReading) => `${r.date} ${plNumber(r.value)} m³ (odczyt ${SOURCE_LABEL[r.source]})`;
const readingBasis = (doc: BillingDocument) =>
  doc.readings.map((r) => note(`Wodomierz ${r.meterSerial}`, `odczyt początkowy ${reading(r.opening)}, końcowy ${reading(r.closing)}`)).join('');

/** Estimated lines are marked by their line number. */
const estimateNotes = (lines: readonly InvoiceLine[], firstNo: number) =>
  lines.map((l, i) => (l.estimated ? note('Ilość', 'szacunkowa (do rozliczenia po odczycie rzeczywistym)', firstNo + i) : '')).join('');

const line = (no: number, l: InvoiceLine, before: boolean) =>
  `<FaWiersz><NrWierszaFa>${no}</NrWierszaFa>${tk('P_7', l.name)}<P_8A>${UNIT_LABEL[l.unit]}</P_8A><P_8B>${formatThousandths(l.quantity)}</P_8B>` +
  `<P_9A>${formatGrosze(l.unitPrice)}</P_9A><P_11>${formatGrosze(l.net)}</P_11><P_12>${l.vatRate}</P_12>${before ? '<StanPrzed>1</StanPrzed>' : ''}</FaWiersz>`;

const payment = (dueDate: string | undefined, account: string) =>
  `<Platnosc>${dueDate !== undefined ? `<TerminPlatnosci>${el('Termin', dueDate)}</TerminPlatnosci>` : ''}<FormaPlatnosci>6</FormaPlatnosci>` + // 6: przelew (bank transfer)
  `<RachunekBankowy>${el('NrRB', account.replace(/\s/g, '').replace(/^PL/i, ''))}<OpisRachunku>Indywidualny rachunek do wpłat</OpisRachunku></RachunekBankowy></Platnosc>`;

function seller(doc: BillingDocument, nip: string): string {
  const { email, phone } = doc.seller;
  const contact =
    email !== undefined || phone !== undefined
      ? `<DaneKontaktowe>${email !== undefined ? tk('Email', email) : ''}${phone !== undefined ? tk('Telefon', phone) : ''}</DaneKontaktowe>`
      : '';
  return `<Podmiot1><DaneIdentyfikacyjne>${el('NIP', nip)}${tk('Nazwa', doc.seller.name)}</DaneIdentyfikacyjne><Adres>${address(doc.seller.address)}</Adres>${contact}</Podmiot1>`;
}

const buyer = (doc: BillingDocument, nip: string | null) =>
  // A consumer has no tax id on the invoice: BrakID. JST 2: not a local-government unit's subordinate unit; GV 2: not a VAT group member.
  `<Podmiot2><DaneIdentyfikacyjne>${nip !== null ? el('NIP', nip) : '<BrakID>1</BrakID>'}${tk('Nazwa', doc.buyer.name)}</DaneIdentyfikacyjne>` +
  `<Adres>${address(doc.buyer.address)}</Adres>${tk('NrKlienta', doc.buyer.customerNumber)}<JST>2</JST><GV>2</GV></Podmiot2>`;

const invoiceBody = (doc: InvoiceDocument) =>
  rateSums(doc.totals) +
  `<P_15>${formatGrosze(doc.totals.gross)}</P_15>${ANNOTATIONS}<RodzajFaktury>VAT</RodzajFaktury>` +
  (doc.estimated ? note('Rozliczenie', 'Faktura szacunkowa: zużycie oszacowane, różnicę rozliczy następny odczyt rzeczywisty') : '') +
  readingBasis(doc) +
  estimateNotes(doc.lines, 1) +
  doc.lines.map((l, i) => line(i + 1, l, false)).join('') +
  `<Rozliczenie><DoZaplaty>${formatGrosze(doc.totals.gross)}</DoZaplaty></Rozliczenie>` +
  payment(doc.dueDate, doc.paymentAccount);

/**
 * A correction shows the differences (after − before) in P_13/P_14/P_15, and
 * the lines before (marked StanPrzed) and after as separate rows with their
 * own numbers ("osobnych wierszy z odrębną numeracją", the schema's note on
 * StanPrzed; MF's sample 2 reuses the number, which the schema also allows).
 */
function correctionBody(doc: CorrectionDocument): string {
  const k = doc.corrected;
  const n = doc.before.lines.length;
  const gross = doc.difference.gross;
  return (
    rateSums(doc.difference) +
    `<P_15>${formatGrosze(gross)}</P_15>${ANNOTATIONS}<RodzajFaktury>KOR</RodzajFaktury>${tk('PrzyczynaKorekty', doc.reason)}` +
    `<DaneFaKorygowanej>${el('DataWystFaKorygowanej', k.issueDate)}${tk('NrFaKorygowanej', k.number)}` +
    // NrKSeFN: the corrected invoice was issued outside KSeF.
    (k.ksefNumber !== null ? `<NrKSeF>1</NrKSeF>${el('NrKSeFFaKorygowanej', k.ksefNumber)}` : '<NrKSeFN>1</NrKSeFN>') +
    '</DaneFaKorygowanej>' +
    readingBasis(doc) +
    estimateNotes(doc.after.lines, n + 1) +
    doc.before.lines.map((l, i) => line(i + 1, l, true)).join('') +
    doc.after.lines.map((l, i) => line(n + i + 1, l, false)).join('') +
    `<Rozliczenie>${gross >= 0 ? `<DoZaplaty>${formatGrosze(gross)}</DoZaplaty>` : `<DoRozliczenia>${formatGrosze(-gross)}</DoRozliczenia>`}</Rozliczenie>` +
    payment(gross > 0 ? doc.dueDate : undefined, doc.paymentAccount)
  );
}

/**
 * FA(3) XML bytes (UTF-8) for an invoice or a correction. Checks the document
 * first (NIP check digits, account, totals): a document that would make a
 * wrong invoice gets an AppError, never XML.
 */
export function buildFa3(doc: BillingDocument): Uint8Array {
  return Buffer.from(fa3Text(doc, checkInvoiceDocument(doc)), 'utf8');
}

/** The XML text of a document already checked (`nips` is what checkInvoiceDocument returned for it). */
export function fa3Text(doc: BillingDocument, nips: { sellerNip: string; buyerNip: string | null }): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?><Faktura xmlns="${FA3_NAMESPACE}">` +
    '<Naglowek><KodFormularza kodSystemowy="FA (3)" wersjaSchemy="1-0E">FA</KodFormularza><WariantFormularza>3</WariantFormularza>' +
    `${el('DataWytworzeniaFa', doc.createdAt)}<SystemInfo>Wodnik</SystemInfo></Naglowek>` +
    seller(doc, nips.sellerNip) +
    buyer(doc, nips.buyerNip) +
    `<Fa><KodWaluty>PLN</KodWaluty>${el('P_1', doc.issueDate)}${doc.issuePlace !== undefined ? tk('P_1M', doc.issuePlace) : ''}${tk('P_2', doc.number)}` +
    `<OkresFa>${el('P_6_Od', doc.period.from)}${el('P_6_Do', doc.period.to)}</OkresFa>` +
    (doc.kind === 'invoice' ? invoiceBody(doc) : correctionBody(doc)) +
    '</Fa></Faktura>'
  );
}
