/**
 * The invoice PDF: one A4 page (more when the lines need them) made from the
 * stored document (invoice-document.ts), never from live data, so it shows
 * what was issued. It carries the utility's logo and data, the seller and
 * buyer, the lines and the totals per VAT rate, for a correction the lines
 * before and after and the difference with the reason, the reading basis
 * (opening and closing reading of each meter, date, source), a chart of the
 * consumption of the last periods, the payment section (account, amount,
 * due date, the ZBP "Standard 2D" payment QR code) and, for an invoice that
 * goes to KSeF, the verification code KOD I with its KSeF number under it
 * (or OFFLINE until it has one) and, for an invoice issued offline, KOD II
 * labelled CERTYFIKAT beside it (kody-qr.md).
 *
 * `prepareInvoice` makes the QR images; `drawInvoice` draws into an open
 * document, so the print batch draws thousands of
 * invoices into one streamed PDF with the very same code.
 */
import PDFDocument from 'pdfkit';
import { formatDate, formatMoney, formatNumber } from '../../../lib/polish-format.ts';
import type { BillingDocument, InvoiceLine, MeterReading, ReadingBasis, Totals } from '../invoice-document.ts';
import { drawConsumptionChart, type PeriodConsumption } from './chart.ts';
import { installFonts, trimLayoutCache } from './fonts.ts';
import { paymentQrText } from './payment-qr.ts';
import { qrPng } from './qr-image.ts';
import { drawLogo } from './svg-logo.ts';

export interface Branding {
  name: string;
  shortName: string;
  street: string;
  postalCode: string;
  city: string;
  nip: string | null;
  phone: string;
  email: string;
  website: string;
  primaryColor: string;
  accentColor: string;
  logoSvg: string | null;
}

export interface InvoicePdfInput {
  document: BillingDocument;
  branding: Branding;
  /** Consumption of the last periods, oldest first, this invoice's period included (marked current). */
  history: PeriodConsumption[];
  /**
   * Present for an invoice that goes to KSeF: the KOD I link and the KSeF
   * number (null: not yet, "OFFLINE"); for an invoice issued offline and
   * without its number yet, the signed KOD II link.
   */
  ksef: { url: string; number: string | null; certificateUrl?: string | null } | null;
}

export interface PreparedInvoice extends InvoicePdfInput {
  paymentQr: { text: string; png: Buffer } | null;
  ksefQr: Buffer | null;
  /** KOD II (CERTYFIKAT), only while an offline invoice has no KSeF number. */
  certificateQr: Buffer | null;
  amountDue: number;
}


/** What the customer is asked to pay: the gross of an invoice, the positive difference of a correction. */
export function amountDueOf(doc: BillingDocument): number {
  return doc.kind === 'invoice' ? doc.totals.gross : doc.difference.gross;
}

export function prepareInvoice(input: InvoicePdfInput): PreparedInvoice {
  const d = input.document;
  const amountDue = amountDueOf(d);
  const text = d.dueDate
    ? paymentQrText({ nip: d.seller.nip, account: d.paymentAccount, amount: amountDue, name: input.branding.shortName || d.seller.name, title: d.number })
    : null;
  return { ...input, amountDue, paymentQr: text ? { text, png: qrPng(text) } : null, ksefQr: input.ksef ? qrPng(input.ksef.url) : null,
    certificateQr: input.ksef && !input.ksef.number && input.ksef.certificateUrl ? qrPng(input.ksef.certificateUrl) : null,
  };
}

/** A new A4 document with the fonts registered; the caller pipes or collects it. */
export function newPdf(title: string, author: string): PDFKit.PDFDocument {
  // font: null skips loading Helvetica (never used: every text is DejaVu).
  const doc = new PDFDocument({ size: 'A4', margin: M, autoFirstPage: false, font: null as unknown as string, info: { Title: title, Author: author, Creator: 'Wodnik' } });
  installFonts(doc);
  return doc;
}

/** Renders one invoice or correction to PDF bytes. */
export async function renderInvoicePdf(input: InvoicePdfInput): Promise<Buffer> {
  const prepared = prepareInvoice(input);
  const doc = newPdf(`${titleOf(input.document)} ${input.document.number}`, input.document.seller.name);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  drawInvoice(doc, prepared);
  doc.end();
  return done;
}

// --- layout ---

const M = 40;
const PAGE_W = 595.28;
const PAGE_H = 841.89;
const W = PAGE_W - 2 * M;
/** The payment section and the chart take the bottom of the last page. */
const BOTTOM_H = 205;
const GREY = '#555555';
const LINE = '#bbbbbb';

const titleOf = (d: BillingDocument) => (d.kind === 'invoice' ? 'Faktura VAT' : 'Faktura korygująca');
const money = (g: number) => formatMoney(g, 'pl');
const qty = (q: number) => formatNumber(q / 1000, 'pl', 3);
const UNIT: Record<InvoiceLine['unit'], string> = { m3: 'm³', month: 'mies.', pcs: 'szt.' };
const SOURCE: Record<MeterReading['source'], string> = {
  actual: 'odczyt rzeczywisty',
  remote: 'odczyt zdalny',
  reader: 'odczyt inkasenta',
  customer: 'odczyt klienta',
  estimated: 'szacunek',
};
/** An NRB in the groups banks print: 12 3456 7890 1234 5678 9012 3456. */
export const formatAccount = (nrb: string) => {
  const s = nrb.replace(/\s/g, '');
  return `${s.slice(0, 2)} ${s.slice(2).replace(/(\d{4})(?=\d)/g, '$1 ')}`;
};

interface Col {
  title: string;
  width: number;
  align?: 'left' | 'right' | 'center';
}

class Pager {
  constructor(
    readonly doc: PDFKit.PDFDocument,
    readonly p: PreparedInvoice,
  ) {}
  y = M;
  page = 0;

  newPage() {
    this.doc.addPage({ size: 'A4', margin: M });
    this.page++;
    this.y = M;
    if (this.page > 1) {
      this.doc.font('regular').fontSize(8).fillColor(GREY).text(`${titleOf(this.p.document)} ${this.p.document.number} — ciąg dalszy (strona ${this.page})`, M, M, { width: W, lineBreak: false });
      this.doc.fillColor('black');
      this.y = M + 18;
    }
  }

  /** Makes room for h points, starting a new page when the rest does not fit. */
  need(h: number, reserve = 0) {
    if (this.y + h > PAGE_H - M - reserve) this.newPage();
  }

  text(s: string, x: number, y: number, width: number, opts: { font?: 'regular' | 'bold'; size?: number; align?: 'left' | 'right' | 'center'; colour?: string } = {}) {
    this.doc
      .font(opts.font ?? 'regular')
      .fontSize(opts.size ?? 8.5)
      .fillColor(opts.colour ?? 'black')
      // One line: with a height of one line pdfkit cuts what does not fit with an ellipsis instead of wrapping over the next row.
      .text(s, x, y, { width, height: (opts.size ?? 8.5) * 1.3, align: opts.align ?? 'left', ellipsis: true });
  }

  heading(s: string) {
    this.need(20);
    this.text(s, M, this.y, W, { font: 'bold', size: 9.5, colour: this.p.branding.primaryColor });
    this.y += 13;
  }

  table(cols: Col[], rows: string[][], opts: { boldLast?: boolean; reserve?: number } = {}) {
    const rowH = 12.2;
    const header = () => {
      this.doc.rect(M, this.y, W, rowH + 1).fill('#eef2f6');
      let x = M;
      for (const c of cols) {
        this.text(c.title, x + 3, this.y + 3, c.width - 6, { font: 'bold', size: 7.5, align: c.align });
        x += c.width;
      }
      this.y += rowH + 1;
    };
    this.need(2 * rowH + 2, opts.reserve);
    header();
    rows.forEach((r, i) => {
      if (this.y + rowH > PAGE_H - M - (opts.reserve ?? 0)) {
        this.newPage();
        header();
      }
      const bold = opts.boldLast && i === rows.length - 1;
      let x = M;
      r.forEach((cell, j) => {
        this.text(cell, x + 3, this.y + 3, cols[j].width - 6, { font: bold ? 'bold' : 'regular', size: 7.8, align: cols[j].align });
        x += cols[j].width;
      });
      this.y += rowH;
      this.doc.lineWidth(0.4).strokeColor(LINE).moveTo(M, this.y).lineTo(M + W, this.y).stroke();
    });
    this.y += 6;
  }
}

const LINE_COLS: Col[] = [
  { title: 'Lp.', width: 24, align: 'right' },
  { title: 'Nazwa towaru lub usługi', width: 201 },
  { title: 'Ilość', width: 58, align: 'right' },
  { title: 'J.m.', width: 32, align: 'center' },
  { title: 'Cena netto', width: 62, align: 'right' },
  { title: 'Wartość netto', width: 88, align: 'right' },
  { title: 'VAT', width: 50, align: 'right' },
];

const lineRows = (lines: readonly InvoiceLine[]) =>
  lines.map((l, i) => [
    String(i + 1),
    `${l.name}${l.estimated && !/szacun/i.test(l.name) ? ' (szacunek)' : ''}`,
    qty(l.quantity),
    UNIT[l.unit],
    money(l.unitPrice),
    money(l.net),
    `${l.vatRate}%`,
  ]);

const TOTAL_COLS: Col[] = [
  { title: 'Stawka VAT', width: 155 },
  { title: 'Wartość netto', width: 120, align: 'right' },
  { title: 'Kwota VAT', width: 120, align: 'right' },
  { title: 'Wartość brutto', width: 120, align: 'right' },
];
const totalRows = (t: Totals) => [
  ...t.byRate.map((r) => [`${r.vatRate}%`, money(r.net), money(r.vat), money(r.net + r.vat)]),
  ['Razem', money(t.net), money(t.vat), money(t.gross)],
];

const READING_COLS: Col[] = [
  { title: 'Wodomierz', width: 60 },
  { title: 'Od dnia', width: 56, align: 'right' },
  { title: 'Stan [m³]', width: 58, align: 'right' },
  { title: 'Źródło', width: 82 },
  { title: 'Do dnia', width: 56, align: 'right' },
  { title: 'Stan [m³]', width: 58, align: 'right' },
  { title: 'Źródło', width: 82 },
  { title: 'Zużycie', width: 63, align: 'right' },
];
const readingRows = (rs: readonly ReadingBasis[]) =>
  rs.map((r) => [
    r.meterSerial,
    formatDate(r.opening.date),
    qty(r.opening.value),
    SOURCE[r.opening.source] ?? r.opening.source,
    formatDate(r.closing.date),
    qty(r.closing.value),
    SOURCE[r.closing.source] ?? r.closing.source,
    `${qty(r.closing.value - r.opening.value)} m³`,
  ]);

/** Draws one invoice (one or more pages) into an open document; returns its number of pages. */
export function drawInvoice(doc: PDFKit.PDFDocument, p: PreparedInvoice): number {
  const d = p.document;
  const b = p.branding;
  trimLayoutCache(doc);
  const pg = new Pager(doc, p);
  pg.newPage();

  // Header: logo, the utility, and the document's title, number and dates.
  const hasLogo = drawLogo(doc, b.logoSvg, M, M, 52);
  const hx = hasLogo ? M + 62 : M;
  // The name may take two lines; the address lines follow it.
  const nameW = 290 - (hx - M);
  doc.font('bold').fontSize(10.5).fillColor(b.primaryColor).text(b.name, hx, M, { width: nameW, height: 28, ellipsis: true });
  const below = Math.min(doc.y, M + 28) + 2;
  const contact = [b.phone && `tel. ${b.phone}`, b.email, b.website].filter(Boolean).join(' · ');
  [`${b.street}, ${b.postalCode} ${b.city}`, b.nip ? `NIP ${b.nip}` : '', contact].filter(Boolean).forEach((s, i) => pg.text(s, hx, below + i * 9.5, nameW, { size: 7.5, colour: GREY }));
  const rx = M + 300;
  const rw = W - 300;
  pg.text(titleOf(d), rx, M, rw, { font: 'bold', size: 15, align: 'right', colour: b.primaryColor });
  pg.text(`nr ${d.number}`, rx, M + 19, rw, { font: 'bold', size: 10.5, align: 'right' });
  const meta = [
    `Data wystawienia: ${formatDate(d.issueDate)}${d.issuePlace ? `, ${d.issuePlace}` : ''}`,
    `Okres rozliczeniowy: ${formatDate(d.period.from)} – ${formatDate(d.period.to)}`,
    `Numer klienta: ${d.buyer.customerNumber}`,
  ];
  meta.forEach((s, i) => pg.text(s, rx, M + 34 + i * 10.5, rw, { size: 8, align: 'right' }));
  pg.y = M + 72;

  // Seller and buyer.
  const party = (title: string, x: number, lines: string[]) => {
    pg.text(title, x, pg.y, 250, { font: 'bold', size: 8, colour: GREY });
    lines.forEach((s, i) => pg.text(s, x, pg.y + 11 + i * 10.5, 250, { font: i === 0 ? 'bold' : 'regular', size: 8.5 }));
  };
  const addr = (a: { line1: string; postalCode: string; city: string }) => [a.line1, `${a.postalCode} ${a.city}`];
  party('Sprzedawca', M, [d.seller.name, ...addr(d.seller.address), `NIP ${d.seller.nip}`]);
  party('Nabywca', M + W / 2 + 8, [d.buyer.name, ...addr(d.buyer.address), d.buyer.kind === 'household' ? '' : `NIP ${d.buyer.nip}`].filter(Boolean));
  pg.y += 58;

  if (d.kind === 'invoice' && d.estimated) {
    doc.rect(M, pg.y, W, 18).fill('#fff4d6');
    pg.text('Faktura szacunkowa: zużycie oszacowane, rozliczenie nastąpi po najbliższym odczycie rzeczywistym.', M + 6, pg.y + 5, W - 12, { font: 'bold', size: 8 });
    pg.y += 26;
  }

  if (d.kind === 'invoice') {
    pg.heading('Pozycje faktury');
    pg.table(LINE_COLS, lineRows(d.lines));
    pg.heading('Podsumowanie według stawek VAT');
    pg.table(TOTAL_COLS, totalRows(d.totals), { boldLast: true });
  } else {
    const c = d.corrected;
    pg.text(`Korekta faktury nr ${c.number} z dnia ${formatDate(c.issueDate)}`, M, pg.y, W, { font: 'bold', size: 8.5 });
    if (c.ksefNumber) {
      pg.text(`Numer KSeF korygowanej faktury: ${c.ksefNumber}`, M, pg.y + 12, W, { size: 8.5 });
      pg.y += 12;
    }
    pg.text(`Przyczyna korekty: ${d.reason}`, M, pg.y + 12, W, { size: 8.5 });
    pg.y += 28;
    pg.heading('Przed korektą');
    pg.table(LINE_COLS, lineRows(d.before.lines));
    pg.table(TOTAL_COLS, totalRows(d.before.totals), { boldLast: true });
    pg.heading('Po korekcie');
    pg.table(LINE_COLS, lineRows(d.after.lines));
    pg.table(TOTAL_COLS, totalRows(d.after.totals), { boldLast: true });
    pg.heading('Różnica (po korekcie − przed korektą)');
    pg.table(TOTAL_COLS, totalRows(d.difference), { boldLast: true });
  }

  if (d.readings.length > 0) {
    pg.heading('Podstawa rozliczenia: odczyty wodomierzy');
    pg.table(READING_COLS, readingRows(d.readings));
  }

  // The bottom block: amount due, chart, payment and KSeF codes.
  pg.need(BOTTOM_H);
  const top = Math.max(pg.y + 4, PAGE_H - M - BOTTOM_H);
  drawBottom(pg, top);
  return pg.page;
}

function drawBottom(pg: Pager, top: number) {
  const { doc, p } = pg;
  const d = p.document;
  const b = p.branding;
  const due = p.amountDue;
  const label = d.kind === 'invoice' ? 'Do zapłaty' : due > 0 ? 'Do dopłaty' : due < 0 ? 'Do zwrotu' : 'Bez zmiany kwoty';
  doc.rect(M, top, W, 24).fill(b.primaryColor);
  pg.text(`${label}: ${money(Math.abs(due))}`, M + 8, top + 6, W / 2, { font: 'bold', size: 12, colour: 'white' });
  if (d.dueDate && due > 0) pg.text(`Termin płatności: ${formatDate(d.dueDate)}`, M + W / 2, top + 7, W / 2 - 8, { font: 'bold', size: 10, align: 'right', colour: 'white' });

  const y = top + 32;
  // An offline invoice carries three codes (payment, KOD I, KOD II): a narrower chart and smaller
  // payment and KOD I codes make room, and KOD II, a long signed link (up to ~480 characters
  // with an RSA key), gets the most, so that its modules stay large enough to scan from paper.
  const three = p.certificateQr !== null;
  const chartW = three ? 125 : 185;
  drawConsumptionChart(doc, p.history, { x: M, y, width: chartW, height: 120 }, { primary: b.primaryColor, muted: '#b8c4d0' });

  // Payment details, between the chart and the codes.
  const qr = three ? 56 : 74;
  const kod1 = three ? 60 : qr;
  const kod2 = 88;
  const qx = three ? M + W - kod2 - kod1 - qr - 18 : M + W - 2 * qr - 14;
  const px = M + chartW + 12;
  const pw = qx - px - 6;
  pg.text('Płatność', px, y, pw, { font: 'bold', size: 8.5 });
  const rows: Array<[string, string]> = [
    ['Rachunek do wpłat', formatAccount(d.paymentAccount)],
    ['Kwota', money(Math.max(0, due))],
    ['Termin', d.dueDate && due > 0 ? formatDate(d.dueDate) : '—'],
    ['Tytuł', d.number],
  ];
  if (due <= 0) {
    // A credit or no change: nothing to pay, so no amount, due date or title to copy into a transfer.
    rows.splice(1, 3, ['Rozliczenie', due < 0 ? 'zwrot lub zaliczenie na poczet kolejnych należności' : 'bez zmiany kwoty']);
  }
  rows.forEach(([k, v], i) => {
    pg.text(k, px, y + 13 + i * 21, pw, { size: 7, colour: GREY });
    pg.text(v, px, y + 21 + i * 21, pw, { font: 'bold', size: i === 0 ? 7.3 : 8.2 });
  });

  if (p.paymentQr) {
    doc.image(p.paymentQr.png, qx, y, { width: qr, height: qr });
    pg.text('Zapłać kodem QR', qx - 4, y + qr + 2, qr + 8, { size: 6.5, align: 'center' });
    pg.text('w aplikacji banku', qx - 4, y + qr + 10, qr + 8, { size: 6.5, align: 'center' });
  } else if (due > 0) {
    pg.text('Kwota przekracza zakres kodu płatności: prosimy wpisać ją ręcznie.', qx - 4, y + 10, qr + 8, { size: 6.5 });
  }
  if (p.ksef && p.ksefQr && p.certificateQr) {
    // Issued offline (kody-qr.md): KOD I labelled OFFLINE, and KOD II beside it labelled CERTYFIKAT.
    const k2 = M + W - kod2;
    const k1 = k2 - 9 - kod1;
    doc.image(p.ksefQr, k1, y, { width: kod1, height: kod1 });
    doc.image(p.certificateQr, k2, y, { width: kod2, height: kod2 });
    pg.text('OFFLINE', k1 - 4, y + kod1 + 2, kod1 + 8, { font: 'bold', size: 8, align: 'center' });
    pg.text('KOD I: faktura', k1 - 4, y + kod1 + 12, kod1 + 8, { size: 6, align: 'center' });
    pg.text('CERTYFIKAT', k2 - 4, y + kod2 + 2, kod2 + 8, { font: 'bold', size: 8, align: 'center' });
    pg.text('KOD II: wystawca', k2 - 4, y + kod2 + 12, kod2 + 8, { size: 6, align: 'center' });
    pg.text('Faktura wystawiona w trybie offline; zostanie przesłana do KSeF.', M + W - 250, y + kod2 + 23, 250, { size: 6, align: 'right', colour: GREY });
  } else if (p.ksef && p.ksefQr) {
    const kx = M + W - qr;
    doc.image(p.ksefQr, kx, y, { width: qr, height: qr });
    // Under the code: its KSeF number, or OFFLINE while it has none (kody-qr.md, "Oznaczenie pod kodem QR").
    pg.text(p.ksef.number ?? 'OFFLINE', M + W - 200, y + qr + 20, 200, { font: 'bold', size: p.ksef.number ? 6.5 : 8, align: 'right' });
    pg.text('KOD I: weryfikacja faktury w KSeF', M + W - 200, y + qr + 30, 200, { size: 6.5, align: 'right' });
  }

  const foot = PAGE_H - M - 10;
  pg.text(`${b.name} · NIP ${d.seller.nip} · ${b.street}, ${b.postalCode} ${b.city}`, M, foot, W, { size: 6.5, colour: GREY, align: 'center' });
  doc.fillColor('black');
}
