/**
 * Payments in a real browser against the real server: a billing clerk
 * imports an MT940 statement whose transfer names nobody, finds it in the
 * queue and assigns it to the customer by number; the customer then sees the
 * payment and the new balance in Faktury i saldo (and on the Pulpit). Pages
 * are checked with axe and photographed into test-results/screenshots.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { encode, writeMt940 } from '../../src/modules/payments/statements/testing/mt940-writer.ts';
import { TEST_PASSWORD, buildUser } from '../support/factories.ts';
import { BANK_ACCOUNT, customerWithAccount, invoiceRow, paymentsWorld } from '../support/payments.ts';
import { chromiumMissing, launchBrowser, screenshot, seriousViolations, startE2eServer, type E2eServer } from './support.ts';

let server: E2eServer;
let browser: Browser;
let slug: string;
const contexts: BrowserContext[] = [];
const noChromium = chromiumMissing();
const customerEmail = 'teresa.wplaty@example.com';
const clerkEmail = 'ksiegowosc@zgk-wplaty.example';
let statementFile: Buffer;

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  if (noChromium) return;
  [server, browser] = await Promise.all([startE2eServer(), launchBrowser()]);
  const db = server.database;
  const u = await paymentsWorld(db);
  slug = u.slug;
  const c = await customerWithAccount(db, u.id, '0007001', { name: 'Teresa Wpłacalska', email: customerEmail });
  await invoiceRow(db, u.id, Number(c.id), { gross: 12_345, issue: day(-5), due: day(14), number: 'FV/2026/11/000777' });
  await buildUser(db, u.id, { kind: 'customer', email: customerEmail, customerIds: [Number(c.id)] });
  await buildUser(db, u.id, { kind: 'staff', email: clerkEmail, roles: ['billing'] });
  const today = day(-1).slice(2).replace(/-/g, '');
  statementFile = Buffer.from(
    encode(
      writeMt940(
        [{ ref: 'WYC/E2E', seq: '1/1', account: `PL${BANK_ACCOUNT}`, opening: `C${today}PLN500,00`, closing: `C${today}PLN600,00`, lines: [{ value: today, mark: 'C', amount: '100,00', bankRef: 'E2E1', title: 'Wpłata za wodę', name: 'Jan Wpłacający' }] }],
        { kind: 'numbered', separator: '~' },
      ),
      'windows-1250',
    ),
  );
}, 180_000);

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
  await loc.filter({ hasText: text }).first().waitFor({ timeout: 15_000 });
}

async function arrive(page: Page, heading: string | RegExp, shot: string) {
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  await page.waitForLoadState('networkidle');
  expect(await seriousViolations(page), `axe on ${shot}`).toEqual([]);
  await screenshot(page, shot);
}

async function logIn(page: Page, email: string) {
  await page.goto(at('/login'));
  await page.getByLabel('Adres e-mail').fill(email);
  await page.getByLabel('Hasło', { exact: true }).fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Zaloguj się' }).click();
}

describe.skipIf(noChromium)('payments in the browser', () => {
  it('a clerk imports a statement and assigns the unmatched line; the customer sees the payment and the new balance', async () => {
    const clerk = await newPage();
    await logIn(clerk, clerkEmail);
    await clerk.getByRole('heading', { level: 1, name: 'Podsumowanie' }).waitFor();
    await clerk.getByRole('link', { name: 'Wyciągi i wpłaty' }).click();
    await arrive(clerk, 'Wyciągi bankowe i wpłaty', 'payments-staff-empty-1280');
    await clerk.getByLabel('Plik wyciągu').setInputFiles({ name: 'wyciag.sta', mimeType: 'text/plain', buffer: statementFile });
    await clerk.getByRole('button', { name: 'Importuj' }).click();
    const result = clerk.getByRole('status');
    await seeText(result, 'Zaimportowany');
    await seeText(result, 'WYC/E2E');
    const queue = clerk.locator('section', { has: clerk.getByRole('heading', { level: 2, name: 'Wpłaty do przypisania' }) });
    await seeText(queue, 'Jan Wpłacający');
    await arrive(clerk, 'Wyciągi bankowe i wpłaty', 'payments-staff-imported-1280');
    await queue.getByLabel('Numer klienta').fill('0007001');
    await queue.getByRole('button', { name: 'Przypisz' }).click();
    await seeText(queue, 'Wszystkie wpłaty są przypisane.');

    const customer = await newPage();
    await logIn(customer, customerEmail);
    await customer.getByRole('heading', { level: 1, name: 'Pulpit' }).waitFor();
    await seeText(customer.locator('main'), 'Saldo: 23,45 zł do zapłaty.');
    await customer.getByRole('link', { name: 'Faktury i saldo', exact: true }).first().click();
    await arrive(customer, 'Faktury i saldo', 'payments-portal-balance-1280');
    const main = customer.locator('main');
    await expect(customer.getByTestId('balance-due').first().textContent()).resolves.toBe('23,45\u00a0zł');
    const history = customer.locator('section', { has: customer.getByRole('heading', { level: 2, name: 'Historia rozliczeń' }) });
    await seeText(history.getByRole('row'), 'Wpłata za wodę');
    await seeText(history.getByRole('row'), '100,00 zł');
    const invoices = main.locator('section', { has: customer.getByRole('heading', { level: 2, name: 'Stan płatności faktur' }) });
    await seeText(invoices.getByRole('row'), 'Zapłacona częściowo');
  }, 240_000);
});
