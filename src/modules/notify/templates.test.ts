import { describe, expect, it } from 'vitest';
import { accountCreatedMessage, passwordResetMessage, verifyEmailMessage } from './templates.ts';
import { backoffSeconds } from './worker.ts';

describe('e-mail templates', () => {
  const sender = { utilityName: 'PWiK „Wodnik” <Sp. z o.o.>' };

  it('write Polish text and the same content as HTML, escaping what came from people', () => {
    const m = verifyEmailMessage(sender, { link: 'https://ebok.example/t/a/verify-email?token=x&y=1', hours: 48 });
    expect(m.text).toContain('Potwierdzenie adresu e-mail:\nhttps://ebok.example/t/a/verify-email?token=x&y=1');
    expect(m.text).toContain('PWiK „Wodnik” <Sp. z o.o.>');
    expect(m.text).toContain('ważne przez 48 godzin');
    expect(m.html).toContain('<a href="https://ebok.example/t/a/verify-email?token=x&amp;y=1">Potwierdzenie adresu e-mail</a>');
    expect(m.html).toContain('PWiK „Wodnik” &lt;Sp. z o.o.&gt;');
    expect(m.html).not.toContain('<Sp.');
    expect(m.html).toMatch(/^<!doctype html><html lang="pl">/);
  });

  it('say who created an account and never carry a password', () => {
    const staff = accountCreatedMessage(sender, { loginUrl: 'https://e/login', email: 'a@b.pl', staff: true });
    const portal = accountCreatedMessage(sender, { loginUrl: 'https://e/login', email: 'a@b.pl', staff: false });
    expect(staff.subject).toBe('Konto pracownika zostało założone');
    expect(portal.subject).toBe('Konto w e-BOK zostało założone');
    expect(portal.text).toContain('Przy pierwszym logowaniu należy ustawić własne hasło');
    expect(passwordResetMessage(sender, { link: 'https://e/r', minutes: 60 }).template).toBe('password_reset');
  });
});

describe('outbox back-off', () => {
  it('doubles from 30 seconds up to an hour', () => {
    expect([1, 2, 3, 4].map(backoffSeconds)).toEqual([30, 60, 120, 240]);
    expect(backoffSeconds(20)).toBe(3600);
  });
});
