/**
 * The e-mail telling a customer how their data-change request was decided:
 * formal, ungendered Polish, plain text and simple HTML with the same words.
 */
import { escapeHtml, type EmailContent } from '../notify/templates.ts';

/** How a field is named to the customer (Polish, the portal's language). */
export const FIELD_NAMES_PL: Record<string, string> = {
  name: 'nazwa / imię i nazwisko',
  email: 'adres e-mail',
  phone: 'numer telefonu',
  address: 'adres',
  correspondence_address: 'adres do korespondencji',
};

export function decisionMessage(s: { utilityName: string }, a: { field: string; newValue: string; approved: boolean; reason: string | null; link: string }): EmailContent {
  const what = FIELD_NAMES_PL[a.field] ?? a.field;
  const subject = a.approved ? 'Zmiana danych została wprowadzona' : 'Wniosek o zmianę danych został odrzucony';
  const paragraphs = a.approved
    ? ['Dzień dobry,', `wniosek o zmianę danych (${what}) został rozpatrzony pozytywnie. Nowa wartość: ${a.newValue}.`]
    : ['Dzień dobry,', `wniosek o zmianę danych (${what}) na wartość „${a.newValue}” został odrzucony.`, `Powód: ${a.reason ?? ''}`];
  paragraphs.push('Szczegóły są widoczne w e-BOK, w zakładce Dane kontrahenta:');
  const text = [...paragraphs, a.link, `Z poważaniem\n${s.utilityName}`, 'Ta wiadomość została wysłana automatycznie, prosimy na nią nie odpowiadać.'].join('\n\n');
  const html = [
    `<!doctype html><html lang="pl"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head><body style="font-family:sans-serif;line-height:1.5">`,
    ...paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`),
    `<p><a href="${escapeHtml(a.link)}">Dane kontrahenta w e-BOK</a></p>`,
    `<p>Z poważaniem<br>${escapeHtml(s.utilityName)}</p>`,
    '<p style="color:#555;font-size:smaller">Ta wiadomość została wysłana automatycznie, prosimy na nią nie odpowiadać.</p></body></html>',
  ].join('');
  return { template: a.approved ? 'change_request_approved' : 'change_request_rejected', subject, text, html };
}
