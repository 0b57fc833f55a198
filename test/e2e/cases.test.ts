/**
 * Cases in a real browser: a customer files a complaint about an invoice
 * (the form first refuses what the server would, in the same words, and a
 * photo over the limit before it is sent), a clerk finds it in the inbox,
 * takes it and opens it with the keyboard shortcuts, adds an internal note
 * and answers; the customer sees the answer (not the note) on the case page
 * and the Pulpit, and the e-mail about it is in the outbox. Every page is
 * checked with axe and photographed at 1280 and 360 px.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { TEST_PASSWORD, buildContract, buildCustomer, buildServicePoint, buildUser, buildUtility } from '../support/factories.ts';
import { chromiumMissing, launchBrowser, screenshot, seriousViolations, startE2eServer, type E2eServer } from './support.ts';

let server: E2eServer;
let browser: Browser;
let slug = '';
const contexts: BrowserContext[] = [];
const noChromium = chromiumMissing();

const data = {
  customerName: 'Krystyna Wróblewska',
  customerEmail: 'krystyna.wroblewska@example.com',
  clerkEmail: 'bok@sprawy-e2e.example',
  invoiceNumber: 'FV/2026/11/000042',
  subject: 'Zawyżone zużycie na fakturze',
  reply: 'Reklamacja została uwzględniona. Korekta faktury zostanie wystawiona w ciągu 7 dni.',
  note: 'Sprawdzić odczyt inkasenta z października',
};

beforeAll(async () => {
  if (noChromium) return;
  [server, browser] = await Promise.all([startE2eServer(), launchBrowser()]);
  const db = server.database;
  const u = await buildUtility(db, { name: 'Wodociągi Sprawne Sp. z o.o.', short_name: 'WS Sprawne' });
  slug = u.slug;
  const c = await buildCustomer(db, u.id, { name: data.customerName, first_name: 'Krystyna', last_name: 'Wróblewska', email: data.customerEmail });
  const sp = await buildServicePoint(db, u.id, { street: 'ul. Kasztanowa', building: '12' });
  await buildContract(db, u.id, c.id, sp.id);
  await db.db
    .insertInto('invoices')
    .values({ utility_id: u.id, invoice_number: data.invoiceNumber, kind: 'invoice', customer_id: c.id, issue_date: '2026-11-10', due_date: '2026-11-24', net_grosze: 21450, vat_grosze: 1716, gross_grosze: 23166 })
    .execute();
  // An older message from another customer: the inbox has two rows to move between.
  const other = await buildCustomer(db, u.id, { name: 'Zdzisław Nowacki' });
  await db.db
    .insertInto('cases')
    .values({ utility_id: u.id, case_number: 'SPR/2026/900001', customer_id: other.id, kind: 'message', subject: 'Pytanie o taryfę', created_at: new Date(Date.now() - 86_400_000) })
    .execute();
  await buildUser(db, u.id, { kind: 'customer', email: data.customerEmail, customerIds: [c.id] });
  const clerk = await buildUser(db, u.id, { kind: 'staff', email: data.clerkEmail, roles: ['customer_service'] });
  await db.db.updateTable('users').set({ name: 'Marek Urzędowski' }).where('id', '=', clerk.id).execute();
}, 120_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await server?.close();
});

async function newPage(): Promise<Page> {
  const ctx = await browser.newContext({ baseURL: server.origin, viewport: { width: 1280, height: 800 } });
  contexts.push(ctx);
  return ctx.newPage();
}

const at = (p: string) => `/t/${slug}${p}`;

async function seeText(loc: Locator, text: string) {
  await loc.filter({ hasText: text }).first().waitFor({ timeout: 10_000 });
}

/** Waits for the heading, checks axe at both widths and photographs the page at 1280 and 360 px. */
async function arrive(page: Page, heading: string | RegExp, shot: string) {
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  await page.waitForLoadState('networkidle');
  expect(await seriousViolations(page), `axe on ${shot}`).toEqual([]);
  await screenshot(page, `cases-${shot}-1280`);
  await page.setViewportSize({ width: 360, height: 760 });
  expect(await seriousViolations(page), `axe on ${shot} at 360 px`).toEqual([]);
  // Nothing is cut off or scrolls sideways on a small phone.
  expect(await page.evaluate<number>('document.documentElement.scrollWidth'), `${shot} at 360 px`).toBeLessThanOrEqual(360);
  await screenshot(page, `cases-${shot}-360`);
  await page.setViewportSize({ width: 1280, height: 800 });
}

async function logIn(page: Page, email: string) {
  await page.getByLabel('Adres e-mail').fill(email);
  await page.getByLabel('Hasło', { exact: true }).fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Zaloguj się' }).click();
}

describe.skipIf(noChromium)('cases in the browser', () => {
  it('a customer files a complaint, a clerk answers it in the inbox, the customer sees the answer and gets an e-mail', async () => {
    // --- The customer files a complaint about an invoice.
    const customer = await newPage();
    await customer.goto(at('/portal'));
    await logIn(customer, data.customerEmail);
    await customer.getByRole('heading', { level: 1, name: 'Pulpit' }).waitFor();
    await seeText(customer.locator('main'), 'Brak otwartych spraw.');
    await customer.getByRole('navigation', { name: 'Menu główne' }).getByRole('link', { name: 'Sprawy' }).click();
    await arrive(customer, 'Sprawy', 'customer-list-empty');
    await seeText(customer.locator('main'), 'Nie ma jeszcze żadnych spraw.');
    await customer.getByRole('link', { name: 'Nowa sprawa' }).click();
    await customer.getByRole('heading', { level: 1, name: 'Nowa sprawa' }).waitFor();

    // An empty form is refused here, in the server's own words, and focus goes to the first field at fault.
    await customer.getByRole('button', { name: 'Wyślij' }).click();
    await seeText(customer.locator('main'), 'Prosimy podać temat sprawy.');
    await seeText(customer.locator('main'), 'Prosimy wpisać treść.');
    expect(await customer.getByLabel('Temat').evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
    // A photo over the limit is refused before anything is sent.
    await customer.getByLabel('Zdjęcie (nieobowiązkowo)').setInputFiles({ name: 'duze.jpg', mimeType: 'image/jpeg', buffer: Buffer.alloc(11 * 1024 * 1024, 1) });
    await seeText(customer.locator('main'), 'Zdjęcie może mieć najwyżej 10 MB. Prosimy wybrać mniejszy plik.');
    await arrive(customer, 'Nowa sprawa', 'customer-new-errors');

    const invoice = customer.getByLabel('Numer faktury (nieobowiązkowo)');
    await invoice.selectOption({ index: 1 });
    expect((await invoice.locator('option:checked').innerText()).replace(/\s/g, ' ')).toBe(`${data.invoiceNumber}, 10.11.2026, 231,66 zł`);
    await customer.getByLabel('Temat').fill(data.subject);
    await customer.getByLabel('Opis').fill('Zużycie za październik jest trzy razy wyższe niż zwykle, a instalacja jest szczelna.');
    await customer.getByLabel('Zdjęcie (nieobowiązkowo)').setInputFiles({ name: 'licznik.png', mimeType: 'image/png', buffer: Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 7)]) });
    await customer.getByRole('button', { name: 'Wyślij' }).click();
    await customer.getByRole('heading', { level: 1, name: /^Sprawy: SPR\/\d{4}\/000001$/ }).waitFor();
    await seeText(customer.getByRole('status'), 'została przyjęta');
    await seeText(customer.locator('main'), data.invoiceNumber);
    await seeText(customer.locator('main'), 'Załącznik: licznik.png');
    const caseUrl = customer.url().replace(/\?.*$/, '');

    // --- The clerk works the inbox with the keyboard.
    const clerk = await newPage();
    await clerk.goto(at('/login'));
    await logIn(clerk, data.clerkEmail);
    await clerk.getByRole('heading', { level: 1, name: 'Podsumowanie' }).waitFor();
    await clerk.getByRole('navigation', { name: 'Menu główne' }).getByRole('link', { name: 'Skrzynka spraw' }).click();
    await clerk.getByRole('heading', { level: 1, name: 'Skrzynka spraw' }).waitFor();
    const row = clerk.locator('main table tbody tr').first();
    await seeText(row, data.subject);
    await seeText(row, data.customerName);
    await seeText(clerk.locator('main'), 'Skróty klawiaturowe');
    await arrive(clerk, 'Skrzynka spraw', 'staff-inbox');
    // A letter typed in a field is text, not a shortcut.
    await clerk.getByRole('searchbox', { name: 'Numer sprawy' }).press('a');
    await clerk.waitForTimeout(300);
    expect(await clerk.getByRole('status').filter({ hasText: 'przydzielona' }).count()).toBe(0);
    await clerk.getByRole('searchbox', { name: 'Numer sprawy' }).fill('');
    await clerk.locator('main h1').click();
    const rows = clerk.locator('main table tbody tr');
    expect(await rows.nth(0).getAttribute('aria-current')).toBe('true');
    await clerk.keyboard.press('j');
    expect(await rows.nth(1).getAttribute('aria-current')).toBe('true');
    await seeText(rows.nth(1), 'Pytanie o taryfę');
    await clerk.keyboard.press('k');
    expect(await rows.nth(0).getAttribute('aria-current')).toBe('true');
    await clerk.keyboard.press('a');
    await seeText(clerk.locator('main'), 'została przydzielona: Marek Urzędowski');
    await seeText(row, 'Marek Urzędowski');
    await clerk.keyboard.press('o');
    await clerk.getByRole('heading', { level: 1, name: /^Sprawy: SPR\/\d{4}\/000001$/ }).waitFor();
    await seeText(clerk.locator('main'), 'Zawyżone zużycie na fakturze');

    await clerk.getByLabel('Treść odpowiedzi').fill(data.note);
    await clerk.getByLabel('Notatka wewnętrzna (klient jej nie zobaczy, bez e-maila)').check();
    await clerk.getByRole('button', { name: 'Zapisz notatkę' }).click();
    await seeText(clerk.getByRole('status'), 'Notatka została zapisana.');
    await clerk.getByLabel('Notatka wewnętrzna (klient jej nie zobaczy, bez e-maila)').uncheck();
    await clerk.getByLabel('Treść odpowiedzi').fill(data.reply);
    await clerk.getByLabel('Zmień status na').selectOption({ label: 'oczekuje na odpowiedź klienta' });
    await clerk.getByRole('button', { name: 'Wyślij odpowiedź' }).click();
    await seeText(clerk.getByRole('status'), 'Odpowiedź została wysłana.');
    await seeText(clerk.locator('.thread'), data.reply);
    await seeText(clerk.locator('.thread'), data.note);
    await arrive(clerk, /^Sprawy: SPR/, 'staff-case');

    // --- The customer sees the answer, never the note.
    await customer.goto(caseUrl);
    await customer.getByRole('heading', { level: 1, name: /^Sprawy: SPR/ }).waitFor();
    await seeText(customer.locator('.thread'), data.reply);
    await seeText(customer.locator('main'), 'oczekuje na odpowiedź klienta');
    expect(await customer.locator('main').innerText()).not.toContain(data.note);
    expect(await customer.locator('main').innerText()).not.toContain('Marek Urzędowski');
    await arrive(customer, /^Sprawy: SPR/, 'customer-case');
    await customer.getByLabel('Treść odpowiedzi').fill('Dziękuję, czekam na korektę.');
    await customer.getByRole('button', { name: 'Wyślij odpowiedź' }).click();
    await seeText(customer.getByRole('status'), 'Odpowiedź została dodana do sprawy.');
    await seeText(customer.locator('main'), 'w toku');

    await customer.getByRole('navigation', { name: 'Menu główne' }).getByRole('link', { name: 'Pulpit' }).click();
    await customer.getByRole('heading', { level: 1, name: 'Pulpit' }).waitFor();
    await seeText(customer.locator('main'), 'Otwarte sprawy');
    await seeText(customer.locator('main'), data.reply);
    await arrive(customer, 'Pulpit', 'customer-dashboard');
    await customer.getByRole('navigation', { name: 'Menu główne' }).getByRole('link', { name: 'Sprawy' }).click();
    await customer.locator('main table tbody tr').first().waitFor();
    await arrive(customer, 'Sprawy', 'customer-list');

    // --- The e-mail about the answer is in the outbox.
    const mails = await server.database.db.selectFrom('email_outbox').selectAll().where('template', '=', 'case_reply').execute();
    expect(mails).toHaveLength(1);
    expect(mails[0].to_address).toBe(data.customerEmail);
    expect(mails[0].subject).toMatch(/^Odpowiedź w sprawie SPR\/\d{4}\/000001$/);
    expect(mails[0].text_body).toContain(caseUrl.replace(server.origin, ''));
  }, 180_000);
});
