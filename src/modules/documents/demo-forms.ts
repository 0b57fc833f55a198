/**
 * The demo utilities' forms to download: real one-page PDFs made with pdfkit
 * at seed time (embedded DejaVu Sans, as PDF's standard fonts cannot show
 * Polish letters), each a printable form with the fields to fill in and the
 * utility's name and address at the top.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import PDFDocument from 'pdfkit';
import type { Db } from '../../db/connection.ts';

const fontDir = path.join(path.dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');

interface Sender {
  name: string;
  street: string;
  postalCode: string;
  city: string;
}

interface FormSpec {
  category: string;
  title: string;
  description: string;
  file: string;
  intro: string;
  fields: string[];
  statement: string;
}

export const DEMO_FORMS: FormSpec[] = [
  {
    category: 'billing',
    title: 'AKCEPTACJA PRZESYŁANIA I UDOSTĘPNIANIA E-FAKTUR',
    description: 'Zgoda na otrzymywanie faktur w formie elektronicznej na adres e-mail zamiast faktur papierowych.',
    file: 'akceptacja-e-faktur.pdf',
    intro: 'Akceptuję przesyłanie i udostępnianie faktur w formie elektronicznej (PDF) na wskazany poniżej adres e-mail.',
    fields: ['Imię i nazwisko / nazwa odbiorcy', 'Numer klienta', 'Adres punktu poboru wody', 'Adres e-mail do przesyłania faktur', 'Telefon kontaktowy'],
    statement:
      'Oświadczam, że znam Regulamin przesyłania faktur w formie elektronicznej i akceptuję jego treść. Faktury elektroniczne będą przesyłane od kolejnego okresu rozliczeniowego. Zgodę można w każdej chwili wycofać w e-BOK lub w Biurze Obsługi Klienta.',
  },
  {
    category: 'contracts',
    title: 'Wniosek o zawarcie umowy o zaopatrzenie w wodę i odprowadzanie ścieków',
    description: 'Dla nowego odbiorcy lub przy zmianie właściciela nieruchomości.',
    file: 'wniosek-o-zawarcie-umowy.pdf',
    intro: 'Wnoszę o zawarcie umowy o zaopatrzenie w wodę i/lub odprowadzanie ścieków dla nieruchomości wskazanej poniżej.',
    fields: ['Imię i nazwisko / nazwa wnioskodawcy', 'PESEL / NIP', 'Adres nieruchomości', 'Adres do korespondencji', 'Tytuł prawny do nieruchomości', 'Stan wodomierza w dniu przejęcia'],
    statement: 'Do wniosku dołączam dokument potwierdzający tytuł prawny do nieruchomości.',
  },
  {
    category: 'complaints',
    title: 'Reklamacja',
    description: 'Reklamacja faktury lub jakości usług; odpowiedź w ciągu 14 dni.',
    file: 'reklamacja.pdf',
    intro: 'Zgłaszam reklamację dotyczącą usług zaopatrzenia w wodę lub odprowadzania ścieków.',
    fields: ['Imię i nazwisko / nazwa odbiorcy', 'Numer klienta', 'Numer faktury (jeśli dotyczy)', 'Opis reklamacji', 'Oczekiwany sposób załatwienia'],
    statement: 'Reklamacja zostanie rozpatrzona w terminie 14 dni od jej otrzymania.',
  },
  {
    category: 'meters',
    title: 'Wniosek o sprawdzenie prawidłowości działania wodomierza',
    description: 'Badanie wodomierza głównego w punkcie legalizacyjnym.',
    file: 'wniosek-o-sprawdzenie-wodomierza.pdf',
    intro: 'Wnoszę o sprawdzenie prawidłowości działania wodomierza głównego zainstalowanego w nieruchomości wskazanej poniżej.',
    fields: ['Imię i nazwisko / nazwa odbiorcy', 'Numer klienta', 'Adres punktu poboru wody', 'Numer fabryczny wodomierza', 'Stan wodomierza w dniu złożenia wniosku'],
    statement: 'Jeżeli badanie nie wykaże nieprawidłowości, koszt badania ponosi wnioskodawca zgodnie z cennikiem przedsiębiorstwa.',
  },
];

export function renderForm(sender: Sender, f: FormSpec): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margins: { top: 56, bottom: 56, left: 62, right: 62 }, info: { Title: f.title, Author: sender.name } });
  doc.registerFont('regular', readFileSync(path.join(fontDir, 'DejaVuSans.ttf')));
  doc.registerFont('bold', readFileSync(path.join(fontDir, 'DejaVuSans-Bold.ttf')));
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const width = doc.page.width - 124;
  doc.font('bold').fontSize(11).text(sender.name);
  doc.font('regular').fontSize(10).text(`${sender.street}, ${sender.postalCode} ${sender.city}`);
  doc.moveDown(2);
  doc.font('bold').fontSize(14).text(f.title, { align: 'center', width });
  doc.moveDown(1.5);
  doc.font('regular').fontSize(10.5).text(f.intro, { width });
  doc.moveDown(1);
  for (const label of f.fields) {
    doc.font('regular').fontSize(9).fillColor('#444').text(label, { width });
    doc.moveDown(1.4);
    const y = doc.y;
    doc.moveTo(62, y).lineTo(62 + width, y).strokeColor('#888').lineWidth(0.7).stroke();
    doc.moveDown(0.8);
  }
  doc.fillColor('black').moveDown(0.5);
  doc.fontSize(10).text(f.statement, { width });
  doc.moveDown(3);
  const y = doc.y;
  doc.moveTo(62, y).lineTo(242, y).stroke();
  doc.moveTo(62 + width - 200, y).lineTo(62 + width, y).stroke();
  doc.fontSize(8.5).fillColor('#444').text('miejscowość, data', 62, y + 4, { width: 180 });
  doc.text('czytelny podpis', 62 + width - 200, y + 4, { width: 200, align: 'right' });
  doc.end();
  return done;
}

/** Adds the demo forms, published, to a new demo utility. */
export async function insertDemoForms(db: Db, utilityId: number, sender: Sender, publishedAt: Date): Promise<void> {
  for (const f of DEMO_FORMS) {
    const bytes = await renderForm(sender, f);
    const file = await db
      .insertInto('files')
      .values({ utility_id: utilityId, name: f.file, content_type: 'application/pdf', size_bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), data: bytes })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('documents')
      .values({ utility_id: utilityId, category: f.category, title: f.title, description: f.description, file_id: file.id, published_at: publishedAt })
      .execute();
  }
}
