/**
 * The texts of the e-mails identity sends, in Polish (the portal's
 * language), each as plain text and as simple HTML with the same content.
 * Every value that came from a person is escaped in the HTML part.
 */
import { plural } from '../../lib/polish-format.ts';

export interface EmailContent {
  template: string;
  subject: string;
  text: string;
  html: string;
}

export interface Sender {
  /** The utility's full name: it signs every message. */
  utilityName: string;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function render(template: string, subject: string, paragraphs: Array<string | { link: string; label: string }>, s: Sender): EmailContent {
  const text = [
    ...paragraphs.map((p) => (typeof p === 'string' ? p : `${p.label}:\n${p.link}`)),
    `Z poważaniem\n${s.utilityName}`,
    'Ta wiadomość została wysłana automatycznie, prosimy na nią nie odpowiadać.',
  ].join('\n\n');
  const html = [
    '<!doctype html><html lang="pl"><head><meta charset="utf-8"><title>',
    escapeHtml(subject),
    '</title></head><body style="font-family:sans-serif;line-height:1.5">',
    ...paragraphs.map((p) =>
      typeof p === 'string'
        ? `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`
        : `<p><a href="${escapeHtml(p.link)}">${escapeHtml(p.label)}</a></p>`,
    ),
    `<p>Z poważaniem<br>${escapeHtml(s.utilityName)}</p>`,
    '<p style="color:#555;font-size:smaller">Ta wiadomość została wysłana automatycznie, prosimy na nią nie odpowiadać.</p>',
    '</body></html>',
  ].join('');
  return { template, subject, text, html };
}

export function verifyEmailMessage(s: Sender, a: { link: string; hours: number }): EmailContent {
  return render(
    'verify_email',
    'Potwierdzenie adresu e-mail w e-BOK',
    [
      'Szanowni Państwo,',
      `dziękujemy za rejestrację w Internetowym Biurze Obsługi Klienta (e-BOK) przedsiębiorstwa ${s.utilityName}. Aby dokończyć zakładanie konta, prosimy potwierdzić adres e-mail.`,
      { label: 'Potwierdzenie adresu e-mail', link: a.link },
      `Łącze jest ważne przez ${plural(a.hours, { one: 'godzinę', few: 'godziny', many: 'godzin' })}. Jeśli konto zostało założone bez Państwa wiedzy, prosimy zignorować tę wiadomość.`,
    ],
    s,
  );
}

export function passwordResetMessage(s: Sender, a: { link: string; minutes: number }): EmailContent {
  return render(
    'password_reset',
    'Ustawienie nowego hasła do e-BOK',
    [
      'Szanowni Państwo,',
      'otrzymaliśmy prośbę o ustawienie nowego hasła do Państwa konta. Nowe hasło można ustawić, otwierając poniższe łącze.',
      { label: 'Ustawienie nowego hasła', link: a.link },
      `Łącze jest ważne przez ${plural(a.minutes, { one: 'minutę', few: 'minuty', many: 'minut' })} i można go użyć tylko raz. Po zmianie hasła wszystkie otwarte sesje zostaną zakończone. Jeśli to nie Państwo prosili o zmianę, prosimy zignorować tę wiadomość: dotychczasowe hasło pozostaje ważne.`,
    ],
    s,
  );
}

export function accountCreatedMessage(s: Sender, a: { loginUrl: string; email: string; staff: boolean }): EmailContent {
  return render(
    'account_created',
    a.staff ? 'Konto pracownika zostało założone' : 'Konto w e-BOK zostało założone',
    [
      'Szanowni Państwo,',
      a.staff
        ? `w systemie przedsiębiorstwa ${s.utilityName} zostało założone konto pracownika. Login: ${a.email}.`
        : `Biuro Obsługi Klienta przedsiębiorstwa ${s.utilityName} założyło dla Państwa konto w e-BOK. Login: ${a.email}.`,
      'Hasło tymczasowe przekaże osoba, która założyła konto. Przy pierwszym logowaniu należy ustawić własne hasło.',
      { label: 'Logowanie', link: a.loginUrl },
    ],
    s,
  );
}
