/**
 * The personal-data report as a readable PDF: the same content as the JSON
 * download, laid out for a person (GDPR art. 15: a copy of the data). DejaVu
 * Sans is embedded because PDF's standard fonts cannot show Polish letters.
 * Readings are summarised per meter (count, first and last): the full list is
 * in the JSON file, which a spreadsheet can open.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import PDFDocument from 'pdfkit';
import { formatDate, formatDateTime, formatVolume, plural } from '../../lib/polish-format.ts';
import { FIELD_NAMES_PL } from '../change-requests/messages.ts';
import type { PersonalData } from './service.ts';

const fontDir = path.join(path.dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');
let fonts: { regular: Buffer; bold: Buffer } | undefined;
const loadFonts = () => (fonts ??= { regular: readFileSync(path.join(fontDir, 'DejaVuSans.ttf')), bold: readFileSync(path.join(fontDir, 'DejaVuSans-Bold.ttf')) });

const KIND: Record<string, string> = { person: 'osoba fizyczna', business: 'przedsiębiorca', housing_community: 'wspólnota mieszkaniowa', public_body: 'jednostka publiczna' };
const DELIVERY: Record<string, string> = { paper: 'papierowo (pocztą)', einvoice: 'e-faktura' };
const STATUS: Record<string, string> = { pending: 'oczekuje', approved: 'zatwierdzony', rejected: 'odrzucony' };
const dash = (v: string | null | undefined) => (v && v.trim() ? v : '—');
/** The account's own entries of the audit log, in words (no English codes on a Polish page). */
const ACTIONS: Record<string, string> = {
  'auth.login': 'logowanie',
  'auth.logout': 'wylogowanie',
  'auth.login_failed': 'nieudane logowanie',
  'auth.registered': 'rejestracja w e-BOK',
  'auth.email_verified': 'potwierdzenie adresu e-mail',
  'auth.password_changed': 'zmiana hasła',
  'auth.password_change_failed': 'nieudana zmiana hasła',
  'auth.password_reset': 'ustawienie nowego hasła przez łącze',
  'auth.password_reset_requested': 'prośba o łącze do zmiany hasła',
  'change_request.created': 'wniosek o zmianę danych',
  'user.personal_data_downloaded': 'pobranie danych osobowych',
  'user.portal_closed': 'zamknięcie konta',
};

export function renderPersonalData(d: PersonalData): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margins: { top: 56, bottom: 56, left: 56, right: 56 }, info: { Title: 'Dane osobowe przechowywane w e-BOK', Author: d.controller } });
  const f = loadFonts();
  doc.registerFont('regular', f.regular);
  doc.registerFont('bold', f.bold);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const width = doc.page.width - 112;
  const h1 = (s: string) => doc.font('bold').fontSize(16).text(s, { width }).moveDown(0.5);
  const h2 = (s: string) => doc.moveDown(0.6).font('bold').fontSize(12).text(s, { width }).moveDown(0.2);
  const row = (label: string, value: string | null | undefined) => doc.font('bold').fontSize(10).text(`${label}: `, { continued: true, width }).font('regular').text(dash(value));

  h1('Dane osobowe przechowywane w e-BOK');
  doc.font('regular').fontSize(10).text(`Administrator danych: ${d.controller}${d.controller.endsWith('.') ? '' : '.'} Zestawienie sporządzono ${formatDateTime(d.generatedAt)}.`, { width });
  h2('Konto e-BOK');
  row('Adres e-mail (login)', d.account.email);
  row('Nazwa', d.account.name);
  row('Konto założone', formatDateTime(d.account.createdAt));
  row('Adres e-mail potwierdzony', formatDateTime(d.account.emailVerifiedAt));
  row('Ostatnie logowanie', formatDateTime(d.account.lastLoginAt));

  for (const c of d.customers) {
    h2(`Klient ${c.customerNumber}: ${c.name}`);
    row('Rodzaj', KIND[c.kind] ?? c.kind);
    if (c.firstName || c.lastName) row('Imię i nazwisko', [c.firstName, c.lastName].filter(Boolean).join(' '));
    row('PESEL', c.pesel);
    row('NIP', c.nip);
    row('REGON', c.regon);
    row('Adres', c.address);
    row('Adres do korespondencji', c.correspondenceAddress ?? 'taki sam jak adres');
    row('E-mail', c.email);
    row('Telefon', c.phone);
    row('Doręczanie faktur', DELIVERY[c.invoiceDelivery] ?? c.invoiceDelivery);
    row('Indywidualny rachunek bankowy', c.paymentAccount);
    for (const k of c.contracts) {
      doc.moveDown(0.3).font('bold').fontSize(10).text(`Umowa ${k.contractNumber} (od ${formatDate(k.validFrom)}${k.validTo ? ` do ${formatDate(k.validTo)}` : ''}), punkt ${k.servicePoint.code}: ${k.servicePoint.address}`, { width });
      for (const m of k.meters) {
        const first = m.readings[0];
        const last = m.readings[m.readings.length - 1];
        const summary = m.readings.length ? `${plural(m.readings.length, { one: 'odczyt', few: 'odczyty', many: 'odczytów', other: 'odczytu' })}, od ${formatDate(first.readAt)} (${formatVolume(first.valueM3)}) do ${formatDate(last.readAt)} (${formatVolume(last.valueM3)})` : 'brak odczytów';
        doc.font('regular').text(`• Wodomierz ${m.serialNumber}, zamontowany ${formatDate(m.installedOn)}, legalizacja do ${formatDate(m.legalizationValidUntil)}: ${summary}`, { width, indent: 10 });
      }
    }
    for (const x of c.einvoiceConsents) row('Zgoda na e-fakturę', `${dash(x.email)}, udzielona ${formatDateTime(x.grantedAt)}${x.withdrawnAt ? `, wycofana ${formatDateTime(x.withdrawnAt)}` : ''}`);
    for (const r of c.changeRequests) row(`Wniosek o zmianę (${FIELD_NAMES_PL[r.field] ?? r.field}) z ${formatDateTime(r.createdAt)}`, `${r.newValue}: ${STATUS[r.status] ?? r.status}${r.reason ? ` (${r.reason})` : ''}`);
  }
  h2('Akceptacje regulaminów');
  if (!d.termsAcceptances.length) doc.font('regular').fontSize(10).text('—');
  for (const a of d.termsAcceptances) row(`${a.title} (wersja ${a.version})`, `${formatDateTime(a.acceptedAt)}, adres IP ${dash(a.ip)}`);
  h2('Aktywność konta (ostatnie wpisy)');
  doc.font('regular').fontSize(9);
  for (const a of d.activity.slice(0, 100)) doc.text(`${formatDateTime(a.at)}  ${ACTIONS[a.action] ?? a.action}, adres IP ${dash(a.ip)}`, { width });
  doc.moveDown().fontSize(9).text('Pełne dane, w tym wszystkie odczyty, zawiera plik JSON do pobrania w e-BOK (Dane kontrahenta).', { width });
  doc.end();
  return done;
}
