/**
 * The interest note and the payment reminder as A4 PDF letters: the utility's
 * logo and data, the debtor's address, the title and number, the legal basis,
 * the table of invoices (for a note: each period with its days, rate and
 * interest), the sum, the account to pay to with the payment QR code, and a
 * formal closing. Reuses the invoice PDF's document set-up (DejaVu fonts,
 * logo drawing, the ZBP payment QR code).
 */
import { formatDate, formatMoney } from '../../../lib/polish-format.ts';
import { formatAccount } from '../accounts.ts';
import { paymentQrText } from '../../billing/pdf/payment-qr.ts';
import { qrPng } from '../../billing/pdf/qr-image.ts';
import { type Branding, newPdf } from '../../billing/pdf/render.ts';
import { drawLogo } from '../../billing/pdf/svg-logo.ts';
import { type InterestNote, PAY_WITHIN_DAYS, type Reminder } from './letters.ts';

const M = 50;
const PAGE_W = 595.28;
const PAGE_H = 841.89;
const W = PAGE_W - 2 * M;
const GREY = '#555555';
const LINE = '#bbbbbb';
const money = (g: number) => formatMoney(g, 'pl');
const date = (d: string) => formatDate(d, 'pl');
const percent = (bp: number) => `${(bp / 100).toFixed(2).replace('.', ',')}%`;

interface Col {
  title: string;
  width: number;
  align?: 'left' | 'right';
}

class Letter {
  y = M;
  constructor(
    readonly doc: PDFKit.PDFDocument,
    readonly b: Branding,
  ) {
    doc.addPage({ size: 'A4', margin: M });
  }

  ensure(h: number) {
    if (this.y + h > PAGE_H - M) {
      this.doc.addPage({ size: 'A4', margin: M });
      this.y = M;
    }
  }

  text(s: string, opts: { size?: number; bold?: boolean; color?: string; x?: number; width?: number; align?: 'left' | 'right' | 'center'; gap?: number } = {}) {
    const { doc } = this;
    doc.font(opts.bold ? 'bold' : 'regular').fontSize(opts.size ?? 9.5).fillColor(opts.color ?? '#000000');
    const width = opts.width ?? W;
    const h = doc.heightOfString(s, { width });
    this.ensure(h);
    doc.text(s, opts.x ?? M, this.y, { width, align: opts.align ?? 'left' });
    this.y += h + (opts.gap ?? 4);
  }

  header(placeDate: string) {
    const { doc, b } = this;
    const hasLogo = drawLogo(doc, b.logoSvg, M, M, 48);
    const x = hasLogo ? M + 60 : M;
    doc.font('bold').fontSize(11).fillColor(b.primaryColor).text(b.name, x, M, { width: W - (x - M) });
    const lines = [`${b.street}, ${b.postalCode} ${b.city}`, [b.nip ? `NIP ${b.nip}` : '', b.phone ? `tel. ${b.phone}` : '', b.email].filter(Boolean).join(' · ')];
    doc.font('regular').fontSize(8.5).fillColor(GREY).text(lines.join('\n'), x, doc.y + 2, { width: W - (x - M) });
    this.y = Math.max(doc.y, M + 52) + 14;
    this.text(placeDate, { align: 'right', gap: 10 });
  }

  address(lines: string[]) {
    this.text(lines.filter(Boolean).join('\n'), { x: M + W / 2, width: W / 2, size: 10, gap: 18 });
  }

  table(cols: Col[], rows: string[][], opts: { boldLast?: boolean } = {}) {
    const { doc } = this;
    const draw = (cells: string[], bold: boolean, color = '#000000') => {
      doc.font(bold ? 'bold' : 'regular').fontSize(8);
      const h = Math.max(...cells.map((c, i) => doc.heightOfString(c, { width: cols[i].width - 6 }))) + 5;
      this.ensure(h);
      let x = M;
      cells.forEach((c, i) => {
        doc.fillColor(color).text(c, x + 3, this.y + 2.5, { width: cols[i].width - 6, align: cols[i].align ?? 'left' });
        x += cols[i].width;
      });
      this.y += h;
      doc.moveTo(M, this.y).lineTo(M + W, this.y).lineWidth(0.5).strokeColor(LINE).stroke();
    };
    draw(cols.map((c) => c.title), true, GREY);
    rows.forEach((r, i) => draw(r, Boolean(opts.boldLast) && i === rows.length - 1));
    this.y += 10;
  }

  payment(amount: number, account: string, title: string, payBy: string) {
    const qr = paymentQrText({ nip: this.b.nip, account, amount, name: this.b.shortName || this.b.name, title });
    const textWidth = qr ? W - 110 : W;
    this.ensure(qr ? 110 : 50);
    const top = this.y;
    this.text(`Proszę o wpłatę kwoty ${money(amount)} do dnia ${date(payBy)} na rachunek:`, { width: textWidth });
    this.text(formatAccount(account), { bold: true, size: 11, width: textWidth });
    this.text(`W tytule przelewu proszę podać: ${title}.`, { width: textWidth, gap: 8 });
    if (qr) {
      this.doc.image(qrPng(qr), M + W - 95, top, { width: 95 });
      this.y = Math.max(this.y, top + 105);
    }
  }
}

function render(title: string, b: Branding, draw: (l: Letter) => void): Promise<Buffer> {
  const doc = newPdf(title, b.name);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  draw(new Letter(doc, b));
  doc.end();
  return done;
}

function debtorLines(d: InterestNote['debtor']) {
  return [d.name, d.street, `${d.postalCode} ${d.city}`.trim(), d.nip ? `NIP ${d.nip}` : '', `Nr klienta: ${d.customerNumber}`];
}

const NOTE_BASIS: Record<InterestNote['interestKind'], string> = {
  consumer:
    'Na podstawie art. 481 § 1 i 2 Kodeksu cywilnego obciążamy Państwa odsetkami ustawowymi za opóźnienie w zapłacie niżej wymienionych należności, liczonymi od dnia następującego po terminie płatności do dnia zapłaty (dla należności nieuregulowanych: do dnia wystawienia noty).',
  commercial:
    'Na podstawie art. 7 ust. 1 (lub art. 8 ust. 1) ustawy z dnia 8 marca 2013 r. o przeciwdziałaniu nadmiernym opóźnieniom w transakcjach handlowych obciążamy Państwa odsetkami ustawowymi za opóźnienie w transakcjach handlowych od niżej wymienionych należności, liczonymi od dnia następującego po terminie płatności do dnia zapłaty (dla należności nieuregulowanych: do dnia wystawienia noty).',
};

export function renderInterestNote(note: InterestNote, b: Branding): Promise<Buffer> {
  return render(`Nota odsetkowa ${note.number}`, b, (l) => {
    l.header(`${b.city}, ${date(note.date)}`);
    l.address(debtorLines(note.debtor));
    l.text(`NOTA ODSETKOWA nr ${note.number}`, { bold: true, size: 13, align: 'center', gap: 10 });
    l.text(NOTE_BASIS[note.interestKind], { gap: 10 });
    const rows: string[][] = [];
    for (const inv of note.invoices) {
      inv.periods.forEach((p, i) =>
        rows.push([
          i === 0 ? inv.invoiceNumber : '',
          i === 0 ? money(inv.gross) : '',
          i === 0 ? date(inv.dueDate) : '',
          `${date(p.from)} – ${date(p.to)}`,
          money(p.balance),
          String(p.days),
          percent(p.basisPoints),
          money(p.interest),
        ]),
      );
      if (inv.compensation) rows.push(['', '', '', `Rekompensata ${inv.compensation.eur} EUR`, '', '', '', money(inv.compensation.grosze)]);
    }
    rows.push(['Razem', '', '', '', '', '', '', money(note.total)]);
    l.table(
      [
        { title: 'Faktura', width: 90 },
        { title: 'Kwota faktury', width: 58, align: 'right' },
        { title: 'Termin płatności', width: 54 },
        { title: 'Okres opóźnienia', width: 92 },
        { title: 'Kwota zaległa', width: 58, align: 'right' },
        { title: 'Dni', width: 24, align: 'right' },
        { title: 'Stopa roczna', width: 40, align: 'right' },
        { title: 'Odsetki', width: W - 416, align: 'right' },
      ],
      rows,
      { boldLast: true },
    );
    l.text(`Odsetki: ${money(note.interest)}. Odsetki liczone są za każdy dzień opóźnienia według stawki obowiązującej w danym dniu (rok = 365 dni).`, { gap: note.compensation ? 4 : 10 });
    if (note.compensation && note.eurRate) {
      l.text(
        `Rekompensata za koszty odzyskiwania należności (art. 10 ustawy o przeciwdziałaniu nadmiernym opóźnieniom w transakcjach handlowych): ${money(note.compensation)}, przeliczona po średnim kursie euro NBP ${note.eurRate.replace('.', ',')} zł.`,
        { gap: 10 },
      );
    }
    l.payment(note.total, note.debtor.account, note.number, note.payBy);
    l.text('W razie pytań proszę o kontakt z Biurem Obsługi Klienta.', { color: GREY, gap: 24 });
    l.text(`${b.name}`, { align: 'right', color: GREY });
  });
}

export function renderReminder(rem: Reminder, b: Branding): Promise<Buffer> {
  return render(`Wezwanie do zapłaty ${rem.number}`, b, (l) => {
    l.header(`${b.city}, ${date(rem.date)}`);
    l.address(debtorLines(rem.debtor));
    l.text(`WEZWANIE DO ZAPŁATY nr ${rem.number}`, { bold: true, size: 13, align: 'center', gap: 10 });
    l.text(`Informujemy, że według naszej ewidencji na dzień ${date(rem.date)} nie zostały uregulowane następujące należności:`, { gap: 10 });
    l.table(
      [
        { title: 'Faktura', width: 110 },
        { title: 'Data wystawienia', width: 70 },
        { title: 'Termin płatności', width: 70 },
        { title: 'Dni po terminie', width: 60, align: 'right' },
        { title: 'Kwota faktury', width: 90, align: 'right' },
        { title: 'Pozostało do zapłaty', width: W - 400, align: 'right' },
      ],
      [
        ...rem.invoices.map((i) => [i.invoiceNumber, date(i.issueDate), date(i.dueDate), String(i.daysOverdue), money(i.gross), money(i.open)]),
        ['Razem', '', '', '', '', money(rem.open)],
      ],
      { boldLast: true },
    );
    l.text(
      `Do dnia ${date(rem.date)} naliczyły się odsetki ustawowe za opóźnienie${rem.interestKind === 'commercial' ? ' w transakcjach handlowych' : ''} w kwocie ${money(rem.interest)}; podajemy je informacyjnie, odsetki rosną do dnia zapłaty.`,
      { gap: 10 },
    );
    l.text(`Wzywamy do zapłaty kwoty ${money(rem.open)} w terminie ${PAY_WITHIN_DAYS} dni, tj. do dnia ${date(rem.payBy)}.`, { bold: true, gap: 8 });
    l.payment(rem.open, rem.debtor.account, rem.invoices.map((i) => i.invoiceNumber).join(', ').slice(0, 32), rem.payBy);
    l.text(
      'Nieuregulowanie należności w tym terminie może spowodować skierowanie sprawy na drogę postępowania sądowego, co narazi Państwa na dodatkowe koszty. Jeżeli należność została już zapłacona, proszę uznać niniejsze wezwanie za bezprzedmiotowe.',
      { color: GREY, gap: 24 },
    );
    l.text(`${b.name}`, { align: 'right', color: GREY });
  });
}
