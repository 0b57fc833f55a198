/**
 * Tariffs in a real browser: a billing clerk opens Taryfy from the menu,
 * sees the tariffs with their groups' prices, adds one, and is told in the
 * form when a new tariff would overlap another for its group. Checked with
 * axe and photographed at 1280 and 360 px.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { TEST_PASSWORD, buildUser } from '../support/factories.ts';
import { buildBillingWorld } from '../support/billing-world.ts';
import { chromiumMissing, launchBrowser, screenshot, seriousViolations, startE2eServer, type E2eServer } from './support.ts';

let server: E2eServer;
let browser: Browser;
let slug: string;
const noChromium = chromiumMissing();
const email = 'rozliczenia@zgk-taryfy.example';

beforeAll(async () => {
  if (noChromium) return;
  [server, browser] = await Promise.all([startE2eServer(), launchBrowser()]);
  const w = await buildBillingWorld(server.database, 1);
  slug = w.slug;
  await buildUser(server.database, w.utilityId, { kind: 'staff', email, roles: ['billing'] });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const at = (p: string) => `/t/${slug}${p}`;

async function check(page: Page, shot: string) {
  await page.waitForLoadState('networkidle');
  expect(await seriousViolations(page), `axe on ${shot}`).toEqual([]);
  await screenshot(page, shot);
}

describe.skipIf(noChromium)('tariffs in the browser', { timeout: 120_000 }, () => {
  it('lists the tariffs, adds one, and shows the overlap refusal in the form', async () => {
    const ctx = await browser.newContext({ baseURL: server.origin, viewport: { width: 1280, height: 800 } });
    const page = await ctx.newPage();
    await page.goto(at('/login'));
    await page.getByLabel('Adres e-mail').fill(email);
    await page.getByLabel('Hasło', { exact: true }).fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Zaloguj się' }).click();
    await page.waitForURL(/\/staff/);
    await page.getByRole('navigation', { name: 'Menu główne' }).getByRole('link', { name: 'Taryfy' }).click();
    await page.getByRole('heading', { level: 1, name: 'Taryfy' }).waitFor();
    // The world's two tariffs of group G1, newest first: 6,00 zł paper and 3,60 zł e-invoice in the later one.
    const table = page.getByRole('table', { name: /Taryfy obowiązujące/ });
    await table.getByText('RZT.2026-10-01').waitFor();
    const first = await table.locator('tbody tr').first().textContent();
    // formatMoney puts a no-break space before "zł".
    expect(first).toMatch(/6,00\szł/);
    expect(first).toMatch(/3,60\szł/);
    await check(page, 'runs-tariffs-1280');

    const fill = async (decision: string, from: string) => {
      await page.getByLabel('Nazwa taryfy').fill('Taryfa dla grupy G5');
      await page.getByLabel('Numer decyzji zatwierdzającej').fill(decision);
      await page.getByLabel('Data decyzji').fill('2026-11-02');
      await page.getByLabel('Obowiązuje od').fill(from);
      await page.getByLabel('Kod grupy taryfowej').fill('G5');
      await page.getByLabel('Nazwa grupy taryfowej').fill('Odbiorcy hurtowi');
      await page.getByLabel('Cena netto wody za m³').fill('4,10');
      await page.getByLabel('Cena netto odprowadzania ścieków za m³').fill('8,20');
      await page.getByLabel('Abonament netto za miesiąc (faktura papierowa)').fill('6,00');
      await page.getByLabel('Abonament netto za miesiąc (e-faktura)').fill('3,60');
      await page.getByRole('button', { name: 'Dodaj taryfę' }).click();
    };
    await fill('RZT.G5.1', '2027-01-01');
    await page.getByText('Dodano taryfę RZT.G5.1.').waitFor();
    await table.getByText('RZT.G5.1').waitFor();
    // The same group again from a later day: the open-ended tariff is still in force then.
    await fill('RZT.G5.2', '2027-06-01');
    await page.getByRole('alert').filter({ hasText: 'RZT.G5.1' }).waitFor();
    await check(page, 'runs-tariffs-overlap-1280');

    await page.setViewportSize({ width: 360, height: 800 });
    await page.getByRole('heading', { level: 1, name: 'Taryfy' }).scrollIntoViewIfNeeded();
    await check(page, 'runs-tariffs-360');
    await ctx.close();
  });
});
