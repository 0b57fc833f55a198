/**
 * The texts of the e-mails identity sends, in Polish (the portal's
 * language), each as plain text and as simple HTML with the same content.
 * Every value that came from a person is escaped in the HTML part.
 */
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
    'Potwierdź adres e-mail w e-BOK',
    [
      'Dzień dobry,',
      `dziękujemy za rejestrację w Internetowym Biurze Obsługi Klienta (e-BOK) przedsiębiorstwa ${s.utilityName}. Aby dokończyć zakładanie konta, potwierdź swój adres e-mail.`,
      { label: 'Potwierdź adres e-mail', link: a.link },
      `Łącze jest ważne przez ${a.hours} godz. Jeśli to nie Ty zakładałeś konto, zignoruj tę wiadomość.`,
    ],
    s,
  );
}

export function passwordResetMessage(s: Sender, a: { link: string; minutes: number }): EmailContent {
  return render(
    'password_reset',
    'Ustawienie nowego hasła do e-BOK',
    [
      'Dzień dobry,',
      'otrzymaliśmy prośbę o ustawienie nowego hasła do Twojego konta. Aby ustawić nowe hasło, otwórz poniższe łącze.',
      { label: 'Ustaw nowe hasło', link: a.link },
      `Łącze jest ważne przez ${a.minutes} minut i można go użyć tylko raz. Po zmianie hasła wszystkie otwarte sesje zostaną zakończone. Jeśli to nie Ty prosiłeś o zmianę, zignoruj tę wiadomość: dotychczasowe hasło pozostaje ważne.`,
    ],
    s,
  );
}

export function accountCreatedMessage(s: Sender, a: { loginUrl: string; email: string; staff: boolean }): EmailContent {
  return render(
    'account_created',
    a.staff ? 'Założono dla Ciebie konto pracownika' : 'Założono dla Ciebie konto w e-BOK',
    [
      'Dzień dobry,',
      a.staff
        ? `administrator przedsiębiorstwa ${s.utilityName} założył dla Ciebie konto pracownika. Login: ${a.email}.`
        : `pracownik Biura Obsługi Klienta przedsiębiorstwa ${s.utilityName} założył dla Ciebie konto w e-BOK. Login: ${a.email}.`,
      'Hasło tymczasowe przekaże Ci osoba, która założyła konto. Przy pierwszym logowaniu ustawisz własne hasło.',
      { label: 'Zaloguj się', link: a.loginUrl },
    ],
    s,
  );
}
