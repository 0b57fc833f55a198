/**
 * Notices, forms and terms in a real browser: a clerk writes a notice for
 * one street, previews whom it concerns and publishes it; the customer on
 * that street sees it first on the Pulpit, one on another street does not;
 * the public page shows it without signing in; the public forms page lists
 * the demo forms; an administrator publishes new terms and the customer
 * accepts them at the next sign-in before anything else. Every page is
 * checked with axe and photographed at 1280 and 360 px.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { TEST_PASSWORD, buildContract, buildCustomer, buildServicePoint, buildUser, buildUtility } from '../support/factories.ts';
import { insertDemoForms } from '../../src/modules/documents/demo-forms.ts';
import { chromiumMissing, launchBrowser, screenshot, seriousViolations, startE2eServer, type E2eServer } from './support.ts';

let server: E2eServer;
let browser: Browser;
let slug: string;
const contexts: BrowserContext[] = [];
const noChromium = chromiumMissing();
const TITLE = 'Awaria wodociągu – ul. Lipowa';

beforeAll(async () => {
  if (noChromium) return;
  [server, browser] = await Promise.all([startE2eServer(), launchBrowser()]);
  const db = server.database;
  const u = await buildUtility(db, { name: 'Zakład Wodociągów w Lipnie Sp. z o.o.', short_name: 'ZW Lipno', city: 'Wodnikowo' });
  slug = u.slug;
  await db.db
    .insertInto('terms_versions')
    .values({ utility_id: u.id, kind: 'portal', version: '2026-01', title: 'Regulamin e-BOK', body: 'Pierwsza wersja regulaminu.', published_at: new Date(Date.now() - 60 * 86_400_000) })
    .execute();
  const mk = async (name: string, street: string, building: string, email: string) => {
    const c = await buildCustomer(db, u.id, { name, email });
    const sp = await buildServicePoint(db, u.id, { street, building, locality: 'Wodnikowo' });
    await buildContract(db, u.id, c.id, sp.id);
    await buildUser(db, u.id, { kind: 'customer', email, customerIds: [c.id] });
  };
  await mk('Irena Lipowska', 'ul. Lipowa', '12A', 'irena.lipowska@example.com');
  await mk('Karol Klonowski', 'ul. Klonowa', '3', 'karol.klonowski@example.com');
  await buildUser(db, u.id, { kind: 'staff', email: 'bok@lipno.example', roles: ['customer_service'] });
  await buildUser(db, u.id, { kind: 'staff', email: 'admin@lipno.example', roles: ['admin'] });
  await insertDemoForms(db.db, u.id, { name: u.name, street: u.street, postalCode: u.postal_code, city: u.city }, new Date());
}, 180_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await server?.close();
});

const at = (p: string) => `/t/${slug}${p}`;

async function newPage(): Promise<Page> {
  const ctx = await browser.newContext({ baseURL: server.origin, viewport: { width: 1280, height: 800 } });
  contexts.push(ctx);
  return ctx.newPage();
}

async function seeText(loc: Locator, text: string) {
  await loc.filter({ hasText: text }).first().waitFor({ timeout: 10_000 });
}

/** Waits for the heading, runs axe and photographs the page at 1280 and at 360 px (axe at both). */
async function arrive(page: Page, heading: string | RegExp, shot: string) {
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  await page.waitForLoadState('networkidle');
  expect(await seriousViolations(page), `axe on ${shot} at 1280`).toEqual([]);
  await screenshot(page, `${shot}-1280`);
  await page.setViewportSize({ width: 360, height: 740 });
  expect(await seriousViolations(page), `axe on ${shot} at 360`).toEqual([]);
  await screenshot(page, `${shot}-360`);
  await page.setViewportSize({ width: 1280, height: 800 });
}

async function logIn(page: Page, email: string) {
  await page.goto(at('/login'));
  await page.getByLabel('Adres e-mail').fill(email);
  await page.getByLabel('Hasło', { exact: true }).fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Zaloguj się' }).click();
}

describe.skipIf(noChromium)('notices, forms and terms', () => {
  it('a clerk publishes a notice for one street; only its customer sees it on the Pulpit; the public sees it too', async () => {
    const clerk = await newPage();
    await logIn(clerk, 'bok@lipno.example');
    await clerk.getByRole('navigation').getByRole('link', { name: 'Komunikaty' }).click();
    await clerk.getByRole('heading', { level: 1, name: 'Komunikaty' }).waitFor();
    await clerk.getByRole('link', { name: 'Nowy komunikat' }).click();
    await clerk.getByRole('heading', { level: 1, name: 'Nowy komunikat' }).waitFor();
    // An empty area is refused at once, before anything is sent.
    await clerk.getByLabel('Tytuł', { exact: true }).fill(TITLE);
    await clerk.getByRole('button', { name: 'Zapisz szkic' }).click();
    await seeText(clerk.locator('.error-text'), 'Prosimy wskazać obszar komunikatu');
    await clerk.getByLabel('Treść', { exact: true }).fill('Beczkowóz z wodą pitną stoi przy skrzyżowaniu z ul. Klonową.');
    await clerk.getByLabel('Miejscowość', { exact: true }).fill('Wodnikowo');
    await clerk.getByLabel('Ulica (puste: cała miejscowość)').fill('Lipowa');
    await clerk.getByLabel('Numer od').fill('10');
    await clerk.getByLabel('Numer do').fill('20');
    await clerk.getByRole('button', { name: 'Pokaż, kogo dotyczy' }).click();
    await seeText(clerk.locator('main'), 'Irena Lipowska');
    expect(await clerk.locator('main').textContent()).not.toContain('Karol Klonowski');
    await arrive(clerk, 'Nowy komunikat', 'notices-staff-new');
    await clerk.getByRole('button', { name: 'Zapisz szkic' }).click();
    await clerk.getByRole('heading', { level: 1, name: TITLE }).waitFor();
    await clerk.getByRole('button', { name: 'Opublikuj i wyślij e-mail do 1 klienta' }).click();
    await seeText(clerk.locator('main [role=status]'), 'Wysłane e-maile: 1');
    await arrive(clerk, TITLE, 'notices-staff-detail');
    await clerk.getByRole('link', { name: 'Wróć do listy komunikatów' }).click();
    await arrive(clerk, 'Komunikaty', 'notices-staff-list');
    await seeText(clerk.locator('main table'), 'wysłane: 1');

    const affected = await newPage();
    await logIn(affected, 'irena.lipowska@example.com');
    await affected.getByRole('heading', { level: 1, name: 'Pulpit' }).waitFor();
    const panel = affected.getByRole('region', { name: 'Komunikaty' });
    await panel.getByRole('heading', { name: TITLE }).waitFor();
    await seeText(panel, 'Dotyczy adresu: ul. Lipowa 12A, Wodnikowo');
    await arrive(affected, 'Pulpit', 'notices-pulpit-affected');

    const other = await newPage();
    await logIn(other, 'karol.klonowski@example.com');
    await other.getByRole('heading', { level: 1, name: 'Pulpit' }).waitFor();
    await seeText(other.locator('main'), 'Karol Klonowski');
    await other.waitForLoadState('networkidle');
    expect(await other.locator('main').textContent()).not.toContain(TITLE);
    // The customer's menu leads to the public notices, where it is listed for everyone.
    await other.getByRole('navigation').getByRole('link', { name: 'Komunikaty' }).click();
    await other.getByRole('heading', { level: 1, name: /Komunikaty o awariach/ }).waitFor();
    await seeText(other.locator('main'), TITLE);

    const guest = await newPage();
    await guest.goto(at('/login'));
    await guest.getByRole('link', { name: 'Komunikaty' }).click();
    await guest.getByRole('heading', { level: 1, name: /Komunikaty o awariach/ }).waitFor();
    await seeText(guest.locator('main'), TITLE);
    await arrive(guest, /Komunikaty o awariach/, 'notices-public');
    await guest.getByLabel('Miejscowość', { exact: true }).selectOption('Wodnikowo');
    await guest.getByLabel('Ulica', { exact: true }).selectOption('Lipowa');
    await seeText(guest.locator('main [role=status]'), '1 komunikat');
    await guest.goto(at('/forms'));
    await guest.getByRole('link', { name: 'AKCEPTACJA PRZESYŁANIA I UDOSTĘPNIANIA E-FAKTUR' }).waitFor();
    await arrive(guest, 'Formularze do pobrania', 'notices-public-forms');
    const href = await guest.getByRole('link', { name: 'AKCEPTACJA PRZESYŁANIA I UDOSTĘPNIANIA E-FAKTUR' }).getAttribute('href');
    const pdf = await guest.request.get(`${server.origin}${href}`);
    expect(pdf.status()).toBe(200);
    expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');
  }, 180_000); // four people's walk with axe at two widths on five pages: longer than one page's test

  it('an administrator publishes new terms; the customer accepts them at the next sign-in before anything else', async () => {
    const admin = await newPage();
    await logIn(admin, 'admin@lipno.example');
    await admin.getByRole('navigation').getByRole('link', { name: 'Regulaminy' }).click();
    await admin.getByRole('heading', { level: 1, name: 'Regulaminy' }).waitFor();
    await admin.getByLabel('Wersja', { exact: true }).fill('2026-12');
    await admin.getByLabel('Tytuł', { exact: true }).fill('Regulamin e-BOK (grudzień 2026)');
    await admin.getByLabel('Treść regulaminu').fill('§ 1. Nowe postanowienia ogólne.\n\n§ 2. Komunikaty o awariach są publikowane w e-BOK.');
    await admin.getByRole('button', { name: 'Opublikuj nową wersję' }).click();
    await seeText(admin.locator('main [role=status]'), 'Opublikowano wersję 2026-12');
    await arrive(admin, 'Regulaminy', 'notices-staff-terms');
    // The staff's forms page: the demo forms, each with withdraw, and the upload form.
    await admin.getByRole('navigation').getByRole('link', { name: 'Formularze' }).click();
    await admin.getByRole('button', { name: 'Wycofaj: AKCEPTACJA PRZESYŁANIA I UDOSTĘPNIANIA E-FAKTUR' }).waitFor();
    await arrive(admin, 'Formularze do pobrania', 'notices-staff-forms');

    const customer = await newPage();
    await customer.goto(at('/portal'));
    await customer.getByLabel('Adres e-mail').fill('irena.lipowska@example.com');
    await customer.getByLabel('Hasło', { exact: true }).fill(TEST_PASSWORD);
    await customer.getByRole('button', { name: 'Zaloguj się' }).click();
    await customer.getByRole('heading', { level: 1, name: 'Nowa wersja regulaminu e-BOK' }).waitFor();
    await seeText(customer.locator('main'), 'Nowe postanowienia ogólne');
    await arrive(customer, 'Nowa wersja regulaminu e-BOK', 'notices-accept-terms');
    // Another page is not reachable first.
    await customer.goto(at('/portal'));
    await customer.getByRole('heading', { level: 1, name: 'Nowa wersja regulaminu e-BOK' }).waitFor();
    await customer.getByRole('button', { name: 'Akceptuję regulamin' }).click();
    await seeText(customer.locator('.error-text'), 'prosimy zaakceptować regulamin');
    await customer.getByLabel('Akceptuję regulamin e-BOK w brzmieniu przedstawionym powyżej').check();
    await customer.getByRole('button', { name: 'Akceptuję regulamin' }).click();
    await customer.getByRole('heading', { level: 1, name: 'Pulpit' }).waitFor();
    const rows = await server.database.db.selectFrom('terms_acceptances').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.user_agent).toMatch(/Chrome/);
    expect(rows[0]!.ip).toBe('127.0.0.1');
  });
});
