/**
 * The web app in a real browser against the real server: the customer's and
 * the staff's main flows, registration's validation, the language switch and
 * a phone-sized screen. Every page visited is checked with axe-core (no
 * serious or critical violation) and photographed into test-results/screenshots.
 */
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { TEST_PASSWORD, buildContract, buildCustomer, buildMeter, buildServicePoint, buildUser, buildUtility } from '../support/factories.ts';
import { withTenant } from '../../src/db/tenant.ts';
import { issueActivationCode } from '../../src/modules/identity/index.ts';
import { chromiumMissing, launchBrowser, screenshot, seriousViolations, startE2eServer, uiTest, type E2eServer } from './support.ts';

let server: E2eServer;
let browser: Browser;
let slug: string;
const contexts: BrowserContext[] = [];
/** Set when this machine has no Chromium: every test here is then skipped, with the command that installs it. */
const noChromium = chromiumMissing();

const data = {
  customerName: 'Halina Przybylska',
  customerEmail: 'halina.przybylska@example.com',
  staffEmail: 'admin@zgk-e2e.example',
  menuAdminEmail: 'kierownik@zgk-e2e.example',
  forcedEmail: 'nowy.pracownik@zgk-e2e.example',
  contractNumber: '',
  serial: 'ZW-E2E-0001',
  address: 'ul. Nadrzeczna 7',
  customerId: 0,
  utilityId: 0,
  newcomerNumber: '',
  activationCode: '',
  newcomerEmail: 'zbigniew.nowicki@example.com',
};

beforeAll(async () => {
  if (noChromium) return;
  [server, browser] = await Promise.all([startE2eServer(), launchBrowser()]);
  const db = server.database;
  const u = await buildUtility(db, { name: 'Zakład Wodociągów w Brzegowie Sp. z o.o.', short_name: 'ZW Brzegowo', primary_color: '#0b5cad' });
  slug = u.slug;
  const c = await buildCustomer(db, u.id, { name: data.customerName, first_name: 'Halina', last_name: 'Przybylska', email: data.customerEmail });
  data.customerId = c.id;
  const sp = await buildServicePoint(db, u.id, { street: 'ul. Nadrzeczna', building: '7' });
  const k = await buildContract(db, u.id, c.id, sp.id);
  data.contractNumber = k.contract_number;
  const m = await buildMeter(db, u.id, sp.id, { serial_number: data.serial, diameter_mm: 20 });
  await db.db
    .insertInto('readings')
    .values([
      { utility_id: u.id, meter_id: m.id, read_at: new Date('2026-05-31T10:00:00Z'), value_m3: '100.000', source: 'reader' },
      { utility_id: u.id, meter_id: m.id, read_at: new Date('2026-07-31T10:00:00Z'), value_m3: '110.500', source: 'remote' },
      { utility_id: u.id, meter_id: m.id, read_at: new Date('2026-09-30T10:00:00Z'), value_m3: '123.456', source: 'remote' },
    ])
    .execute();
  await db.db
    .insertInto('terms_versions')
    .values({ utility_id: u.id, kind: 'portal', version: '2026.1', title: 'Regulamin e-BOK', body: 'Postanowienia ogólne.\n\nKorzystanie z portalu jest bezpłatne.' })
    .execute();
  await buildUser(db, u.id, { kind: 'customer', email: data.customerEmail, customerIds: [c.id] });
  const newcomer = await buildCustomer(db, u.id, { name: 'Zbigniew Nowicki', email: null });
  data.newcomerNumber = newcomer.customer_number;
  data.activationCode = await withTenant(db.db, { utilityId: u.id }, (tx) => issueActivationCode(tx, newcomer.id));
  data.utilityId = u.id;
  await buildUser(db, u.id, { kind: 'staff', email: data.staffEmail, roles: ['admin'] });
  // A second administrator, without two-step login (the first one turns it on in a test).
  await buildUser(db, u.id, { kind: 'staff', email: data.menuAdminEmail, roles: ['admin'] });
  await buildUser(db, u.id, { kind: 'staff', email: data.forcedEmail, roles: ['customer_service'], mustChangePassword: true });
}, 120_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await server?.close();
});

async function newPage(opts: { phone?: boolean } = {}): Promise<Page> {
  const ctx = await browser.newContext({
    baseURL: server.origin,
    ...(opts.phone ? { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true } : { viewport: { width: 1280, height: 800 } }),
  });
  contexts.push(ctx);
  return ctx.newPage();
}

const at = (p: string) => `/t/${slug}${p}`;

// playwright-core has no assertion library: these wait like Playwright's would, then vitest asserts.

/** Waits until `loc` shows `text` (a substring), failing after 10 s. */
async function seeText(loc: Locator, text: string) {
  await loc.filter({ hasText: text }).first().waitFor({ timeout: 10_000 });
}

/** The accessible description of a form control: the texts its aria-describedby names. */
function description(loc: Locator): Promise<string> {
  return loc.evaluate((el) =>
    (el.getAttribute('aria-describedby') ?? '')
      .split(/\s+/)
      .filter(Boolean)
      .map((id: string) => el.ownerDocument.getElementById(id)?.textContent?.trim() ?? '')
      .join(' '),
  );
}

const isFocused = (loc: Locator) => loc.evaluate((el) => el === el.ownerDocument.activeElement);

/** Waits for the page's heading, then checks it with axe and photographs it. */
async function arrive(page: Page, heading: string | RegExp, shot: string, opts: { axe?: boolean } = {}) {
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  await page.waitForLoadState('networkidle');
  // A page already checked in the same state elsewhere is only photographed (axe costs seconds).
  if (opts.axe !== false) expect(await seriousViolations(page), `axe on ${shot}`).toEqual([]);
  await screenshot(page, shot);
}

async function logIn(page: Page, email: string, password = TEST_PASSWORD) {
  await page.getByLabel('Adres e-mail').fill(email);
  await page.getByLabel('Hasło', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Zaloguj się' }).click();
}

describe.skipIf(noChromium)('web app', () => {
  it('a customer logs in, sees contracts and meters, reads a meter history and logs out', async () => {
    const page = await newPage();
    await page.goto(at('/portal'));
    // A guest is sent to the login page, which keeps where they wanted to go.
    await arrive(page, 'Logowanie', 'login');
    expect(page.url()).toContain(`/t/${slug}/login?next=%2Fportal`);
    expect(await page.locator('html').getAttribute('lang')).toBe('pl');

    await logIn(page, data.customerEmail);
    await arrive(page, 'Pulpit', 'customer-dashboard');
    const main = page.locator('main');
    await main.getByRole('heading', { name: data.customerName }).waitFor();
    await seeText(main, `Umowa ${data.contractNumber}`);
    await seeText(main, data.address);
    await seeText(main, data.serial);
    await seeText(main, '123,456 m³');

    await main.getByRole('link', { name: `Historia odczytów ${data.serial}` }).click();
    await arrive(page, `Odczyty wodomierza ${data.serial}`, 'customer-readings');
    // After a navigation the new page's heading has the focus (screen readers announce it).
    expect(await isFocused(page.getByRole('heading', { level: 1 }))).toBe(true);
    const rows = page.locator('table.readings tbody tr');
    await rows.nth(2).waitFor();
    expect(await rows.count()).toBe(3);
    // Newest first, with the consumption since the reading before.
    await seeText(rows.nth(0), '123,456 m³');
    await seeText(rows.nth(0), '12,956 m³');
    await seeText(rows.nth(1), '10,500 m³');
    await seeText(rows.nth(2), 'inkasent');

    await page.getByRole('button', { name: 'Wyloguj' }).click();
    await arrive(page, 'Logowanie', 'logged-out', { axe: false });
    await seeText(page.getByRole('status'), 'Wylogowano');
    const session = await page.request.get(at('/api/auth/session'));
    expect((await session.json()).user).toBeNull();
  });

  it('staff log in, see the overview, search a customer and open the customer view', async () => {
    const page = await newPage();
    await page.goto(at('/login'));
    await logIn(page, data.staffEmail);
    await arrive(page, 'Podsumowanie', 'staff-overview');
    const stats = page.getByRole('list', { name: 'Najważniejsze liczby' });
    await stats.locator('li').nth(6).waitFor();
    expect(await stats.locator('li').count()).toBe(7);
    // Two customers in this utility: Halina Przybylska and the newcomer who registers.
    expect((await stats.locator('li').first().innerText()).replace(/\s+/g, ' ')).toBe('2 klienci');

    await page.getByRole('navigation', { name: 'Menu główne' }).getByRole('link', { name: 'Wyszukiwanie klientów' }).click();
    await arrive(page, 'Klienci', 'staff-customers');
    await page.getByRole('searchbox', { name: 'Szukaj' }).fill('Przybylska');
    await page.getByRole('button', { name: 'Szukaj' }).click();
    await page.waitForURL(/\/staff\/customers\?q=Przybylska/);
    const link = page.locator('main table').getByRole('link', { name: data.customerName });
    await link.waitFor();
    await screenshot(page, 'staff-customers-found');
    await link.click();
    await arrive(page, data.customerName, 'staff-customer-view');
    await seeText(page.locator('main'), `Umowa ${data.contractNumber}`);
    await seeText(page.locator('main'), data.customerEmail);
    await seeText(page.locator('main'), data.serial);

  });

  it('an administrator adds a staff user and turns on two-step login, which the next login then asks for', async () => {
    const page = await newPage();
    await page.goto(at('/login'));
    await logIn(page, data.staffEmail);
    await arrive(page, 'Podsumowanie', 'admin-start', { axe: false });
    await page.getByRole('link', { name: 'Pracownicy' }).click();
    await arrive(page, 'Pracownicy', 'staff-users');
    await seeText(page.locator('main table'), data.staffEmail);
    await page.getByLabel('Imię i nazwisko').fill('Beata Kwiatkowska');
    await page.getByLabel('Adres e-mail').fill('beata.kwiatkowska@zgk-e2e.example');
    await page.getByLabel('obsługa klienta').check();
    await page.getByLabel('Hasło tymczasowe').fill('Tymczasowe2026x');
    await page.getByRole('button', { name: 'Dodaj pracownika' }).click();
    await page.getByRole('status').filter({ hasText: 'Dodano pracownika' }).waitFor();
    await seeText(page.locator('main table'), 'beata.kwiatkowska@zgk-e2e.example');

    // Two-factor enrolment shows a QR code to scan.
    await page.getByRole('link', { name: 'Logowanie dwuetapowe' }).click();
    await arrive(page, 'Logowanie dwuetapowe', 'staff-totp-start', { axe: false });
    await page.getByRole('button', { name: 'Włącz logowanie dwuetapowe' }).click();
    await page.getByRole('img', { name: /Kod QR/ }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'staff-totp-qr');

    // The authenticator app: the key typed from the page gives the codes.
    const secret = (await page.locator('code.secret').innerText()).replace(/\s/g, '');
    const totp = new TOTP({ secret: Secret.fromBase32(secret) });
    await page.getByLabel('Kod z aplikacji (6 cyfr)').fill(totp.generate());
    await page.getByRole('button', { name: 'Potwierdź i włącz' }).click();
    await seeText(page.getByRole('status'), 'logowanie dwuetapowe zostało włączone');

    // From now on a login asks for the code (the next time step's: a code is accepted once).
    await page.getByRole('button', { name: 'Wyloguj' }).click();
    await page.getByRole('heading', { level: 1, name: 'Logowanie' }).waitFor();
    await logIn(page, data.staffEmail);
    await arrive(page, 'Logowanie dwuetapowe', 'login-totp-step');
    await page.getByLabel('Kod z aplikacji (6 cyfr)').fill(totp.generate({ timestamp: Date.now() + 30_000 }));
    await page.getByRole('button', { name: 'Potwierdź' }).click();
    await page.getByRole('heading', { level: 1, name: 'Podsumowanie' }).waitFor();
  });

  uiTest('every page of the back office menu passes axe (pages added later are covered too)', async () => {
    const page = await newPage();
    await page.goto(at('/login'));
    await logIn(page, data.menuAdminEmail);
    await page.getByRole('heading', { level: 1, name: 'Podsumowanie' }).waitFor();
    const menu = page.getByRole('navigation', { name: 'Menu główne' }).getByRole('link');
    const targets = await menu.evaluateAll((links) => links.map((a) => ({ href: a.getAttribute('href') ?? '', text: a.textContent ?? '' })));
    expect(targets.length).toBeGreaterThanOrEqual(3);
    const problems: string[] = [];
    for (const { href, text } of targets) {
      await menu.filter({ hasText: text }).first().click();
      await page.waitForURL((u) => u.pathname === href);
      await page.locator('h1').first().waitFor();
      await page.waitForLoadState('networkidle');
      for (const v of await seriousViolations(page)) problems.push(`${href}: ${v}`);
      await screenshot(page, `menu${href.replace(/^\/t\/[^/]+/, '').replace(/\//g, '-')}`);
    }
    expect(problems).toEqual([]);
  }, 180_000);

  it('staff whose password was assigned must change it first', async () => {
    const page = await newPage();
    await page.goto(at('/login'));
    await logIn(page, data.forcedEmail);
    await arrive(page, 'Zmiana hasła', 'forced-password-change');
    await seeText(page.getByRole('status'), 'prosimy ustawić własne hasło');
    await page.getByLabel('Obecne hasło').fill(TEST_PASSWORD);
    await page.getByLabel('Nowe hasło').fill('NoweHaslo2026!');
    await page.getByLabel('Powtórz hasło').fill('NoweHaslo2026!');
    await page.getByRole('button', { name: 'Zmień hasło' }).click();
    await arrive(page, 'Podsumowanie', 'after-password-change', { axe: false });
  });

  uiTest('registration explains its errors in Polish, each tied to its field', async () => {
    const page = await newPage();
    await page.goto(at('/register'));
    await arrive(page, 'Rejestracja w e-BOK', 'register', { axe: false });
    await seeText(page.locator('.terms'), 'Korzystanie z portalu jest bezpłatne.');
    await page.getByRole('button', { name: 'Załóż konto' }).click();
    await seeText(page.getByRole('alert'), 'Formularz zawiera 5 błędów. Popraw zaznaczone pola.');
    expect((await page.getByRole('alert').innerText()).trim()).toBe('Formularz zawiera 5 błędów. Popraw zaznaczone pola.');
    const number = page.getByLabel('Numer klienta');
    expect(await isFocused(number)).toBe(true);
    expect(await number.getAttribute('aria-invalid')).toBe('true');
    expect(await description(number)).toMatch(/To pole jest wymagane\./);
    expect(await description(page.getByLabel('Adres e-mail'))).toMatch(/Prosimy wpisać poprawny adres e-mail/);
    expect(await description(page.getByLabel('Hasło', { exact: true }))).toMatch(/co najmniej 10 znaków.*To pole jest wymagane\./);
    expect(await description(page.getByRole('checkbox', { name: /Regulamin e-BOK/ }))).toBe('Do założenia konta potrzebna jest akceptacja regulaminu.');

    await page.getByLabel('Adres e-mail').fill('jan.kowalski@example.com');
    await page.getByLabel('Hasło', { exact: true }).fill('samelitery');
    await page.getByLabel('Powtórz hasło').fill('inne');
    await page.getByRole('button', { name: 'Załóż konto' }).click();
    expect(await description(page.getByLabel('Hasło', { exact: true }))).toMatch(/Hasło musi zawierać litery i cyfry\./);
    expect(await description(page.getByLabel('Powtórz hasło'))).toBe('Hasła nie są takie same.');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'register-errors');
  });

  it('a new customer registers with the activation code, confirms the e-mail address and logs in', async () => {
    const page = await newPage();
    await page.goto(at('/register'));
    await page.getByRole('heading', { level: 1, name: 'Rejestracja w e-BOK' }).waitFor();
    await page.getByLabel('Numer klienta').fill(data.newcomerNumber);
    await page.getByLabel('Kod aktywacyjny').fill(data.activationCode);
    await page.getByLabel('Adres e-mail').fill(data.newcomerEmail);
    await page.getByLabel('Hasło', { exact: true }).fill('Kranowka2026');
    await page.getByLabel('Powtórz hasło').fill('Kranowka2026');
    await page.getByRole('checkbox', { name: /Regulamin e-BOK/ }).check();
    await page.getByRole('button', { name: 'Załóż konto' }).click();
    await seeText(page.getByRole('status'), `Na adres ${data.newcomerEmail} wysłaliśmy odnośnik`);
    await screenshot(page, 'register-done');

    // The link from the e-mail in the outbox.
    const mail = await server.database.db
      .selectFrom('email_outbox')
      .select('text_body')
      .where('utility_id', '=', data.utilityId)
      .where('to_address', '=', data.newcomerEmail)
      .executeTakeFirstOrThrow();
    const link = /https?:\/\/\S+\/verify-email\?token=\S+/.exec(mail.text_body)?.[0];
    expect(link).toBeDefined();
    const url = new URL(link!);
    await page.goto(url.pathname + url.search);
    await arrive(page, 'Potwierdzenie adresu e-mail', 'verify-email-done', { axe: false });
    await seeText(page.getByRole('status'), 'Adres e-mail został potwierdzony');

    await page.getByRole('link', { name: 'Przejdź do logowania' }).click();
    await logIn(page, data.newcomerEmail, 'Kranowka2026');
    await page.getByRole('heading', { level: 1, name: 'Pulpit' }).waitFor();
    await page.locator('main').getByRole('heading', { name: 'Zbigniew Nowicki' }).waitFor();
  });

  uiTest('switches to English, remembers it, and shows the server’s errors in English', async () => {
    const page = await newPage();
    await page.goto(at('/login'));
    await arrive(page, 'Logowanie', 'login-pl', { axe: false });
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { level: 1, name: 'Log in' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await page.reload();
    await arrive(page, 'Log in', 'login-en');
    const cookies = await page.context().cookies();
    expect(cookies.find((c) => c.name === 'wodnik_lang')?.value).toBe('en');

    await page.getByLabel('E-mail address').fill(data.customerEmail);
    await page.getByLabel('Password').fill('Wrong-password-123');
    const answer = page.waitForResponse((r) => r.url().endsWith('/api/auth/login'));
    await page.getByRole('button', { name: 'Log in' }).click();
    const body = await (await answer).json();
    expect(body.error.code).toBe('auth.invalid_credentials');
    await seeText(page.getByRole('alert'), body.error.messages.en);
    expect((await page.getByRole('alert').innerText()).trim()).toBe(body.error.messages.en);
    await screenshot(page, 'login-en-error');
  });

  uiTest('works on a phone: the menu folds, the readings table stacks into labelled cards, nothing is cut off', async () => {
    const page = await newPage({ phone: true });
    await page.goto(at('/login'));
    await arrive(page, 'Logowanie', 'phone-login', { axe: false });
    await logIn(page, data.customerEmail);
    await arrive(page, 'Pulpit', 'phone-dashboard', { axe: false });
    const nav = page.getByRole('navigation', { name: 'Menu główne' });
    expect(await nav.isVisible()).toBe(false);
    await page.getByRole('button', { name: 'Menu' }).click();
    await nav.waitFor();
    expect(await page.getByRole('button', { name: 'Menu' }).getAttribute('aria-expanded')).toBe('true');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'phone-menu');
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);

    // A table becomes a stack of cards: the meter's reading history.
    await page.getByRole('button', { name: 'Menu' }).click();
    await page.locator('main').getByRole('link', { name: `Historia odczytów ${data.serial}` }).click();
    await arrive(page, `Odczyty wodomierza ${data.serial}`, 'phone-readings', { axe: false });
    const table = page.locator('table.readings');
    await table.locator('tbody tr').nth(2).waitFor();
    const layout = await table.evaluate((t) => {
      const view = t.ownerDocument.defaultView!;
      const style = (el: typeof t, pseudo?: string) => view.getComputedStyle(el, pseudo);
      const box = (el: typeof t) => el.getBoundingClientRect();
      return {
        headerHeight: box(t.querySelector('thead')!).height,
        rows: [...t.querySelectorAll('tbody tr')].map((tr) => ({
          display: style(tr).display,
          cells: [...tr.children].map((cell) => ({
            display: style(cell).display,
            label: style(cell, '::before').content,
            top: box(cell).top,
            bottom: box(cell).bottom,
            left: box(cell).left,
            right: box(cell).right,
          })),
        })),
      };
    });
    // The column headings are hidden from sight (kept for screen readers); each cell names its column instead.
    expect(layout.headerHeight).toBeLessThanOrEqual(1);
    expect(layout.rows).toHaveLength(3);
    for (const row of layout.rows) {
      expect(row.display).toBe('block');
      expect(row.cells.map((c) => c.label)).toEqual(['"Data odczytu"', '"Stan"', '"Zużycie"', '"Źródło"', '"Status"']);
      for (const [i, cell] of row.cells.entries()) {
        expect(cell.display).toBe('block');
        expect(cell.left).toBeGreaterThanOrEqual(0);
        expect(cell.right).toBeLessThanOrEqual(390);
        // Each cell below the one before it, not beside it.
        if (i > 0) expect(cell.top).toBeGreaterThanOrEqual(row.cells[i - 1]!.bottom - 1);
      }
    }
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'phone-readings-stacked');
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
  });

  it('password reset and e-mail verification with an unknown link show the server\'s reason, and unknown pages answer clearly', async () => {
    const page = await newPage();
    await page.goto(at('/reset-password'));
    await arrive(page, 'Nie pamiętam hasła', 'reset-request');
    await page.getByLabel('Adres e-mail').fill(data.customerEmail);
    await page.getByRole('button', { name: 'Wyślij odnośnik' }).click();
    await seeText(page.getByRole('status'), 'wysłaliśmy na niego odnośnik');

    await page.goto(at('/reset-password?token=nieprawidlowy-token'));
    await arrive(page, 'Ustaw nowe hasło', 'reset-confirm');
    await page.getByLabel('Nowe hasło').fill('NoweHaslo2026!');
    await page.getByLabel('Powtórz hasło').fill('NoweHaslo2026!');
    const resetAnswer = page.waitForResponse((r) => r.url().endsWith('/api/auth/password-reset/confirm'));
    await page.getByRole('button', { name: 'Zapisz nowe hasło' }).click();
    const resetBody = await (await resetAnswer).json();
    // The server's refusal of the unknown link, shown to the user in its words.
    expect(resetBody.error.code).toBe('auth.token_invalid');
    await seeText(page.getByRole('alert'), 'Łącze jest nieprawidłowe.');
    expect((await page.getByRole('alert').innerText()).trim()).toBe(resetBody.error.messages.pl);

    const verifyAnswer = page.waitForResponse((r) => r.url().endsWith('/api/auth/verify-email'));
    await page.goto(at('/verify-email?token=nieprawidlowy-token'));
    const verifyBody = await (await verifyAnswer).json();
    expect(verifyBody.error.code).toBe('auth.token_invalid');
    await arrive(page, 'Potwierdzenie adresu e-mail', 'verify-email-invalid');
    await seeText(page.getByRole('alert'), 'Łącze jest nieprawidłowe.');
    expect((await page.getByRole('alert').innerText()).trim()).toBe(verifyBody.error.messages.pl);

    await page.goto(at('/nie-ma-takiej-strony'));
    await arrive(page, 'Nie ma takiej strony', 'not-found');

    // Without a tenant prefix the app loads too (assets are absolute) and serves the default utility.
    await page.goto('/login');
    await page.getByRole('heading', { level: 1, name: 'Logowanie' }).waitFor();
  });
});
