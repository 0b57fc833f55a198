/**
 * The e-mail that brings an e-invoice (the seed's E-FAKTURA delivered by
 * e-mail): the PDF attached, the amount and due date in the text, and a link
 * to the portal where the invoice, its XML and the earlier ones are. Formal
 * and impersonal, like every customer-facing text.
 */
import { formatDate, formatMoney } from '../../../lib/polish-format.ts';
import { escapeHtml } from '../../notify/templates.ts';
import type { BillingDocument } from '../invoice-document.ts';

export interface InvoiceEmail {
  subject: string;
  text: string;
  html: string;
}

export function invoiceEmail(doc: BillingDocument, a: { utilityName: string; portalUrl: string }): InvoiceEmail {
  const period = `${formatDate(doc.period.from)} – ${formatDate(doc.period.to)}`;
  const what =
    doc.kind === 'invoice'
      ? `W załączniku przesyłamy fakturę nr ${doc.number} za okres ${period} na kwotę ${formatMoney(doc.totals.gross)}, z terminem płatności ${formatDate(doc.dueDate)}.`
      : `W załączniku przesyłamy fakturę korygującą nr ${doc.number} do faktury nr ${doc.corrected.number}. ` +
        (doc.difference.gross > 0
          ? `Kwota do dopłaty: ${formatMoney(doc.difference.gross)}${doc.dueDate ? `, termin płatności ${formatDate(doc.dueDate)}` : ''}.`
          : doc.difference.gross < 0
            ? `Kwota do zwrotu lub zaliczenia na poczet kolejnych należności: ${formatMoney(-doc.difference.gross)}.`
            : 'Korekta nie zmienia kwoty do zapłaty.');
  const subject = `${doc.kind === 'invoice' ? 'Faktura' : 'Faktura korygująca'} ${doc.number}: ${a.utilityName}`;
  const paragraphs = [
    'Szanowni Państwo,',
    what,
    'Faktura jest dostępna również w Internetowym Biurze Obsługi Klienta (e-BOK), razem z plikiem XML i wcześniejszymi fakturami:',
  ];
  const closing = [`Z poważaniem\n${a.utilityName}`, 'Ta wiadomość została wysłana automatycznie, prosimy na nią nie odpowiadać.'];
  const text = [...paragraphs, a.portalUrl, ...closing].join('\n\n');
  const html = [
    `<!doctype html><html lang="pl"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head><body style="font-family:sans-serif;line-height:1.5">`,
    ...paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`),
    `<p><a href="${escapeHtml(a.portalUrl)}">Faktury w e-BOK</a></p>`,
    `<p>Z poważaniem<br>${escapeHtml(a.utilityName)}</p>`,
    '<p style="color:#555;font-size:smaller">Ta wiadomość została wysłana automatycznie, prosimy na nią nie odpowiadać.</p>',
    '</body></html>',
  ].join('');
  return { subject, text, html };
}
