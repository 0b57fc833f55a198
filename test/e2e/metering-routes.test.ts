/**
 * Reading routes and remote reading in a real browser against the real
 * server: staff build a route and assign it; the meter reader opens it on a
 * phone, loses the network, types a reading (with a photo) that waits on
 * the phone, gets the network back and sees it sent; the staff progress
 * then shows the stop read. The remote-reading pages (walk-by upload,
 * quarantine, gateways, alarm tasks) are visited too. Every page is checked
 * with axe-core and photographed into test-results/screenshots.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { TEST_PASSWORD, buildMeter, buildServicePoint, buildUser, buildUtility } from '../support/factories.ts';
import { chromiumMissing, launchBrowser, screenshot, seriousViolations, startE2eServer, type E2eServer } from './support.ts';

let server: E2eServer;
let browser: Browser;
let slug: string;
let utilityId: number;
const contexts: BrowserContext[] = [];
/** Set when this machine has no Chromium: every test here is then skipped, with the command that installs it. */
const noChromium = chromiumMissing();
const ids: Record<string, number> = {};
const adminEmail = 'kierownik@zgk-trasy.example';
const readerEmail = 'inkasent@zgk-trasy.example';
const readerName = 'Tomasz Inkasent';
/** A real 1×1 PNG: the phone re-encodes it as JPEG before queuing. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

beforeAll(async () => {
  if (noChromium) return;
  [server, browser] = await Promise.all([startE2eServer(), launchBrowser()]);
  const db = server.database;
  const u = await buildUtility(db, { name: 'Zakład Gospodarki Komunalnej w Trasowie Sp. z o.o.', short_name: 'ZGK Trasowo' });
  slug = u.slug;
  utilityId = u.id;
  const radio = await db.db.insertInto('radio_modules').values({ utility_id: u.id, manufacturer: 'APA', radio_id: '87654321' }).returning('id').executeTakeFirstOrThrow();
  const points: [string, string, string, number][] = [
    ['lip7', 'ul. Lipowa', '7', 2],
    ['lip1', 'ul. Lipowa', '1', 1],
    ['lip3', 'ul. Lipowa', '3', 1],
    ['aka2', 'ul. Akacjowa', '2', 1],
  ];
  for (const [key, street, building, order] of points) {
    const sp = await buildServicePoint(db, u.id, { street, building, route_order: order, locality: 'Trasowo' });
    const m = await buildMeter(db, u.id, sp.id, { serial_number: `WM-${key.toUpperCase()}`, initial_reading: '100.000', radio_module_id: key === 'lip3' ? radio.id : null });
    ids[key] = m.id;
  }
  // The radio meter was heard this morning by a walk-by pass.
  await db.db.insertInto('readings').values({ utility_id: u.id, meter_id: ids.lip3, read_at: new Date(Date.now() - 3_600_000), value_m3: '104.250', source: 'remote' }).execute();
  await db.db.insertInto('staff_tasks').values({ utility_id: u.id, kind: 'leak', meter_id: ids.aka2, title: 'Wyciek: ul. Akacjowa 2' }).execute();
  await buildUser(db, u.id, { kind: 'staff', email: adminEmail, roles: ['admin'] });
  const reader = await buildUser(db, u.id, { kind: 'staff', email: readerEmail, roles: ['meter_reader'] });
  await db.db.updateTable('users').set({ name: readerName }).where('id', '=', reader.id).execute();
}, 180_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await server?.close();
});

async function newPage(opts: { phone?: boolean; serviceWorkers?: 'allow' | 'block' } = {}): Promise<{ page: Page; ctx: BrowserContext }> {
  const ctx = await browser.newContext({
    baseURL: server.origin,
    serviceWorkers: opts.serviceWorkers ?? 'block',
    ...(opts.phone ? { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true } : { viewport: { width: 1280, height: 800 } }),
  });
  contexts.push(ctx);
  return { page: await ctx.newPage(), ctx };
}

const at = (p: string) => `/t/${slug}${p}`;

async function seeText(loc: Locator, text: string | RegExp) {
  await loc.filter({ hasText: text }).first().waitFor({ timeout: 10_000 });
}

/** Waits for the page's heading, then checks it with axe and photographs it. */
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
  await page.waitForURL(/\/(staff|reader)/);
}

describe.skipIf(noChromium)('reading routes in the browser', { timeout: 120_000 }, () => {
  let admin: Page;
  let routeUrl = '';

  it('staff build a route in walking order and assign it to a meter reader', async () => {
    ({ page: admin } = await newPage());
    await logIn(admin, adminEmail);
    await admin.getByRole('navigation', { name: 'Menu główne' }).getByRole('link', { name: 'Trasy odczytowe' }).click();
    await arrive(admin, 'Trasy odczytowe', 'metering-routes-empty');
    await admin.getByRole('link', { name: 'Nowa trasa' }).click();
    await arrive(admin, 'Nowa trasa odczytowa', 'metering-route-builder');
    await admin.getByLabel('Miejscowość').selectOption('Trasowo');
    await admin.getByRole('checkbox', { name: /ul\. Lipowa/ }).check();
    await admin.getByRole('checkbox', { name: /ul\. Akacjowa/ }).check();
    await admin.getByRole('button', { name: 'Pokaż punkty trasy' }).click();
    await admin.getByRole('heading', { name: 'Punkty trasy w kolejności przejścia: 4' }).waitFor();
    const stops = await admin.locator('.preview-list li').allTextContents();
    expect(stops.map((s) => s.split(' (')[0])).toEqual(['ul. Lipowa 1', 'ul. Lipowa 3', 'ul. Lipowa 7', 'ul. Akacjowa 2']);
    expect(await seriousViolations(admin)).toEqual([]);
    await screenshot(admin, 'metering-route-preview');

    // Saving without a name is refused on the spot.
    await admin.getByRole('button', { name: 'Zapisz trasę' }).click();
    await seeText(admin.locator('.error-text'), 'To pole jest wymagane');
    await admin.getByLabel('Nazwa trasy').fill('Lipowa i Akacjowa');
    await admin.getByRole('button', { name: 'Zapisz trasę' }).click();
    await arrive(admin, 'Lipowa i Akacjowa', 'metering-route-detail');
    routeUrl = new URL(admin.url()).pathname;
    expect(await admin.getByTestId('count-read').textContent()).toBe('1'); // the radio meter heard this morning
    expect(await admin.getByTestId('count-missing').textContent()).toBe('3');
    expect(await admin.getByTestId('count-alarm').textContent()).toBe('1');

    // The period must not be reversed: the server's message is shown at the field.
    await admin.getByLabel('Inkasent').selectOption({ label: `${readerName} (${readerEmail})` });
    const today = new Date().toISOString().slice(0, 10);
    const inAWeek = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
    await admin.getByLabel('Od dnia').fill(inAWeek);
    await admin.getByLabel('Do dnia').fill(today);
    await admin.getByRole('button', { name: 'Przydziel trasę' }).click();
    await seeText(admin.locator('.error-text'), 'Koniec okresu nie może być wcześniejszy');
    await admin.getByLabel('Od dnia').fill(today);
    await admin.getByLabel('Do dnia').fill(inAWeek);
    await admin.getByRole('button', { name: 'Przydziel trasę' }).click();
    await seeText(admin.getByRole('status'), 'Trasa przydzielona');
    await seeText(admin.locator('.assignment-list'), readerName);
    expect(await seriousViolations(admin)).toEqual([]);
    await screenshot(admin, 'metering-route-assigned');
  });

  it('the reader works the route on a phone offline, and the reading is sent when the network returns', async () => {
    const { page, ctx } = await newPage({ phone: true });
    await logIn(page, readerEmail);
    await page.goto(at('/reader'));
    await arrive(page, 'Moje trasy na dziś', 'metering-reader-home');
    await seeText(page.locator('.sync-bar'), 'Wszystkie odczyty wysłane');
    await page.getByRole('link', { name: /Lipowa i Akacjowa/ }).click();
    await arrive(page, 'Lipowa i Akacjowa', 'metering-reader-route');
    const cards = page.locator('ol.stops li');
    expect(await cards.count()).toBe(4);
    await seeText(cards.nth(0), 'Do odczytu');
    await seeText(cards.nth(1), 'Odczytany radiowo');
    await seeText(cards.nth(3), 'Alarm');

    await cards.nth(0).getByRole('link').click();
    await arrive(page, 'ul. Lipowa 1', 'metering-reader-stop');
    await ctx.setOffline(true);
    await seeText(page.locator('.sync-bar'), 'Bez sieci');

    // A value with too many decimals is refused before anything is stored.
    const value = page.getByLabel('Stan licznika (m³)');
    await value.fill('123,4567');
    await page.getByRole('button', { name: 'Zapisz odczyt' }).click();
    await seeText(page.locator('.error-text'), 'najwyżej 3 cyfry po przecinku');
    await value.fill('123,5');
    await page.getByLabel('Zdjęcie licznika (nieobowiązkowe)').setInputFiles({ name: 'licznik.png', mimeType: 'image/png', buffer: PNG });
    await page.getByRole('button', { name: 'Zapisz odczyt' }).click();
    await seeText(page.getByTestId('waiting-count'), '1 odczyt czeka na wysłanie');
    await seeText(page.locator('main'), 'Zostanie wysłany, gdy wróci sieć');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'metering-reader-offline-queued');
    // Nothing reached the server while offline.
    expect(await countReaderReadings()).toBe(0);

    // Back on the route list (still offline) the stop shows its reading waiting.
    await page.getByRole('link', { name: '← Lista punktów' }).click();
    await page.getByRole('heading', { level: 1, name: 'Lipowa i Akacjowa' }).waitFor();
    await seeText(cards.nth(0), 'Czeka na wysłanie');
    await screenshot(page, 'metering-reader-route-offline');

    await ctx.setOffline(false);
    await seeText(page.getByTestId('waiting-count'), 'Wszystkie odczyty wysłane');
    // Once sent, the stop shows what the server stored: read (the list asks the server again).
    await seeText(cards.nth(0), 'Odczytany');
    await screenshot(page, 'metering-reader-sent');
    const stored = await server.database.db
      .selectFrom('readings')
      .select(['meter_id', 'value_m3', 'source', 'status', 'photo_file_id'])
      .where('source', '=', 'reader')
      .execute();
    expect(stored).toEqual([{ meter_id: ids.lip1, value_m3: '123.500', source: 'reader', status: 'accepted', photo_file_id: expect.any(Number) }]);
    const photo = await server.database.db.selectFrom('files').select(['content_type']).where('id', '=', stored[0].photo_file_id!).executeTakeFirstOrThrow();
    expect(photo.content_type).toBe('image/jpeg');
  });

  it('the staff progress shows the stop read', async () => {
    await admin.goto(routeUrl);
    await arrive(admin, 'Lipowa i Akacjowa', 'metering-route-progress');
    expect(await admin.getByTestId('count-read').textContent()).toBe('2');
    expect(await admin.getByTestId('count-missing').textContent()).toBe('2');
    const first = admin.locator('main table tbody tr').first();
    await seeText(first, 'odczytany');
    await seeText(first, '123,500 m³');
    await seeText(first, 'inkasent');
    // The reader's photo is there for the staff to verify the reading.
    const href = await first.getByRole('link', { name: /zdjęcie/ }).getAttribute('href');
    const photo = await admin.request.get(href!);
    expect(photo.status()).toBe(200);
    expect(photo.headers()['content-type']).toBe('image/jpeg');
  });

  it('the remote-reading pages: walk-by upload, quarantine, gateways and alarm tasks', async () => {
    await admin.getByRole('navigation', { name: 'Menu główne' }).getByRole('link', { name: 'Pliki z inkasenta' }).click();
    await arrive(admin, 'Pliki z odczytów inkasenckich', 'metering-walkby');
    await admin.getByRole('button', { name: 'Wczytaj' }).click();
    await seeText(admin.locator('.error-text'), 'Prosimy wybrać plik');
    // A telegram from a module nobody registered goes to quarantine, never lost.
    const unknown = '1E44B05C7856341201077A000000002F2F0413E8030000426CFF2CFFFFFFFF';
    await admin.getByLabel('Plik z telegramami').setInputFiles({ name: 'obchod.txt', mimeType: 'text/plain', buffer: Buffer.from(`${unknown}\nto nie jest telegram\n`) });
    await admin.getByRole('button', { name: 'Wczytaj' }).click();
    const summary = admin.getByTestId('upload-summary');
    await summary.waitFor();
    await seeText(summary, 'Telegramy: 1');
    await seeText(summary, 'W kwarantannie: 1');
    expect(await seriousViolations(admin)).toEqual([]);
    await screenshot(admin, 'metering-walkby-done');

    await summary.getByRole('link', { name: 'zobacz kwarantannę' }).click();
    await arrive(admin, 'Kwarantanna telegramów', 'metering-quarantine');
    await seeText(admin.locator('main table'), unknown);

    await admin.getByRole('navigation', { name: 'Menu główne' }).getByRole('link', { name: 'Bramki radiowe' }).click();
    await arrive(admin, 'Bramki radiowe (sieć stacjonarna)', 'metering-gateways');
    await admin.getByLabel('Nazwa bramki').fill('Wieża ciśnień, ul. Polna');
    await admin.getByRole('button', { name: 'Zarejestruj bramkę' }).click();
    const token = await admin.getByTestId('gateway-token').textContent();
    expect(token?.length).toBeGreaterThan(20);
    await seeText(admin.locator('main table'), 'Wieża ciśnień, ul. Polna');
    await admin.getByRole('button', { name: 'Kopiuj token' }).waitFor();
    expect(await seriousViolations(admin)).toEqual([]);
    await screenshot(admin, 'metering-gateway-created');

    await admin.getByRole('navigation', { name: 'Menu główne' }).getByRole('link', { name: 'Alarmy' }).click();
    await arrive(admin, 'Alarmy z wodomierzy', 'metering-tasks');
    await admin.getByRole('button', { name: /Zamknij.*Wyciek: ul\. Akacjowa 2/ }).click();
    await seeText(admin.getByRole('status'), 'Zamknięto: Wyciek: ul. Akacjowa 2');
    await seeText(admin.locator('main'), 'Brak otwartych alarmów');
    await screenshot(admin, 'metering-tasks-closed');
  });

  it('the service worker keeps the reader view opening without a network', async () => {
    const { page, ctx } = await newPage({ phone: true, serviceWorkers: 'allow' });
    await logIn(page, readerEmail);
    await page.goto(at('/reader'));
    await page.getByRole('heading', { level: 1, name: 'Moje trasy na dziś' }).waitFor();
    const script = await page.evaluate<string>("navigator.serviceWorker.ready.then((r) => (r.active ? r.active.scriptURL : ''))");
    expect(script).toContain(`/t/${slug}/reader-sw.js`);
    // Once controlled (after a reload), the shell and the route list come from the phone.
    await page.reload();
    await page.getByRole('link', { name: /Lipowa i Akacjowa/ }).waitFor();
    await page.waitForLoadState('networkidle');
    await ctx.setOffline(true);
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Moje trasy na dziś' }).waitFor();
    await seeText(page.locator('main'), 'dane zapisane w telefonie');
    await page.getByRole('link', { name: /Lipowa i Akacjowa/ }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'metering-reader-offline-reload');
    await ctx.setOffline(false);
  });

  it("the reader's unsent reading survives a reload of the phone's page while offline, and is sent and stored once when the network returns", async () => {
    const { page, ctx } = await newPage({ phone: true, serviceWorkers: 'allow' });
    await logIn(page, readerEmail);
    await page.goto(at('/reader'));
    await page.getByRole('heading', { level: 1, name: 'Moje trasy na dziś' }).waitFor();
    await page.evaluate('navigator.serviceWorker.ready.then(() => true)');
    await page.reload(); // from now on the service worker controls the page, as on a reader's phone
    await page.getByRole('link', { name: /Lipowa i Akacjowa/ }).click();
    await page.getByRole('heading', { level: 1, name: 'Lipowa i Akacjowa' }).waitFor();
    await page.locator('ol.stops li').nth(2).getByRole('link').click();
    await page.getByRole('heading', { level: 1, name: 'ul. Lipowa 7' }).waitFor();
    await page.waitForLoadState('networkidle');

    await ctx.setOffline(true);
    await seeText(page.locator('.sync-bar'), 'Bez sieci');
    await page.getByLabel('Stan licznika (m³)').fill('207,125');
    await page.getByRole('button', { name: 'Zapisz odczyt' }).click();
    await seeText(page.getByTestId('waiting-count'), '1 odczyt czeka na wysłanie');

    // The page reloaded without a network: the reading is still on the phone, waiting.
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'ul. Lipowa 7' }).waitFor();
    await seeText(page.locator('.sync-bar'), 'Bez sieci');
    await seeText(page.getByTestId('waiting-count'), '1 odczyt czeka na wysłanie');
    expect(await phoneOutbox(page)).toEqual([{ meterId: ids.lip7, valueM3: '207.125', state: 'queued' }]);
    expect(await readerReadingsOf(ids.lip7)).toEqual([]);
    await screenshot(page, 'metering-reader-offline-after-reload');

    await ctx.setOffline(false);
    await seeText(page.getByTestId('waiting-count'), 'Wszystkie odczyty wysłane');
    expect(await phoneOutbox(page)).toEqual([]);
    expect(await readerReadingsOf(ids.lip7)).toEqual([{ value_m3: '207.125', status: 'accepted' }]);

    // Reloading online again (every send trigger: load, `online`, the timer) stores nothing twice.
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'ul. Lipowa 7' }).waitFor();
    await page.waitForLoadState('networkidle');
    await seeText(page.getByTestId('waiting-count'), 'Wszystkie odczyty wysłane');
    expect(await readerReadingsOf(ids.lip7)).toEqual([{ value_m3: '207.125', status: 'accepted' }]);
  });
});

/** The readings waiting in the phone's own storage (IndexedDB 'wodnik-reader', store 'outbox'), as the page sees them. */
function phoneOutbox(page: Page): Promise<{ meterId: number; valueM3: string; state: string }[]> {
  // A string, evaluated in the page: the tests are type-checked without the DOM's types.
  return page.evaluate(`new Promise((resolve, reject) => {
    const req = indexedDB.open('wodnik-reader');
    req.onerror = () => reject(req.error);
    req.onsuccess = () => {
      const all = req.result.transaction('outbox', 'readonly').objectStore('outbox').getAll();
      all.onerror = () => reject(all.error);
      all.onsuccess = () => {
        req.result.close();
        resolve(all.result.map((r) => ({ meterId: r.meterId, valueM3: r.valueM3, state: r.state })));
      };
    };
  })`);
}

async function readerReadingsOf(meterId: number): Promise<{ value_m3: string; status: string }[]> {
  return server.database.db.selectFrom('readings').select(['value_m3', 'status']).where('source', '=', 'reader').where('meter_id', '=', meterId).execute();
}

async function countReaderReadings(): Promise<number> {
  const rows = await server.database.db.selectFrom('readings').select('id').where('source', '=', 'reader').where('utility_id', '=', utilityId).execute();
  return rows.length;
}
