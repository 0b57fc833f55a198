/**
 * The activation letter: a one-page PDF mailed to the customer's address with
 * the customer number and a new activation code for the portal. The font is
 * embedded DejaVu Sans (TrueType): PDF's standard fonts cannot show Polish
 * letters and would print garbage without any error.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import PDFDocument from 'pdfkit';
import type { Tx } from '../../db/tenant.ts';
import type { AuthUser } from '../../http/access.ts';
import type { Utility } from '../utilities/service.ts';
import { issueActivation } from './activation.ts';
import { recordAudit } from './audit.ts';
import type { RequestInfo } from './context.ts';
import { getCustomerForIdentity } from './users.ts';

const fontDir = path.join(path.dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');
let fonts: { regular: Buffer; bold: Buffer; mono: Buffer } | undefined;
/** Read once: the three faces are ~1.6 MB; each letter embeds only the glyphs it uses. */
const loadFonts = () =>
  (fonts ??= {
    regular: readFileSync(path.join(fontDir, 'DejaVuSans.ttf')),
    bold: readFileSync(path.join(fontDir, 'DejaVuSans-Bold.ttf')),
    mono: readFileSync(path.join(fontDir, 'DejaVuSansMono-Bold.ttf')),
  });

export interface LetterData {
  utility: { name: string; street: string; postalCode: string; city: string; nip: string | null; phone: string; email: string; website: string };
  customer: { number: string; name: string; addressLines: string[] };
  code: string;
  expiresAt: Date;
  issuedAt: Date;
  registerUrl: string;
}

const plDate = (d: Date) => d.toLocaleDateString('pl-PL', { timeZone: 'Europe/Warsaw', day: '2-digit', month: '2-digit', year: 'numeric' });

export function renderActivationLetter(d: LetterData): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: 56, bottom: 56, left: 62, right: 62 },
    info: { Title: `Kod aktywacyjny e-BOK: ${d.customer.number}`, Author: d.utility.name, Subject: 'Pismo z kodem aktywacyjnym' },
  });
  const f = loadFonts();
  doc.registerFont('regular', f.regular);
  doc.registerFont('bold', f.bold);
  doc.registerFont('mono', f.mono);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const width = doc.page.width - 124;
  const u = d.utility;

  // Sender.
  doc.font('bold').fontSize(12).text(u.name, { width: width * 0.6 });
  doc.font('regular').fontSize(9);
  doc.text(u.street);
  doc.text(`${u.postalCode} ${u.city}`);
  if (u.nip) doc.text(`NIP ${u.nip}`);
  const contact = [u.phone && `tel. ${u.phone}`, u.email, u.website].filter(Boolean).join(' · ');
  if (contact) doc.text(contact);
  doc.font('regular').fontSize(10).text(`${u.city}, ${plDate(d.issuedAt)}`, 62, 56, { width, align: 'right' });

  // Addressee, placed for a window envelope.
  doc.font('bold').fontSize(11).text(d.customer.name, 330, 170, { width: 200 });
  doc.font('regular');
  for (const line of d.customer.addressLines) doc.text(line, { width: 200 });

  doc.x = 62;
  doc.y = 280;
  doc.font('bold').fontSize(14).text('Kod aktywacyjny do Internetowego Biura Obsługi Klienta (e-BOK)', { width });
  doc.moveDown();
  doc.font('regular').fontSize(11);
  doc.text('Szanowni Państwo,', { width });
  doc.moveDown(0.5);
  doc.text(
    `zapraszamy do korzystania z e-BOK przedsiębiorstwa ${u.name}. W e-BOK sprawdzą Państwo swoje umowy, wodomierze i ich odczyty.`,
    { width, align: 'justify' },
  );
  doc.moveDown();
  doc.text('Numer klienta:', { continued: true }).font('bold').text(` ${d.customer.number}`);
  doc.font('regular').text('Kod aktywacyjny:');
  doc.font('mono').fontSize(20).text(d.code, { width, align: 'center' });
  doc.font('regular').fontSize(11).text(`Kod jest ważny do ${plDate(d.expiresAt)} i można go użyć tylko raz.`, { width });
  doc.moveDown();
  doc.font('bold').text('Jak założyć konto:');
  doc.font('regular');
  doc.list(
    [
      `Proszę otworzyć stronę ${d.registerUrl}`,
      'i wpisać numer klienta oraz kod aktywacyjny z tego pisma,',
      'podać adres e-mail, ustalić hasło (co najmniej 10 znaków, litery i cyfry) i zaakceptować regulamin e-BOK,',
      'otworzyć łącze z wiadomości, którą wyślemy na podany adres e-mail: od tej chwili można się logować.',
    ],
    { width: width - 20, numbered: true, bulletRadius: 2 } as PDFKit.Mixins.TextOptions,
  );
  doc.moveDown();
  doc.text('Prosimy nie przekazywać kodu osobom trzecim. Jeśli to pismo nie było zamawiane albo kod nie działa, prosimy o kontakt z Biurem Obsługi Klienta.', {
    width,
  });
  doc.moveDown(2);
  doc.text('Z poważaniem', { width });
  doc.text(u.name, { width });
  doc.end();
  return done;
}

/** Issues a new activation code for a customer and renders the letter; the previous code stops working. */
export async function activationLetter(
  tx: Tx,
  info: RequestInfo,
  actor: AuthUser,
  utility: Utility,
  customerId: number,
  portalUrl: string,
): Promise<{ pdf: Buffer; customerNumber: string }> {
  const c = await getCustomerForIdentity(tx, customerId);
  const issued = await issueActivation(tx, customerId);
  const street = [c.street, [c.building, c.apartment].filter(Boolean).join('/')].filter(Boolean).join(' ');
  const pdf = await renderActivationLetter({
    utility: {
      name: utility.name,
      street: utility.street,
      postalCode: utility.postal_code,
      city: utility.city,
      nip: utility.nip,
      phone: utility.phone,
      email: utility.sender_email,
      website: utility.website,
    },
    customer: { number: c.customer_number, name: c.name, addressLines: [street, `${c.postal_code} ${c.city}`].filter((l) => l.trim()) },
    code: issued.code,
    expiresAt: issued.expiresAt,
    issuedAt: new Date(),
    registerUrl: `${portalUrl}/register`,
  });
  await recordAudit(tx, {
    utilityId: info.utilityId,
    actorId: actor.id,
    actorKind: 'staff',
    action: 'customer.activation_letter_issued',
    entity: 'customer',
    entityId: customerId,
    customerId,
    ip: info.ip,
    data: { expiresAt: issued.expiresAt.toISOString() },
  });
  return { pdf, customerNumber: c.customer_number };
}
