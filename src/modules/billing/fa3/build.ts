/**
 * The KSeF structured invoice (FA(3), schema 1-0E) for an invoice document
 * or a corrective invoice (`KOR`). The bytes are what gets stored and sent:
 * KOD I on the PDF is the hash of exactly these bytes, so the output is
 * deterministic (same document → same bytes: no clock, no random ids, fixed
 * element order, UTF-8 without BOM, no pretty-printing).
 *
 * Built with xmlbuilder2 (escaping, namespaces and well-formedness are its
 * job, not string concatenation's). Element order follows the schema's
 * sequences; MF's utility-billing sample (FA_3_Przykład_25) was the model.
 */
import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import {
  checkInvoiceDocument,
  type Address,
  type BillingDocument,
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

type Node = XMLBuilder;
const el = (parent: Node, name: string, text: string | number) => parent.ele(name).txt(typeof text === 'number' ? String(text) : tok(text)).up();

function address(parent: Node, a: Address) {
  const n = parent.ele('Adres');
  el(n, 'KodKraju', 'PL');
  el(n, 'AdresL1', a.line1);
  el(n, 'AdresL2', `${tok(a.postalCode)} ${tok(a.city)}`);
}

function rateSums(fa: Node, totals: Totals) {
  for (const r of totals.byRate) {
    el(fa, `P_13_${RATE_FIELD[r.vatRate]}`, formatGrosze(r.net));
    el(fa, `P_14_${RATE_FIELD[r.vatRate]}`, formatGrosze(r.vat));
  }
  el(fa, 'P_15', formatGrosze(totals.gross));
}

/** The fixed annotations of a water utility's invoice: no cash method, no self-billing, no reverse charge, no split payment, no exemption, no new means of transport, no simplified triangular procedure, no margin scheme. */
function annotations(fa: Node) {
  const a = fa.ele('Adnotacje');
  el(a, 'P_16', 2);
  el(a, 'P_17', 2);
  el(a, 'P_18', 2);
  el(a, 'P_18A', 2);
  el(a.ele('Zwolnienie'), 'P_19N', 1);
  el(a.ele('NoweSrodkiTransportu'), 'P_22N', 1);
  el(a, 'P_23', 2);
  el(a.ele('PMarzy'), 'P_PMarzyN', 1);
}

function note(fa: Node, key: string, value: string, line?: number) {
  const n = fa.ele('DodatkowyOpis');
  if (line !== undefined) el(n, 'NrWiersza', line);
  el(n, 'Klucz', key);
  el(n, 'Wartosc', value);
}

const reading = (r: MeterReading) => `${r.date} ${plNumber(r.value)} m³ (odczyt ${SOURCE_LABEL[r.source]})`;

function readingBasis(fa: Node, doc: BillingDocument) {
  for (const r of doc.readings) note(fa, `Wodomierz ${r.meterSerial}`, `odczyt początkowy ${reading(r.opening)}, końcowy ${reading(r.closing)}`);
}

function line(fa: Node, no: number, l: InvoiceLine, before: boolean) {
  const w = fa.ele('FaWiersz');
  el(w, 'NrWierszaFa', no);
  el(w, 'P_7', l.name);
  el(w, 'P_8A', UNIT_LABEL[l.unit]);
  el(w, 'P_8B', formatThousandths(l.quantity));
  el(w, 'P_9A', formatGrosze(l.unitPrice));
  el(w, 'P_11', formatGrosze(l.net));
  el(w, 'P_12', String(l.vatRate));
  if (before) el(w, 'StanPrzed', 1);
}

function estimateNotes(fa: Node, lines: readonly InvoiceLine[], firstNo: number) {
  lines.forEach((l, i) => {
    if (l.estimated) note(fa, 'Ilość', 'szacunkowa (do rozliczenia po odczycie rzeczywistym)', firstNo + i);
  });
}

function payment(fa: Node, dueDate: string | undefined, account: string) {
  const p = fa.ele('Platnosc');
  if (dueDate !== undefined) el(p.ele('TerminPlatnosci'), 'Termin', dueDate);
  el(p, 'FormaPlatnosci', 6); // przelew (bank transfer)
  const rb = p.ele('RachunekBankowy');
  el(rb, 'NrRB', account.replace(/\s/g, '').replace(/^PL/i, ''));
  el(rb, 'OpisRachunku', 'Indywidualny rachunek do wpłat');
}

/**
 * FA(3) XML bytes (UTF-8) for an invoice or a correction. Checks the document
 * first (NIP check digits, account, totals): a document that would make a
 * wrong invoice gets an AppError, never XML.
 */
export function buildFa3(doc: BillingDocument): Uint8Array {
  const { sellerNip, buyerNip } = checkInvoiceDocument(doc);
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele(FA3_NAMESPACE, 'Faktura');

  const h = root.ele('Naglowek');
  h.ele('KodFormularza').att('kodSystemowy', 'FA (3)').att('wersjaSchemy', '1-0E').txt('FA');
  el(h, 'WariantFormularza', 3);
  el(h, 'DataWytworzeniaFa', doc.createdAt);
  el(h, 'SystemInfo', 'Wodnik');

  const p1 = root.ele('Podmiot1');
  const id1 = p1.ele('DaneIdentyfikacyjne');
  el(id1, 'NIP', sellerNip);
  el(id1, 'Nazwa', doc.seller.name);
  address(p1, doc.seller.address);
  if (doc.seller.email !== undefined || doc.seller.phone !== undefined) {
    const c = p1.ele('DaneKontaktowe');
    if (doc.seller.email !== undefined) el(c, 'Email', doc.seller.email);
    if (doc.seller.phone !== undefined) el(c, 'Telefon', doc.seller.phone);
  }

  const p2 = root.ele('Podmiot2');
  const id2 = p2.ele('DaneIdentyfikacyjne');
  if (buyerNip !== null) el(id2, 'NIP', buyerNip);
  else el(id2, 'BrakID', 1); // a consumer: no tax id on the invoice
  el(id2, 'Nazwa', doc.buyer.name);
  address(p2, doc.buyer.address);
  el(p2, 'NrKlienta', doc.buyer.customerNumber);
  el(p2, 'JST', 2); // not a local-government unit's subordinate unit
  el(p2, 'GV', 2); // not a VAT group member

  const fa = root.ele('Fa');
  el(fa, 'KodWaluty', 'PLN');
  el(fa, 'P_1', doc.issueDate);
  if (doc.issuePlace !== undefined) el(fa, 'P_1M', doc.issuePlace);
  el(fa, 'P_2', doc.number);
  const okres = fa.ele('OkresFa');
  el(okres, 'P_6_Od', doc.period.from);
  el(okres, 'P_6_Do', doc.period.to);

  if (doc.kind === 'invoice') {
    rateSums(fa, doc.totals);
    annotations(fa);
    el(fa, 'RodzajFaktury', 'VAT');
    if (doc.estimated) note(fa, 'Rozliczenie', 'Faktura szacunkowa: zużycie oszacowane, różnicę rozliczy następny odczyt rzeczywisty');
    readingBasis(fa, doc);
    estimateNotes(fa, doc.lines, 1);
    doc.lines.forEach((l, i) => line(fa, i + 1, l, false));
    el(fa.ele('Rozliczenie'), 'DoZaplaty', formatGrosze(doc.totals.gross));
    payment(fa, doc.dueDate, doc.paymentAccount);
  } else {
    // A correction shows the differences in P_13/P_14/P_15 and the lines
    // before (StanPrzed) and after, as MF's KOR samples do.
    rateSums(fa, doc.difference);
    annotations(fa);
    el(fa, 'RodzajFaktury', 'KOR');
    el(fa, 'PrzyczynaKorekty', doc.reason);
    const k = fa.ele('DaneFaKorygowanej');
    el(k, 'DataWystFaKorygowanej', doc.corrected.issueDate);
    el(k, 'NrFaKorygowanej', doc.corrected.number);
    if (doc.corrected.ksefNumber !== null) {
      el(k, 'NrKSeF', 1);
      el(k, 'NrKSeFFaKorygowanej', doc.corrected.ksefNumber);
    } else {
      el(k, 'NrKSeFN', 1); // the corrected invoice was issued outside KSeF
    }
    readingBasis(fa, doc);
    const n = doc.before.lines.length;
    estimateNotes(fa, doc.after.lines, n + 1);
    doc.before.lines.forEach((l, i) => line(fa, i + 1, l, true));
    doc.after.lines.forEach((l, i) => line(fa, n + i + 1, l, false));
    const gross = doc.difference.gross;
    if (gross >= 0) el(fa.ele('Rozliczenie'), 'DoZaplaty', formatGrosze(gross));
    else el(fa.ele('Rozliczenie'), 'DoRozliczenia', formatGrosze(-gross));
    payment(fa, gross > 0 ? doc.dueDate : undefined, doc.paymentAccount);
  }

  return Buffer.from(root.end({ prettyPrint: false }), 'utf8');
}
