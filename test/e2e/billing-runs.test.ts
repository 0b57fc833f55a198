/**
 * Billing runs in a real browser against the real server:
 * (a) a billing clerk starts a run for September–October, sees its preview
 *     (totals, the contracts held back with their reasons in Polish),
 *     approves and issues it, watches the progress to the end, opens an
 *     issued invoice from the run and corrects it: the engine recomputes the
 *     bill from a corrected closing register, before / after / difference are
 *     shown, and the KOR invoice is issued;
 * (b) a customer activates e-invoices in the portal (by e-mail too); the
 *     next run, for that customer, bills the e-invoice fee of 3,60 zł; the
 *     invoice's PDF and delivery jobs run, the e-mail waits in the outbox
 *     with the PDF attached, and the portal lists the invoice with its PDF
 *     and XML.
 * Pages are checked with axe and photographed (test-results/screenshots).
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { loadConfig } from '../../src/config.ts';
import { drainJobs } from '../../src/jobs/queue.ts';
import { TEST_PASSWORD, buildUser } from '../support/factories.ts';
import { buildBillingWorld, type World } from '../support/billing-world.ts';
import { chromiumMissing, launchBrowser, screenshot, seriousViolations, startE2eServer, type E2eServer } from './support.ts';

let server: E2eServer;
let browser: Browser;
let w: World;
const contexts: BrowserContext[] = [];
const noChromium = chromiumMissing();
const clerkEmail = 'rozliczenia@zgk-przebiegi.example';
const customerEmail = 'klient2@zgk-przebiegi.example';
const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', WODNIK_SECRET_KEY: '22'.repeat(32) });

beforeAll(async () => {
  if (noChromium) return;
  [server, browser] = await Promise.all([startE2eServer(), launchBrowser()]);
  const db = server.database.db;
  // Households K000001–K000003 (K000001 on e-invoices), a business, a community, four to be held back.
  w = await buildBillingWorld(server.database, 3);
  await buildUser(server.database, w.utilityId, { kind: 'staff', email: clerkEmail, roles: ['billing'] });
  const k2 = await db.selectFrom('customers').select('id').where('utility_id', '=', w.utilityId).where('customer_number', '=', 'K000002').executeTakeFirstOrThrow();
  await db.updateTable('customers').set({ email: customerEmail }).where('id', '=', k2.id).execute();
  await buildUser(server.database, w.utilityId, { kind: 'customer', email: customerEmail, customerIds: [Number(k2.id)] });
  await db
    .insertInto('terms_versions')
    .values({ utility_id: w.utilityId, kind: 'einvoice', version: '2026-12', title: 'Akceptacja przesyłania i udostępniania e-faktur', body: '§ 1. Odbiorca akceptuje przesyłanie faktur w formie elektronicznej.' })
    .execute();
}, 180_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await server?.close();
});

const at = (p: string) => `/t/${w.slug}${p}`;

async function newPage(): Promise<Page> {
  const ctx = await browser.newContext({ baseURL: server.origin, viewport: { width: 1280, height: 800 } });
  contexts.push(ctx);
  return ctx.newPage();
}

async function logIn(page: Page, email: string) {
  await page.goto(at('/login'));
  await page.getByLabel('Adres e-mail').fill(email);
  await page.getByLabel('Hasło', { exact: true }).fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Zaloguj się' }).click();
  await page.waitForURL(/\/(staff|portal)/);
}

async function seeText(loc: Locator, text: string | RegExp, timeout = 15_000) {
  await loc.filter({ hasText: text }).first().waitFor({ timeout });
}

async function check(page: Page, shot: string) {
  await page.waitForLoadState('networkidle');
  expect(await seriousViolations(page), `axe on ${shot}`).toEqual([]);
  await screenshot(page, shot);
}

/** Starts a run from the form and issues it; returns the run page's id. */
async function runAndIssue(page: Page, from: string, to: string | null, customer?: string): Promise<string> {
  await page.goto(at('/staff/billing-runs'));
  await page.getByRole('heading', { level: 1, name: 'Przebiegi rozliczeń' }).waitFor();
  await page.getByLabel('Okres od (miesiąc)').fill(from);
  if (to) await page.getByLabel('Okres do (miesiąc)').fill(to);
  if (customer) {
    await page.getByLabel('Zakres przebiegu').selectOption({ label: 'Jeden odbiorca' });
    await page.getByLabel('Numer odbiorcy').fill(customer);
  }
  await page.getByRole('button', { name: 'Oblicz podgląd' }).click();
  await page.getByRole('heading', { level: 1, name: /^Przebieg rozliczeń nr \d+$/ }).waitFor();
  return /\/staff\/billing-runs\/(\d+)/.exec(page.url())![1];
}

describe.skipIf(noChromium)('billing runs in the browser', { timeout: 180_000 }, () => {
  it('a clerk previews, approves and issues a run, then corrects one invoice from the readings', async () => {
    const page = await newPage();
    await logIn(page, clerkEmail);
    await page.getByRole('navigation', { name: 'Menu główne' }).getByRole('link', { name: 'Przebiegi rozliczeń' }).click();
    await page.getByRole('heading', { level: 1, name: 'Przebiegi rozliczeń' }).waitFor();

    await runAndIssue(page, '2026-09', '2026-10');
    const main = page.locator('main');
    // The preview: 9 contracts, 5 to bill, 4 held back with their reasons in Polish.
    await seeText(main, 'Podgląd');
    await seeText(main.locator('dd'), /^9$/);
    await seeText(main, 'Odbiorca bez pełnego adresu: 1 umowa');
    await seeText(main, 'Odczyt niższy niż poprzedni bez wymiany wodomierza: 1 umowa');
    await seeText(main, 'Błędny NIP nabywcy (cyfra kontrolna): 1 umowa');
    await seeText(main, 'Nieprawdopodobnie wysokie zużycie – do weryfikacji: 1 umowa');
    await page.getByLabel('Pokaż').selectOption({ label: 'wstrzymane' });
    await seeText(page.getByRole('status'), 'Umowy 1–4 z 4');
    await page.getByLabel('Pokaż').selectOption({ label: 'wszystkie' });
    // UM/1 worked by hand in test/billing-runs.test.ts: gross 201,81 zł.
    await seeText(page.locator('tbody tr').filter({ hasText: 'UM/1' }), '201,81');
    await check(page, 'runs-preview-1280');

    await page.getByRole('button', { name: 'Zatwierdź przebieg' }).click();
    await seeText(main, 'Przebieg zatwierdzony.');
    await page.getByRole('button', { name: 'Wystaw faktury' }).click();
    // Issuing runs in the background; the page asks until it is over.
    await seeText(page.getByRole('status'), 'Wystawiono wszystkie faktury przebiegu.', 60_000);
    const row = page.locator('tbody tr').filter({ hasText: 'UM/1' });
    await seeText(row, /FV\/\d{4}\/\d{2}\/000001/);
    await screenshot(page, 'runs-issued-1280');

    await row.getByRole('link', { name: /^FV\// }).click();
    await page.getByRole('heading', { level: 1, name: /^FV\/\d{4}\/\d{2}\/000001$/ }).waitFor();
    const form = page.getByRole('form', { name: 'Korekta przeliczona z odczytów' });
    await form.getByLabel('Co było błędne', { exact: true }).fill('Stan końcowy SN1 to 106,100 m³');
    await form.getByLabel('Poprawiony stan końcowy wodomierza SN1 (m³)').fill('106,100');
    await form.getByRole('button', { name: 'Przelicz' }).click();
    // 6,100 m³ instead of 12,345 m³: gross 104,63 zł instead of 201,81 zł (worked in test/billing-corrections.test.ts).
    await seeText(form.getByRole('status'), 'brutto −97,18 zł');
    await seeText(form, 'Netto 96,88 zł, VAT 7,75 zł, brutto 104,63 zł');
    await check(page, 'runs-correction-preview-1280');
    await form.getByRole('button', { name: 'Zatwierdź korektę' }).click();
    await seeText(form, /Wystawiono korektę KOR\/\d{4}\/\d{2}\/000001\./);
    await seeText(main, '−97,18 zł');
  });

  it('a customer activates e-invoices; the next run bills 3,60 zł, e-mails the PDF, and the portal lists it with PDF and XML', async () => {
    const portal = await newPage();
    await logIn(portal, customerEmail);
    await portal.goto(at('/portal/einvoice'));
    await portal.getByRole('heading', { level: 1, name: 'E-faktura' }).waitFor();
    await portal.getByLabel(`W e-BOK oraz e-mailem na adres ${customerEmail}`).check();
    await portal.getByLabel(/akceptuję przesyłanie i udostępnianie e-faktur/).check();
    await portal.getByRole('button', { name: 'Włącz e-fakturę' }).click();
    await seeText(portal.getByRole('status'), 'E-faktura została zamówiona');
    // From the start of the next billing period of the contract's cycle.
    const consent = await server.database.db
      .selectFrom('einvoice_consents as k')
      .innerJoin('customers as c', 'c.id', 'k.customer_id')
      .select(sql<string>`k.effective_from::text`.as('from'))
      .where('c.customer_number', '=', 'K000002')
      .executeTakeFirstOrThrow();
    const month = consent.from.slice(0, 7);
    const end = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).toISOString().slice(0, 10);
    // The reader's register at the end of that month: 2,000 m³ more.
    await sql`insert into readings (utility_id, meter_id, read_at, value_m3, source)
              select ${w.utilityId}, m.id, ${`${end}T12:00:00+01:00`}::timestamptz, 115.845, 'reader' from meters m
              where m.utility_id = ${w.utilityId} and m.serial_number = 'SN2'`.execute(server.database.db);

    const page = await newPage();
    await logIn(page, clerkEmail);
    await runAndIssue(page, month, null, 'K000002');
    await seeText(page.locator('main'), 'Jeden odbiorca');
    await page.getByRole('button', { name: 'Zatwierdź przebieg' }).click();
    await page.getByRole('button', { name: 'Wystaw faktury' }).click();
    await seeText(page.getByRole('status'), 'Wystawiono wszystkie faktury przebiegu.', 60_000);
    const row = page.locator('tbody tr').filter({ hasText: 'UM/2' });
    await seeText(row, 'e-faktura');
    await row.getByRole('link', { name: /^FV\// }).click();
    // The page's title is the invoice's number once the invoice has loaded.
    const heading = page.getByRole('heading', { level: 1, name: /^FV\/\d{4}\/\d{2}\/\d{6}$/ });
    await heading.waitFor();
    const number = (await heading.textContent())!;
    const fee = page.locator('tbody tr').filter({ hasText: 'Opłata abonamentowa (e-faktura)' });
    await seeText(fee, '3,60 zł');

    // The background work: the PDF, then the delivery (an e-mail with the PDF, in the outbox).
    await drainJobs(server.database, config, { kinds: ['invoice.pdf', 'invoice.deliver'] });
    const mail = await server.database.db.selectFrom('email_outbox').selectAll().where('to_address', '=', customerEmail).where('template', '=', 'invoice').executeTakeFirstOrThrow();
    expect(mail.subject).toContain(number);
    const attachments = (typeof mail.attachments === 'string' ? JSON.parse(mail.attachments) : mail.attachments) as { fileId: number; filename: string }[];
    expect(attachments).toHaveLength(1);
    expect(attachments[0].filename).toMatch(/\.pdf$/);
    const file = await server.database.db.selectFrom('files').select('data').where('id', '=', attachments[0].fileId).executeTakeFirstOrThrow();
    expect(Buffer.from(file.data as Uint8Array).subarray(0, 5).toString()).toBe('%PDF-');
    const outbox = await portal.request.get(at('/api/dev/outbox?limit=5'));
    expect((await outbox.json()).items.some((m: { to: string; subject: string }) => m.to === customerEmail && m.subject.includes(number))).toBe(true);

    await portal.goto(at('/portal/invoices'));
    await portal.getByRole('heading', { level: 1, name: 'Faktury' }).waitFor();
    const listed = portal.locator('tbody tr').filter({ hasText: number });
    await seeText(listed, number);
    const pdf = await portal.request.get((await listed.getByRole('link', { name: `Pobierz PDF dokumentu ${number}` }).getAttribute('href'))!);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    const xml = await portal.request.get((await listed.getByRole('link', { name: `Pobierz XML dokumentu ${number}` }).getAttribute('href'))!);
    expect(xml.status()).toBe(200);
    expect((await xml.body()).toString()).toContain(number);
    await check(portal, 'runs-portal-invoices-1280');
  });
});
