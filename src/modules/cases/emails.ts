/**
 * The e-mail a customer gets when staff answer a case, in formal,
 * ungendered Polish. The message says that an answer is waiting and links to
 * the case in e-BOK; the answer itself stays behind the sign-in (e-mail is
 * not a safe place for what a complaint may hold).
 */
import { escapeHtml } from '../notify/templates.ts';

export interface CaseReplyMail {
  template: 'case_reply';
  subject: string;
  text: string;
  html: string;
}

export function caseReplyMessage(a: { utilityName: string; caseNumber: string; subject: string; link: string; statusLabel: string | null }): CaseReplyMail {
  const subject = `Odpowiedź w sprawie ${a.caseNumber}`;
  const paragraphs = [
    'Dzień dobry,',
    `w sprawie ${a.caseNumber} („${a.subject}”) pojawiła się odpowiedź Biura Obsługi Klienta.`,
    ...(a.statusLabel ? [`Obecny status sprawy: ${a.statusLabel}.`] : []),
    'Treść odpowiedzi można przeczytać po zalogowaniu się do e-BOK. Tam również można na nią odpowiedzieć.',
  ];
  const footer = 'Ta wiadomość została wysłana automatycznie, prosimy na nią nie odpowiadać.';
  const text = [...paragraphs, `Sprawa w e-BOK:\n${a.link}`, `Z poważaniem\n${a.utilityName}`, footer].join('\n\n');
  const html = [
    `<!doctype html><html lang="pl"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head><body style="font-family:sans-serif;line-height:1.5">`,
    ...paragraphs.map((x) => `<p>${escapeHtml(x)}</p>`),
    `<p><a href="${escapeHtml(a.link)}">Sprawa ${escapeHtml(a.caseNumber)} w e-BOK</a></p>`,
    `<p>Z poważaniem<br>${escapeHtml(a.utilityName)}</p>`,
    `<p style="color:#555;font-size:smaller">${footer}</p>`,
    '</body></html>',
  ].join('');
  return { template: 'case_reply', subject, text, html };
}

/** Status names as the customer reads them in the e-mail. */
export const STATUS_PL: Record<string, string> = {
  new: 'nowa',
  in_progress: 'w toku',
  waiting_for_customer: 'oczekuje na odpowiedź klienta',
  resolved: 'załatwiona',
  rejected: 'odrzucona',
  closed: 'zamknięta',
};
