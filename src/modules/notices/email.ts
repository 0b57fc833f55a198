/**
 * The e-mail a published notice sends to each affected customer: formal,
 * impersonal Polish, plain text and the same as simple HTML.
 */
import { formatDateTime } from '../../lib/polish-format.ts';
import { escapeHtml } from '../notify/templates.ts';

export const KIND_PL: Record<string, string> = {
  outage: 'Awaria',
  planned_interruption: 'Planowana przerwa w dostawie wody',
  works: 'Prace na sieci',
  info: 'Informacja',
};

export function noticeEmail(a: {
  utilityName: string;
  portalUrl: string;
  kind: string;
  title: string;
  body: string;
  startsAt: Date;
  endsAt: Date | null;
  addresses: string[];
}): { subject: string; text: string; html: string } {
  const subject = `${KIND_PL[a.kind] ?? 'Komunikat'}: ${a.title}`;
  const when = a.endsAt
    ? `Od ${formatDateTime(a.startsAt)} do ${formatDateTime(a.endsAt)}.`
    : `Od ${formatDateTime(a.startsAt)} do odwołania.`;
  const where = `Komunikat dotyczy punktu poboru wody pod adresem: ${a.addresses.join('; ')}.`;
  const more = `Aktualne komunikaty są dostępne w e-BOK oraz bez logowania na stronie ${a.portalUrl}/notices`;
  const paragraphs = ['Dzień dobry,', `uprzejmie informujemy: ${a.title}.`, when, where, a.body, more];
  const footer = ['Z poważaniem', a.utilityName];
  const auto = 'Ta wiadomość została wysłana automatycznie, prosimy na nią nie odpowiadać.';
  const text = [...paragraphs, footer.join('\n'), auto].join('\n\n');
  const html = [
    `<!doctype html><html lang="pl"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head><body style="font-family:sans-serif;line-height:1.5">`,
    ...paragraphs.map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`),
    `<p>${footer.map(escapeHtml).join('<br>')}</p>`,
    `<p style="color:#555;font-size:smaller">${escapeHtml(auto)}</p></body></html>`,
  ].join('');
  return { subject, text, html };
}
