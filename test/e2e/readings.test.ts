/**
 * Issue 13 in a real browser: a customer submits a reading (refused letters,
 * then a plausible one, then a jump that needs confirmation), a clerk
 * verifies the held one in the queue, the customer sees the result with its
 * reason; the Pulpit's meters panel warns; the consumption analysis shows a
 * chart and its table. Axe on every page, screenshots at 1280 and 360 px.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { loadConfig } from '../../src/config.ts';
import { seedUtility } from '../../src/modules/demo/seed.ts';
import { chromiumMissing, launchBrowser, screenshot, seriousViolations, startE2eServer, type E2eServer } from './support.ts';

const PASSWORD = 'Wodnik-Demo-2026';
const CUSTOMER = 'anna.kowalska@example.com';
const CLERK = 'bok@zgk-demo.example';
let server: E2eServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
const noChromium = chromiumMissing();
const at = (p: string) => `/t/zgk-demo${p}`;
const PNG_1X1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

beforeAll(async () => {
  if (noChromium) return;
  [server, browser] = await Promise.all([startE2eServer(), launchBrowser()]);
  // The demo utility: its customer (a radio meter whose verification lapses soon, two years of readings,
  // tariffs) and its customer-service clerk, as README.md lists them. The key is the e2e server's.
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', WODNIK_SECRET_KEY: '22'.repeat(32) });
  await seedUtility(server.database, { slug: 'zgk-demo', customers: 8, config, now: new Date() });
}, 180_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await server?.close();
});

async function newPage(width: 1280 | 360): Promise<Page> {
  const ctx = await browser.newContext({
    baseURL: server.origin,
    ...(width === 360 ? { viewport: { width: 360, height: 780 }, isMobile: true, hasTouch: true } : { viewport: { width: 1280, height: 800 } }),
  });
  contexts.push(ctx);
  return ctx.newPage();
}

async function seeText(loc: Locator, text: string) {
  await loc.filter({ hasText: text }).first().waitFor({ timeout: 10_000 });
}

async function arrive(page: Page, heading: string | RegExp, shot: string) {
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  await page.waitForLoadState('networkidle');
  expect(await seriousViolations(page), `axe on ${shot}`).toEqual([]);
  await screenshot(page, shot);
}

async function logIn(page: Page, email: string) {
  await page.getByLabel('Adres e-mail').fill(email);
  await page.getByLabel('Hasło', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Zaloguj się' }).click();
}

describe.skipIf(noChromium)('readings in the portal and the verification queue', () => {
  it('a customer submits readings, a clerk verifies the held one, the customer sees the result', async () => {
    const page = await newPage(1280);
    await page.goto(at('/portal'));
    await logIn(page, CUSTOMER);
    await arrive(page, 'Pulpit', 'readings-dashboard-1280');
    const panel = page.locator('section.meters-panel');
    // The demo's radio meter loses its legal verification in about 60 days: the panel warns.
    await seeText(panel, 'Legalizacja wodomierza');

    const api = await (await page.request.get(at('/api/portal/contracts'))).json();
    const customerId: number = api.customers[0].id;
    const house = api.customers[0].contracts.find((k: { kind: string }) => k.kind === 'water_sewage');
    const meter = house.meters.find((m: { role: string }) => m.role === 'main');
    const last = Number(meter.judgeBasis.valueM3);
    const pl = (n: number) => n.toFixed(3).replace('.', ',');

    await page.getByRole('link', { name: 'Umowy i odczyty' }).first().click();
    await arrive(page, 'Umowy i odczyty', 'readings-contracts-1280');
    const main = page.locator('main');
    await main.getByRole('button', { name: `Podaj odczyt ${meter.serialNumber}` }).click();
    const form = main.locator('form.reading-form');
    const value = form.getByLabel('Stan licznika (m³)');
    // Letters: refused at once, in the server's words, and the field gets the focus.
    await value.fill('12a');
    await form.getByRole('button', { name: 'Wyślij odczyt' }).click();
    await seeText(form, 'samymi cyframi');
    expect(await value.getAttribute('aria-invalid')).toBe('true');
    // A plausible reading is accepted.
    await value.fill(pl(last + 0.3));
    await form.getByRole('button', { name: 'Wyślij odczyt' }).click();
    await seeText(form, 'został przyjęty');
    // A jump asks to confirm, then goes to verification.
    await value.fill(pl(last + 900));
    await form.getByRole('button', { name: 'Wyślij odczyt' }).click();
    await seeText(form, 'ponad 10 razy');
    await form.getByLabel('Stan licznika jest prawidłowy').check();
    // With a photo of the register (a real 1×1 PNG), which the clerk will see.
    await form.getByLabel('Zdjęcie licznika (nieobowiązkowe)').setInputFiles({ name: 'licznik.png', mimeType: 'image/png', buffer: Buffer.from(PNG_1X1, 'base64') });
    await form.getByRole('button', { name: 'Wyślij odczyt' }).click();
    await seeText(form, 'czeka na weryfikację');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'readings-submitted-1280');

    // The clerk's queue.
    const clerk = await newPage(1280);
    await clerk.goto(at('/staff/verification'));
    await logIn(clerk, CLERK);
    await arrive(clerk, 'Weryfikacja odczytów', 'readings-queue-1280');
    await clerk.getByLabel('Źródło odczytu').selectOption('customer');
    const row = clerk.locator('tbody tr').filter({ hasText: meter.serialNumber });
    await row.first().waitFor();
    await row.first().getByRole('button', { name: /Rozpatrz/ }).click();
    const detail = clerk.locator('section.verification-detail');
    await detail.locator('canvas').first().waitFor();
    const photo = detail.getByRole('img', { name: `Zdjęcie licznika wodomierza ${meter.serialNumber} przesłane z odczytem` });
    await photo.waitFor();
    expect(await photo.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBe(1);
    await detail.getByLabel('Przyjmij odczyt').check();
    await detail.getByLabel('Powód decyzji').fill('Zdjęcie i rozmowa z klientem potwierdzają stan.');
    expect(await seriousViolations(clerk)).toEqual([]);
    await screenshot(clerk, 'readings-queue-detail-1280');
    await detail.getByRole('button', { name: 'Zapisz decyzję' }).click();
    await seeText(clerk.locator('main'), `Odczyt wodomierza ${meter.serialNumber} został przyjęty.`);

    // The customer sees the result and its reason.
    await page.goto(at(`/portal/customers/${customerId}/meters/${meter.id}/readings`));
    await arrive(page, `Odczyty wodomierza ${meter.serialNumber}`, 'readings-history-1280');
    const first = page.locator('table.readings tbody tr').first();
    await seeText(first, 'przyjęty');
    await seeText(first, 'Zdjęcie i rozmowa z klientem potwierdzają stan.');
  }, 120_000);

  it('the consumption analysis shows a chart and its table, on a desktop and a phone', async () => {
    for (const width of [1280, 360] as const) {
      const page = await newPage(width);
      await page.goto(at('/portal/consumption'));
      await logIn(page, CUSTOMER);
      await page.getByRole('heading', { level: 1, name: 'Analiza zużycia wody' }).waitFor();
      await page.locator('.chart canvas').first().waitFor();
      const rows = page.getByRole('table', { name: /Zużycie wody w miesiącach/ }).locator('tbody tr');
      await rows.nth(11).waitFor();
      expect(await rows.count()).toBeGreaterThanOrEqual(12);
      await seeText(page.locator('.stats'), 'średnio na dobę');
      await seeText(page.locator('main'), 'Szacunkowy koszt według obecnej taryfy');
      expect(await page.getByRole('link', { name: 'Pobierz CSV' }).getAttribute('href')).toContain('/consumption/csv?contractId=');
      await arrive(page, 'Analiza zużycia wody', `readings-consumption-${width}`);
      if (width === 360) {
        await page.goto(at('/portal/contracts'));
        await arrive(page, 'Umowy i odczyty', 'readings-contracts-360');
        await page.goto(at('/portal'));
        await arrive(page, 'Pulpit', 'readings-dashboard-360');
      }
    }
  }, 120_000);

  it('a clerk exchanges a meter whose verification lapses: the new one carries on, the old one says where it went', async () => {
    const page = await newPage(1280);
    await page.goto(at('/staff'));
    await logIn(page, CLERK);
    await page.getByRole('heading', { level: 1, name: 'Podsumowanie' }).waitFor();
    // From the overview's tile to the list of meters whose verification lapses, and on to the meter.
    await page.getByRole('link', { name: /legalizacj/ }).click();
    await page.getByRole('heading', { level: 1, name: 'Legalizacja kończy się w ciągu 90 dni' }).waitFor();
    await page.getByRole('link', { name: 'BM220000001' }).click();
    await arrive(page, /BM220000001/, 'meter-exchange-form');
    const old = { id: Number(/meters\/(\d+)\//.exec(page.url())![1]) };
    const before = await (await page.request.get(at(`/api/staff/meters/${old.id}`))).json();
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Warsaw' }).format(new Date());
    const exchange = page.getByRole('region', { name: 'Wymiana wodomierza' });
    // Nothing filled in: each required field says so, nothing is sent.
    await exchange.getByRole('button', { name: 'Zapisz wymianę' }).click();
    await seeText(exchange.locator('.error-text'), 'To pole jest wymagane');
    await exchange.getByLabel('Data wymiany').fill(today);
    // Lower than the last reading: refused at its field, in Polish.
    await exchange.getByLabel('Stan końcowy starego wodomierza (m³)').fill('0,001');
    await exchange.getByLabel('Numer nowego wodomierza').fill('NW26000001');
    await exchange.getByLabel('Legalizacja nowego wodomierza ważna do').fill(`${Number(today.slice(0, 4)) + 5}${today.slice(4)}`);
    await exchange.getByRole('button', { name: 'Zapisz wymianę' }).click();
    await seeText(exchange.locator('.error-text'), 'jest niższy niż ostatni odczyt');
    const final = (Number(before.lastReading.valueM3) + 0.5).toFixed(3).replace('.', ',');
    await exchange.getByLabel('Stan końcowy starego wodomierza (m³)').fill(final);
    await exchange.getByRole('button', { name: 'Zapisz wymianę' }).click();
    // The new meter's page: installed today with 0 m³ and the radio module.
    await arrive(page, /NW26000001/, 'meter-exchange-new');
    await seeText(page.locator('.facts'), 'radiowy');
    await page.goto(at(`/staff/meters/${old.id}/readings`));
    await arrive(page, /BM220000001/, 'meter-exchange-old');
    // (Thousands are grouped with a space on the page: compared without spaces.)
    expect((await page.locator('.alert').first().textContent())?.replace(/\s/g, '')).toContain(`stankońcowy${final}m³`);
    // The final register is the old meter's last reading, after everything read that day.
    const history = await (await page.request.get(at(`/api/staff/meters/${old.id}/readings`))).json();
    expect(history.items[0]).toMatchObject({ source: 'removal', valueM3: final.replace(',', '.') });
    expect(await page.getByRole('region', { name: 'Wymiana wodomierza' }).count()).toBe(0);
    await page.getByRole('link', { name: 'Nowy wodomierz: NW26000001' }).click();
    await page.getByRole('heading', { level: 1, name: /NW26000001/ }).waitFor();
  });
});
