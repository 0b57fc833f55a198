/**
 * E-invoices and invoices in a real browser against the real server: a
 * customer switches to e-invoices and sees the saving, the portal lists an
 * invoice with its PDF and XML, and a billing clerk corrects the invoice.
 * Every page is checked with axe and photographed at 1280 and 360 px wide
 * into test-results/screenshots. Until billing runs make them, the invoice
 * is inserted with a document from the FA(3) sample documents and its XML
 * made by the real builder.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { buildFa3 } from '../../src/modules/billing/fa3/index.ts';
import { householdInvoice } from '../../src/modules/billing/fa3/testing/sample-documents.ts';
import { TEST_PASSWORD, buildContract, buildCustomer, buildServicePoint, buildUser, buildUtility } from '../support/factories.ts';
import { chromiumMissing, launchBrowser, screenshot, seriousViolations, startE2eServer, type E2eServer } from './support.ts';

let server: E2eServer;
let browser: Browser;
let slug: string;
const contexts: BrowserContext[] = [];
const noChromium = chromiumMissing();
const customerEmail = 'halina.einv@example.com';
const clerkEmail = 'rozliczenia@zgk-einv.example';
const deskEmail = 'bok@zgk-einv.example';
/** A customer who is not registered in the portal and signs a paper form. */
let paperCustomerId = 0;
let xmlBytes: Buffer;

beforeAll(async () => {
  if (noChromium) return;
  [server, browser] = await Promise.all([startE2eServer(), launchBrowser()]);
  const db = server.database;
  const u = await buildUtility(db, { name: 'Zakład Wodociągów w Brzegowie Sp. z o.o.', short_name: 'ZW Brzegowo' });
  slug = u.slug;
  const c = await buildCustomer(db, u.id, { name: 'Halina Przybylska', email: customerEmail, customer_number: 'K/000123' });
  const sp = await buildServicePoint(db, u.id, { street: 'ul. Nadrzeczna', building: '7' });
  await buildContract(db, u.id, c.id, sp.id);
  const tariff = await db.db
    .insertInto('tariffs')
    .values({ utility_id: u.id, name: 'Taryfa 2026–2028', decision_number: 'WA.RZT.70.1.2026', valid_from: '2020-01-01' })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db.db
    .insertInto('tariff_groups')
    .values({ utility_id: u.id, tariff_id: tariff.id, code: 'G1', name: 'Gospodarstwa domowe', water_price_net_grosze: 450, sewage_price_net_grosze: 710, subscription_fee_paper_net_grosze: 600, subscription_fee_einvoice_net_grosze: 360 })
    .execute();
  await db.db
    .insertInto('terms_versions')
    .values({
      utility_id: u.id,
      kind: 'einvoice',
      version: '2026-12',
      title: 'Akceptacja przesyłania i udostępniania e-faktur',
      body: '§ 1. Przedmiot\n\nOdbiorca akceptuje przesyłanie i udostępnianie faktur w formie elektronicznej.\n\n§ 2. Opłata abonamentowa\n\nOd następnego okresu rozliczeniowego stosuje się opłatę właściwą dla e-faktury.',
    })
    .execute();
  await buildUser(db, u.id, { kind: 'customer', email: customerEmail, customerIds: [c.id] });
  await buildUser(db, u.id, { kind: 'staff', email: clerkEmail, roles: ['billing'] });
  await buildUser(db, u.id, { kind: 'staff', email: deskEmail, roles: ['customer_service'] });
  const paper = await buildCustomer(db, u.id, { name: 'Zenon Papierowy', email: 'zenon.papierowy@example.com' });
  paperCustomerId = paper.id;
  await buildContract(db, u.id, paper.id, (await buildServicePoint(db, u.id)).id);
  const doc = householdInvoice();
  const d = { ...doc, buyer: { ...doc.buyer, name: 'Halina Przybylska', customerNumber: 'K/000123' } };
  xmlBytes = Buffer.from(buildFa3(d));
  const pdf = await db.db
    .insertInto('files')
    .values({ utility_id: u.id, name: 'FV_2026_03_000123.pdf', content_type: 'application/pdf', size_bytes: 9, sha256: '00', data: Buffer.from('%PDF-1.7\n') })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db.db
    .insertInto('invoices')
    .values({
      utility_id: u.id,
      invoice_number: d.number,
      kind: 'invoice',
      series: 'FV',
      customer_id: c.id,
      issue_date: d.issueDate,
      period_from: d.period.from,
      period_to: d.period.to,
      due_date: d.dueDate,
      net_grosze: d.totals.net,
      vat_grosze: d.totals.vat,
      gross_grosze: d.totals.gross,
      buyer_kind: 'household',
      document: JSON.stringify(d),
      xml: xmlBytes,
      pdf_file_id: pdf.id,
    })
    .execute();
}, 120_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await server?.close();
});

async function newPage(width: 1280 | 360): Promise<Page> {
  const ctx = await browser.newContext({ baseURL: server.origin, viewport: { width, height: width === 360 ? 780 : 800 } });
  contexts.push(ctx);
  return ctx.newPage();
}

const at = (p: string) => `/t/${slug}${p}`;

async function seeText(loc: Locator, text: string) {
  await loc.filter({ hasText: text }).first().waitFor({ timeout: 10_000 });
}

async function arrive(page: Page, heading: string | RegExp, shot: string, opts: { axe?: boolean } = {}) {
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  await page.waitForLoadState('networkidle');
  if (opts.axe !== false) expect(await seriousViolations(page), `axe on ${shot}`).toEqual([]);
  await screenshot(page, shot);
}

async function logIn(page: Page, email: string) {
  await page.goto(at('/login'));
  await page.getByLabel('Adres e-mail').fill(email);
  await page.getByLabel('Hasło', { exact: true }).fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Zaloguj się' }).click();
}

describe.skipIf(noChromium)('e-invoices and invoices in the browser', () => {
  it('a customer switches to e-invoices, sees the saving, and finds the invoice with its PDF and XML', async () => {
    const page = await newPage(1280);
    await logIn(page, customerEmail);
    const main = page.locator('main');
    // The Pulpit offers the saving: 6,48 zł − 3,89 zł gross a month.
    await seeText(main, 'obniża opłatę abonamentową o 2,59 zł brutto miesięcznie');
    await arrive(page, 'Pulpit', 'einvoice-pulpit-1280');
    await page.getByRole('link', { name: 'E-faktura', exact: true }).click();
    await arrive(page, 'E-faktura', 'einvoice-offer-1280');
    await seeText(main, 'Faktury są wysyłane w formie papierowej');
    await seeText(main, '3,60 zł netto zamiast 6,00 zł netto');
    // Without accepting the terms nothing is sent.
    await page.getByRole('button', { name: 'Włącz e-fakturę' }).click();
    await seeText(main, 'Prosimy zaakceptować warunki e-faktury.');
    await page.getByLabel(`W e-BOK oraz e-mailem na adres ${customerEmail}`).check();
    await page.getByLabel(/akceptuję przesyłanie i udostępnianie e-faktur/).check();
    await page.getByRole('button', { name: 'Włącz e-fakturę' }).click();
    await seeText(page.getByRole('status'), 'E-faktura została zamówiona');
    await seeText(main, 'Niższa opłata abonamentowa będzie obowiązywać od');
    await arrive(page, 'E-faktura', 'einvoice-active-1280');

    await page.getByRole('link', { name: 'Faktury', exact: true }).click();
    await arrive(page, 'Faktury', 'invoices-1280');
    const row = page.locator('tbody tr').first();
    await seeText(row, 'FV/2026/03/000123');
    await seeText(row, '203,75 zł');
    await seeText(row, '16.03.2026');
    const xml = row.getByRole('link', { name: 'Pobierz XML dokumentu FV/2026/03/000123' });
    const pdf = row.getByRole('link', { name: 'Pobierz PDF dokumentu FV/2026/03/000123' });
    const xmlRes = await page.request.get((await xml.getAttribute('href'))!);
    expect(xmlRes.status()).toBe(200);
    expect(Buffer.from(await xmlRes.body()).equals(xmlBytes)).toBe(true);
    const pdfRes = await page.request.get((await pdf.getAttribute('href'))!);
    expect(pdfRes.status()).toBe(200);
    expect(pdfRes.headers()['content-type']).toBe('application/pdf');

    // The same pages on a narrow phone.
    const phone = await newPage(360);
    await logIn(phone, customerEmail);
    await phone.getByRole('heading', { level: 1, name: 'Pulpit' }).waitFor();
    await phone.goto(at('/portal/einvoice'));
    await arrive(phone, 'E-faktura', 'einvoice-active-360', { axe: false });
    await phone.goto(at('/portal/invoices'));
    await arrive(phone, 'Faktury', 'invoices-360', { axe: false });
  });

  it('customer service records the consent of a signed paper form with its scan', async () => {
    const page = await newPage(1280);
    await logIn(page, deskEmail);
    await page.getByRole('heading', { level: 1, name: 'Podsumowanie' }).waitFor();
    await page.goto(at(`/staff/customers/${paperCustomerId}`));
    await page.getByRole('heading', { level: 1, name: 'Zenon Papierowy' }).waitFor();
    const section = page.locator('section', { has: page.getByRole('heading', { level: 2, name: 'E-faktura' }) });
    await seeText(section, 'Faktury są wysyłane w formie papierowej');
    await page.getByLabel(/Skan podpisanego formularza/).setInputFiles({ name: 'zgoda.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n% podpisany formularz\n') });
    await page.getByLabel(/Klient podpisał formularz akceptacji warunków w wersji 2026-12/).check();
    await page.getByRole('button', { name: 'Zapisz zgodę' }).click();
    await seeText(page.getByRole('status'), 'Zgoda została zapisana.');
    await seeText(section, 'Formularz papierowy');
    await seeText(section, 'zenon.papierowy@example.com');
    await arrive(page, 'Zenon Papierowy', 'staff-einvoice-form-1280');
    const scan = await page.request.get((await section.getByRole('link', { name: 'Skan' }).getAttribute('href'))!);
    expect(scan.status()).toBe(200);
    expect((await scan.body()).toString()).toBe('%PDF-1.4\n% podpisany formularz\n');
  });

  it('a billing clerk finds the invoice and issues a correction', async () => {
    const page = await newPage(1280);
    await logIn(page, clerkEmail);
    await page.getByRole('heading', { level: 1, name: 'Podsumowanie' }).waitFor();
    await page.goto(at('/staff/invoices'));
    await arrive(page, 'Faktury', 'staff-invoices-1280');
    await page.getByLabel('Numer faktury').fill('FV/2026/03');
    await page.getByRole('button', { name: 'Szukaj faktur' }).click();
    await seeText(page.getByRole('status'), 'Znaleziono 1 dokument');
    await page.getByRole('link', { name: 'FV/2026/03/000123', exact: true }).click();
    await arrive(page, 'FV/2026/03/000123', 'staff-invoice-1280');
    await page.getByLabel('Opis (co było błędne)').fill('Stan końcowy wodomierza A1 to 133,500 m³');
    await page.getByLabel('Poprawny stan końcowy wodomierza A1 (m³)').fill('133,500');
    await page.getByLabel('Pozycja 2: Ilość').fill('8,246');
    await page.getByRole('button', { name: 'Wystaw korektę' }).click();
    await seeText(page.getByRole('status'), 'Wystawiono korektę KOR/');
    // The invoice now lists its correction, and the lines a further correction would start from are the corrected ones.
    await seeText(page.locator('main'), '−9,72 zł');
    await arrive(page, 'FV/2026/03/000123', 'staff-invoice-corrected-1280');
    await page.getByRole('link', { name: /^KOR\/\d{4}\/\d{2}\/000001$/ }).click();
    await arrive(page, /^KOR\//, 'staff-correction-1280');
    await seeText(page.locator('main'), 'Różnica: netto −9,00 zł, VAT −0,72 zł, brutto −9,72 zł');

    const phone = await newPage(360);
    await logIn(phone, clerkEmail);
    await phone.getByRole('heading', { level: 1, name: 'Podsumowanie' }).waitFor();
    await phone.goto(at('/staff/invoices?number=KOR'));
    await arrive(phone, 'Faktury', 'staff-invoices-360', { axe: false });
    await seeText(phone.locator('main'), 'Korekta faktury FV/2026/03/000123');
  });
});
