/**
 * Online payment in a real browser: a customer with two due invoices opens
 * "Płatności online", pays everything due through the Przelewy24 simulator's
 * page, comes back to the return page, which shows the payment received
 * (the simulator has sent the signed notification and accepted our verify
 * call meanwhile). axe on our pages; screenshots in test-results/screenshots.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import * as S from '../../src/modules/billing/fa3/testing/sample-documents.ts';
import { withTenant } from '../../src/db/tenant.ts';
import { client, type TestApp } from '../support/app.ts';
import { buildCustomer, buildUser, buildUtility, TEST_PASSWORD } from '../support/factories.ts';
import { insertInvoice } from '../support/invoices.ts';
import { createListeningApp } from '../support/payment-sim/app.ts';
import { p24Settings, startP24, type P24Sim } from '../support/payment-sim/p24.ts';
import { chromiumMissing, ensureWebBuilt, launchBrowser, screenshot, seriousViolations } from './support.ts';

const noChromium = chromiumMissing();
const ACCOUNT = { merchantId: 71234, posId: 71234, apiKey: 'e2e-api-key', crc: 'e2e-crc-key' };
const GROSS = S.householdInvoice().totals.gross;
let t: TestApp & { url: string };
let p24: P24Sim;
let browser: Browser;
let slug = '';
let utilityId = 0;
let customerId = 0;

beforeAll(async () => {
  if (noChromium) return;
  await ensureWebBuilt();
  [t, p24, browser] = await Promise.all([createListeningApp(), startP24(ACCOUNT), launchBrowser()]);
  const u = await buildUtility(t.database, { name: 'Wodociągi Płatne Sp. z o.o.', short_name: 'WP' });
  slug = u.slug;
  utilityId = u.id;
  const c = await buildCustomer(t.database, u.id, { name: 'Teresa Płacąca', email: 'teresa@example.com' });
  customerId = c.id;
  await insertInvoice(t.database, u.id, c.id, { ...S.householdInvoice(), dueDate: '2026-02-15' }, { number: 'FV/2026/02/000001' });
  await insertInvoice(t.database, u.id, c.id, { ...S.householdInvoice(), dueDate: '2026-03-15' }, { number: 'FV/2026/03/000002' });
  await buildUser(t.database, u.id, { kind: 'customer', email: 'teresa@example.com', customerIds: [c.id] });
  await buildUser(t.database, u.id, { kind: 'staff', email: 'admin@wp.example', roles: ['admin'] });
  const admin = client(t.app, slug);
  expect((await admin.post('/api/auth/login', { email: 'admin@wp.example', password: TEST_PASSWORD })).statusCode).toBe(200);
  const res = await admin.request('PUT', '/api/staff/online-payments/config', p24Settings(p24.url, ACCOUNT));
  expect(res.statusCode, res.body).toBe(200);
});

afterAll(async () => {
  await browser?.close();
  await p24?.close();
  await t?.close();
});

async function arrive(page: Page, heading: string, shot: string) {
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  await page.waitForLoadState('networkidle');
  expect(await seriousViolations(page), `axe on ${shot}`).toEqual([]);
  await screenshot(page, shot);
}

describe.skipIf(noChromium)('online payment in the browser', () => {
  it('the customer pays everything due through the simulator and the return page shows it paid', async () => {
    const ctx = await browser.newContext({ baseURL: t.url, viewport: { width: 1280, height: 800 } });
    const page = await ctx.newPage();
    await page.goto(`/t/${slug}/login`);
    await page.getByLabel('Adres e-mail').fill('teresa@example.com');
    await page.getByLabel('Hasło', { exact: true }).fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Zaloguj się' }).click();
    await page.getByRole('heading', { level: 1, name: 'Pulpit' }).waitFor();
    await page.getByRole('link', { name: 'Płatności online', exact: true }).click();
    await arrive(page, 'Płatności online', 'online-payment-due');
    const main = page.locator('main');
    await main.getByText('FV/2026/03/000002').waitFor();
    expect((await main.innerText()).replace(/\s+/g, ' ')).toContain('Należności do zapłaty: 407,50 zł');

    await main.getByRole('button', { name: 'Zapłać wszystkie należne' }).click();
    await page.waitForURL(new RegExp(`^${p24.url}/trnRequest/`));
    expect(await page.innerText('body')).toContain('407,50 zł');
    await page.getByRole('button', { name: 'Zapłać' }).click();

    await page.waitForURL(/\/portal\/payments\/return\?session=/);
    await page.getByText(/Płatność 407,50\s+zł została przyjęta/).waitFor({ timeout: 15_000 });
    await arrive(page, 'Status płatności', 'online-payment-paid');

    const paid = await withTenant(t.database.db, { utilityId }, (tx) =>
      tx.selectFrom('payments').select(['amount_grosze', 'channel']).where('customer_id', '=', customerId).execute(),
    );
    expect(paid.map((p) => [Number(p.amount_grosze), p.channel])).toEqual([[2 * GROSS, 'online']]);
    // Nothing due any more: the payments page says so.
    await page.goto(`/t/${slug}/portal/payments`);
    await page.getByText('Nie ma należności do zapłaty').waitFor();
    await ctx.close();
  });
});
