/**
 * In a real browser: the accessibility statement (/dostepnosc) is reached
 * from the footer of the sign-in page without signing in, names the utility
 * and its contacts in the template's parts (a11y-* ids), and passes axe at
 * 1280 and 360 px; the staff overview's legalization, meter and readings
 * tiles lead to lists whose totals are the tiles' figures.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { TEST_PASSWORD, buildMeter, buildServicePoint, buildUser, buildUtility } from '../support/factories.ts';
import { checkAtBothWidths, chromiumMissing, launchBrowser, startE2eServer, type E2eServer } from './support.ts';

let server: E2eServer;
let browser: Browser;
let slug: string;
const contexts: BrowserContext[] = [];
const noChromium = chromiumMissing();

beforeAll(async () => {
  if (noChromium) return;
  [server, browser] = await Promise.all([startE2eServer(), launchBrowser()]);
  const db = server.database;
  const u = await buildUtility(db, { name: 'Zakład Wodociągów w Lipnie Sp. z o.o.', short_name: 'ZW Lipno', phone: '54 288 00 00', sender_email: 'bok@lipno.example' });
  slug = u.slug;
  const sp = await buildServicePoint(db, u.id, { street: 'ul. Lipowa', building: '12' });
  const soon = new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10);
  const m = await buildMeter(db, u.id, sp.id, { serial_number: 'LEG00001', legalization_valid_until: soon });
  await buildMeter(db, u.id, sp.id, { serial_number: 'OK000001', role: 'garden' });
  await db.db.insertInto('readings').values({ utility_id: u.id, meter_id: m.id, read_at: new Date(Date.now() - 86_400_000), value_m3: '12.345', source: 'reader' }).execute();
  await buildUser(db, u.id, { kind: 'staff', email: 'bok@lipno.example', roles: ['customer_service'] });
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

describe.skipIf(noChromium)('accessibility statement and overview lists in the browser', () => {
  it('the statement is one click from the footer, without signing in, in the template’s parts', async () => {
    const page = await newPage();
    await page.goto(at('/login'));
    await page.getByRole('contentinfo').getByRole('link', { name: 'Deklaracja dostępności' }).click();
    await checkAtBothWidths(page, 'Deklaracja dostępności', 'a11y-statement');
    expect(await page.locator('#a11y-podmiot').textContent()).toBe('Zakład Wodociągów w Lipnie Sp. z o.o.');
    expect(await page.locator('#a11y-status').textContent()).toMatch(/zgodna z ustawą z dnia 4 kwietnia 2019 r\./);
    expect(await page.locator('#a11y-data-sporzadzenie').textContent()).toMatch(/^\d{2}\.\d{2}\.\d{4}$/);
    expect(await page.locator('#a11y-telefon').textContent()).toBe('54 288 00 00');
    expect(await page.locator('#a11y-email').textContent()).toBe('bok@lipno.example');
    for (const id of ['a11y-wstep', 'a11y-url', 'a11y-data-publikacja', 'a11y-data-aktualizacja', 'a11y-kontakt', 'a11y-procedura', 'a11y-architektura', 'a11y-aplikacje']) {
      expect(await page.locator(`#${id}`).count(), id).toBe(1);
    }
    await expect.poll(() => page.getByText('Rzecznika Praw Obywatelskich').count()).toBeGreaterThan(0);
  });

  it('each staff overview tile leads to the list it counts', async () => {
    const page = await newPage();
    await page.goto(at('/login'));
    await page.getByLabel('Adres e-mail').fill('bok@lipno.example');
    await page.getByLabel('Hasło', { exact: true }).fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Zaloguj się' }).click();
    await page.getByRole('heading', { level: 1, name: 'Podsumowanie' }).waitFor();
    const tiles = page.getByRole('list', { name: 'Najważniejsze liczby' });
    await tiles.getByRole('link', { name: /legalizacj/ }).click();
    await checkAtBothWidths(page, 'Legalizacja kończy się w ciągu 90 dni', 'overview-legalization');
    await page.getByRole('status').filter({ hasText: '1 wodomierz' }).waitFor();
    expect(await page.getByRole('cell', { name: 'LEG00001' }).count()).toBe(1);
    expect(await page.getByRole('cell', { name: 'OK000001' }).count()).toBe(0);
    await page.getByRole('link', { name: 'Wodomierze w użyciu' }).click();
    await page.getByRole('status').filter({ hasText: '2 wodomierze' }).waitFor();
    await page.getByRole('link', { name: 'Wróć do podsumowania' }).click();
    await tiles.getByRole('link', { name: /odczyt/ }).click();
    await checkAtBothWidths(page, 'Odczyty z ostatnich 30 dni', 'overview-readings');
    await page.getByRole('status').filter({ hasText: '1 odczyt' }).waitFor();
    expect(await page.getByRole('cell', { name: 'LEG00001' }).count()).toBe(1);
  });
});
