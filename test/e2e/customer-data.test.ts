/**
 * Customer data in a real browser (issue 13, items 1, 2 and 8): a customer
 * acting for two customers switches between them, asks for a change of the
 * phone number (a bad number is refused by the form first), downloads the
 * personal data as PDF; a clerk approves the request in the queue; the
 * customer sees the new number and the decision; the clerk locks the portal
 * account in the customer view (the customer's session ends) and unlocks it.
 * Each page is checked with axe and photographed at 1280 and 360 px.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { TEST_PASSWORD, buildCustomer, buildUser, buildUtility } from '../support/factories.ts';
import { chromiumMissing, launchBrowser, screenshot, seriousViolations, startE2eServer, type E2eServer } from './support.ts';

let server: E2eServer;
let browser: Browser;
let slug = '';
const contexts: BrowserContext[] = [];
const noChromium = chromiumMissing();
const data = { customerEmail: 'wanda.lesniewska@example.com', clerkEmail: 'bok@zw-e2e.example', ownerId: 0, name: 'Wanda Leśniewska', community: 'Wspólnota Mieszkaniowa Źródlana 3' };

beforeAll(async () => {
  if (noChromium) return;
  [server, browser] = await Promise.all([startE2eServer(), launchBrowser()]);
  const db = server.database;
  const u = await buildUtility(db, { name: 'Wodociągi Łódzkie Wschód Sp. z o.o.', short_name: 'WŁW' });
  slug = u.slug;
  const a = await buildCustomer(db, u.id, { name: data.name, phone: '601 222 333', pesel: '72030412345', payment_account: '61109010140000071219812874' });
  const b = await buildCustomer(db, u.id, { kind: 'housing_community', name: data.community, first_name: null, last_name: null });
  data.ownerId = a.id;
  await buildUser(db, u.id, { kind: 'customer', email: data.customerEmail, customerIds: [a.id, b.id] });
  await buildUser(db, u.id, { kind: 'staff', email: data.clerkEmail, roles: ['customer_service'] });
}, 120_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await server?.close();
});

async function newPage(width = 1280): Promise<Page> {
  const ctx = await browser.newContext({ baseURL: server.origin, viewport: { width, height: width < 400 ? 740 : 800 }, acceptDownloads: true });
  contexts.push(ctx);
  return ctx.newPage();
}
const at = (p: string) => `/t/${slug}${p}`;
const seeText = (loc: Locator, text: string) => loc.filter({ hasText: text }).first().waitFor({ timeout: 10_000 });

async function arrive(page: Page, heading: string | RegExp, shot: string, opts: { axe?: boolean } = {}) {
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  await page.waitForLoadState('networkidle');
  if (opts.axe !== false) expect(await seriousViolations(page), `axe on ${shot}`).toEqual([]);
  await screenshot(page, shot);
}

async function logIn(page: Page, email: string, next: string) {
  await page.goto(at(`/login?next=${encodeURIComponent(next)}`));
  await page.getByLabel('Adres e-mail').fill(email);
  await page.getByLabel('Hasło', { exact: true }).fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Zaloguj się' }).click();
}

describe.skipIf(noChromium)('customer data in the browser', () => {
  it('a change request approved by a clerk, the GDPR download, a clerk locking and unlocking the account', async () => {
    // The customer: the account page of the first customer, then the switch to the other and back.
    const customer = await newPage();
    await logIn(customer, data.customerEmail, '/portal');
    await customer.getByRole('heading', { level: 1, name: 'Pulpit' }).waitFor();
    await customer.getByRole('navigation', { name: 'Menu główne' }).getByRole('link', { name: 'Dane kontrahenta' }).click();
    await arrive(customer, 'Dane kontrahenta', 'custdata-account-1280');
    const main = customer.locator('main');
    await seeText(main, data.name);
    await seeText(main, '61 1090 1014 0000 0712 1981 2874');
    const switcher = customer.getByLabel('Klient:');
    await switcher.selectOption({ label: await switcher.locator('option', { hasText: data.community }).innerText() });
    await seeText(main, 'wspólnota mieszkaniowa');
    await switcher.selectOption({ label: await switcher.locator('option', { hasText: data.name }).innerText() });
    await seeText(main, '601 222 333');

    // A bad number is refused by the form, with the server's own words.
    await customer.getByLabel('Dane do zmiany').selectOption('phone');
    await customer.getByLabel('Nowa wartość').fill('12ab');
    await customer.getByRole('button', { name: 'Złóż wniosek' }).click();
    await seeText(main, 'Numer telefonu: od 9 do 15 cyfr');
    expect(await customer.getByLabel('Nowa wartość').getAttribute('aria-invalid')).toBe('true');
    await customer.getByLabel('Nowa wartość').fill('500 600 700');
    await customer.getByLabel('Uwagi (nieobowiązkowo)').fill('Nowy numer komórkowy.');
    await customer.getByRole('button', { name: 'Złóż wniosek' }).click();
    await seeText(customer.getByRole('status'), 'Wniosek został złożony');
    const requests = customer.getByRole('table', { name: 'Wnioski o zmianę danych' });
    await seeText(requests, 'oczekuje');
    await seeText(requests, '500 600 700');
    await screenshot(customer, 'custdata-account-request-sent-1280');

    // GDPR: the PDF arrives as a download.
    const [download] = await Promise.all([customer.waitForEvent('download'), customer.getByRole('link', { name: 'Pobierz zestawienie (PDF)' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^dane-osobowe-\d{4}-\d{2}-\d{2}\.pdf$/);
    const stream = await download.createReadStream();
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).subarray(0, 5).toString()).toBe('%PDF-');
    const json = await customer.request.get(at('/api/portal/personal-data'));
    expect(json.status()).toBe(200);
    expect(JSON.stringify(await json.json())).toContain('72030412345');

    // The clerk: the queue, approve.
    const clerk = await newPage();
    await logIn(clerk, data.clerkEmail, '/staff');
    await clerk.getByRole('heading', { level: 1, name: 'Podsumowanie' }).waitFor();
    await clerk.getByRole('navigation', { name: 'Menu główne' }).getByRole('link', { name: 'Wnioski o zmianę danych' }).click();
    await arrive(clerk, 'Wnioski o zmianę danych', 'custdata-queue-1280');
    await seeText(clerk.locator('main'), '1 wniosek');
    await clerk.getByRole('button', { name: `Zatwierdź wniosek: ${data.name}` }).click();
    await seeText(clerk.getByRole('status'), 'Zmiana danych klienta');
    await seeText(clerk.locator('main'), 'Brak wniosków.');

    // The customer sees the new number and the decision.
    await customer.reload();
    await arrive(customer, 'Dane kontrahenta', 'custdata-account-approved-1280', { axe: false });
    await seeText(main, '500 600 700');
    await seeText(customer.getByRole('table', { name: 'Wnioski o zmianę danych' }), 'zatwierdzony');
    // The Pulpit tells the outcome too.
    await customer.getByRole('navigation', { name: 'Menu główne' }).getByRole('link', { name: 'Pulpit' }).click();
    await arrive(customer, 'Pulpit', 'custdata-dashboard-1280');
    await seeText(customer.locator('main'), 'Ostatnia decyzja: Telefon, zatwierdzony');

    // The clerk locks the portal account in the customer view: the customer's session ends; then unlocks it.
    await clerk.goto(at(`/staff/customers/${data.ownerId}`));
    await arrive(clerk, data.name, 'custdata-staff-customer-1280');
    const users = clerk.getByRole('table', { name: 'Użytkownicy e-BOK' });
    await seeText(users, data.customerEmail);
    await seeText(users, 'obsługuje 2 klientów');
    await users.getByRole('button', { name: 'Zablokuj' }).click();
    await seeText(clerk.getByRole('status'), `Konto ${data.customerEmail} zostało zablokowane.`);
    await seeText(users, 'zablokowane');
    expect((await (await customer.request.get(at('/api/auth/session'))).json()).user).toBeNull();
    await screenshot(clerk, 'custdata-staff-locked-1280');
    await users.getByRole('button', { name: 'Odblokuj' }).click();
    await seeText(clerk.getByRole('status'), `Konto ${data.customerEmail} zostało odblokowane.`);
    await seeText(users, 'aktywne');
    await users.getByRole('button', { name: 'Wyślij łącze do zmiany hasła' }).click();
    await seeText(clerk.getByRole('status'), `Łącze do ustawienia nowego hasła wysłano na adres ${data.customerEmail}.`);
    const [letter] = await Promise.all([clerk.waitForEvent('download'), clerk.getByRole('button', { name: 'Drukuj pismo z kodem aktywacyjnym' }).click()]);
    expect(letter.suggestedFilename()).toMatch(/^kod-aktywacyjny-.+\.pdf$/);
    await seeText(clerk.getByRole('status'), 'Pismo z nowym kodem aktywacyjnym zostało pobrane');

    // Phone-sized screens: the account page and the queue.
    const phone = await newPage(360);
    await logIn(phone, data.customerEmail, '/portal/account');
    await arrive(phone, 'Dane kontrahenta', 'custdata-account-360');
    const clerkPhone = await newPage(360);
    await logIn(clerkPhone, data.clerkEmail, '/staff/change-requests');
    await arrive(clerkPhone, 'Wnioski o zmianę danych', 'custdata-queue-360', { axe: false });
    await clerkPhone.goto(at(`/staff/customers/${data.ownerId}`));
    await arrive(clerkPhone, data.name, 'custdata-staff-customer-360', { axe: false });
  }, 180_000);
});
