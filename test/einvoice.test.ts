/**
 * E-invoice consent, the portal's invoices and corrections through the HTTP
 * API on a real database: who may do what, what is recorded, from which day
 * the e-invoice fee applies (read back through billing's delivery rule), the
 * stored documents served byte for byte, and a correction that validates
 * against the official FA(3) schema and leaves the original as it was.
 */
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveryChanges } from '../src/modules/billing/delivery.ts';
import { buildFa3, validateFa3 } from '../src/modules/billing/fa3/index.ts';
import { householdInvoice } from '../src/modules/billing/fa3/testing/sample-documents.ts';
import type { CorrectionDocument, InvoiceDocument } from '../src/modules/billing/invoice-document.ts';
import { localDate, nextBillingPeriodStart } from '../src/modules/einvoice/billing-period.ts';
import { client, createTestApp, type Client, type TestApp } from './support/app.ts';
import { TEST_PASSWORD, buildContract, buildCustomer, buildServicePoint, buildUser, buildUtility } from './support/factories.ts';
import { sharedPath } from './support/shared.ts';

let t: TestApp;
let slug: string;
let utilityId: number;
let customerId: number;
let otherCustomerId: number;
let termsId: number;
let invoiceId: number;
let otherInvoiceId: number;
let invoiceXmlBytes: Buffer;
let contract: { id: number; contract_number: string; place: string };
const customerEmail = 'maria.wodna@example.com';
const today = () => localDate(new Date());

async function login(email: string): Promise<Client> {
  const c = client(t.app, slug);
  const res = await c.post('/api/auth/login', { email, password: TEST_PASSWORD });
  expect(res.statusCode, res.body).toBe(200);
  return c;
}

async function insertInvoice(doc: InvoiceDocument, customer: number, contractId: number | null = null): Promise<number> {
  const xml = Buffer.from(buildFa3(doc));
  const row = await t.database.db
    .insertInto('invoices')
    .values({
      utility_id: utilityId,
      invoice_number: doc.number,
      kind: 'invoice',
      series: 'FV',
      customer_id: customer,
      contract_id: contractId,
      issue_date: doc.issueDate,
      period_from: doc.period.from,
      period_to: doc.period.to,
      due_date: doc.dueDate,
      net_grosze: doc.totals.net,
      vat_grosze: doc.totals.vat,
      gross_grosze: doc.totals.gross,
      buyer_kind: doc.buyer.kind,
      document: JSON.stringify(doc),
      xml,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (customer === customerId) invoiceXmlBytes = xml;
  return row.id;
}

beforeAll(async () => {
  t = await createTestApp();
  const db = t.database;
  const u = await buildUtility(db);
  slug = u.slug;
  utilityId = u.id;
  const c = await buildCustomer(db, u.id, { name: 'Maria Wodna', email: customerEmail, customer_number: 'K/000123' });
  customerId = c.id;
  const sp = await buildServicePoint(db, u.id, { street: 'ul. Ogrodowa', building: '7', apartment: '2', postal_code: '16-060' });
  const k = await buildContract(db, u.id, c.id, sp.id); // G1, bimonthly
  contract = { id: k.id, contract_number: k.contract_number, place: 'ul. Ogrodowa 7/2, 16-060 Wodnikowo' };
  const other = await buildCustomer(db, u.id, { name: 'Sąsiad Obcy', customer_number: 'K/000999' });
  otherCustomerId = other.id;
  const tariff = await db.db
    .insertInto('tariffs')
    .values({ utility_id: u.id, name: 'Taryfa 2026–2028', decision_number: 'WA.RZT.70.1.2026', valid_from: '2020-01-01' })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db.db
    .insertInto('tariff_groups')
    .values({
      utility_id: u.id,
      tariff_id: tariff.id,
      code: 'G1',
      name: 'Gospodarstwa domowe',
      water_price_net_grosze: 450,
      sewage_price_net_grosze: 710,
      subscription_fee_paper_net_grosze: 600,
      subscription_fee_einvoice_net_grosze: 360,
    })
    .execute();
  termsId = (
    await db.db
      .insertInto('terms_versions')
      .values({ utility_id: u.id, kind: 'einvoice', version: '2026-12', title: 'Akceptacja przesyłania i udostępniania e-faktur', body: '§ 1. Faktury elektroniczne.' })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
  await buildUser(db, u.id, { kind: 'customer', email: customerEmail, customerIds: [c.id] });
  await buildUser(db, u.id, { kind: 'customer', email: 'obcy@example.com', customerIds: [other.id] });
  await buildUser(db, u.id, { kind: 'staff', email: 'bok@example.com', roles: ['customer_service'] });
  await buildUser(db, u.id, { kind: 'staff', email: 'rozliczenia@example.com', roles: ['billing'] });
  await buildUser(db, u.id, { kind: 'staff', email: 'audytor@example.com', roles: ['auditor'] });
  const doc = householdInvoice();
  invoiceId = await insertInvoice({ ...doc, buyer: { ...doc.buyer, customerNumber: 'K/000123' } }, c.id, k.id);
  otherInvoiceId = await insertInvoice({ ...doc, number: 'FV/2026/03/000999', buyer: { ...doc.buyer, name: 'Sąsiad Obcy', customerNumber: 'K/000999' } }, other.id);
}, 60_000);

afterAll(() => t?.close());

describe('e-invoice consent in the portal', () => {
  it('shows the saving at the current tariff and the day e-invoices would start', async () => {
    const c = await login(customerEmail);
    const res = await c.get(`/api/portal/customers/${customerId}/einvoice`);
    expect(res.statusCode, res.body).toBe(200);
    const s = res.json();
    expect(s).toMatchObject({ delivery: 'paper', consent: null, terms: { id: termsId, version: '2026-12' } });
    expect(s.wouldTakeEffect).toBe(nextBillingPeriodStart('bimonthly', today()));
    // 6.00 vs 3.60 net; gross 6.48 vs 3.89 (3.888 half up); a year: 12 × 2.40 = 28.80 net, 31.104 → 31.10 gross.
    expect(s.savings).toEqual([
      expect.objectContaining({ tariffGroupCode: 'G1', feePaperNet: 600, feeEinvoiceNet: 360, feePaperGross: 648, feeEinvoiceGross: 389, savingNetPerMonth: 240, savingGrossPerMonth: 259, savingGrossPerYear: 3110 }),
    ]);
  });

  it("refuses another customer's consent (the app's rule for :customerId: 403 customer.not_yours), and terms that are no longer current", async () => {
    const c = await login(customerEmail);
    expect((await c.get(`/api/portal/customers/${otherCustomerId}/einvoice`)).statusCode).toBe(403);
    const other = await c.post(`/api/portal/customers/${otherCustomerId}/einvoice`, { termsVersionId: termsId, accept: true, byEmail: true });
    expect(other.statusCode).toBe(403);
    expect(other.json().error.code).toBe('customer.not_yours');
    const stale = await c.post(`/api/portal/customers/${customerId}/einvoice`, { termsVersionId: termsId + 1000, accept: true, byEmail: true });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.code).toBe('einvoice.terms_changed');
    const notAccepted = await c.post(`/api/portal/customers/${customerId}/einvoice`, { termsVersionId: termsId, accept: false, byEmail: true });
    expect(notAccepted.statusCode).toBe(400);
    const n = await sql<{ n: number }>`select count(*)::int as n from einvoice_consents where customer_id = ${customerId}`.execute(t.database.db);
    expect(n.rows[0].n).toBe(0);
  });

  it('records who accepted which terms, when and from where; e-invoices start with the next billing period; withdrawing before then leaves paper', async () => {
    const c = await login(customerEmail);
    const res = await c.request('POST', `/api/portal/customers/${customerId}/einvoice`, { termsVersionId: termsId, accept: true, byEmail: true }, { 'x-forwarded-for': '198.51.100.7', 'user-agent': 'TestBrowser/1.0' });
    expect(res.statusCode, res.body).toBe(200);
    const next = nextBillingPeriodStart('bimonthly', today());
    expect(res.json()).toMatchObject({ delivery: 'einvoice', consent: { source: 'portal', byEmail: true, email: customerEmail, effectiveFrom: next, termsVersion: '2026-12', acceptedFromIp: '198.51.100.7' } });
    const acc = await t.database.db.selectFrom('terms_acceptances').selectAll().where('customer_id', '=', customerId).executeTakeFirstOrThrow();
    expect(acc).toMatchObject({ terms_version_id: termsId, ip: '198.51.100.7', user_agent: 'TestBrowser/1.0' });
    expect(acc.user_id).not.toBeNull();
    const again = await c.post(`/api/portal/customers/${customerId}/einvoice`, { termsVersionId: termsId, accept: true, byEmail: false });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('einvoice.already_active');

    // Billing's rule reads the stored dates: e-invoice from the next period on.
    const spans = async () =>
      deliveryChanges(
        (await t.database.db.selectFrom('einvoice_consents').select(['effective_from', 'withdrawn_effective_from']).where('customer_id', '=', customerId).execute()).map((r) => ({
          effectiveFrom: r.effective_from,
          withdrawnEffectiveFrom: r.withdrawn_effective_from,
        })),
      );
    expect(await spans()).toEqual([{ from: next, channel: 'einvoice' }]);

    const portalOnly = await c.request('PATCH', `/api/portal/customers/${customerId}/einvoice`, { byEmail: false });
    expect(portalOnly.statusCode, portalOnly.body).toBe(200);
    expect(portalOnly.json().consent).toMatchObject({ byEmail: false, email: null });

    const w = await c.post(`/api/portal/customers/${customerId}/einvoice/withdraw`);
    expect(w.statusCode, w.body).toBe(200);
    expect(w.json()).toMatchObject({ delivery: 'paper', consent: null, lastWithdrawn: { withdrawnEffectiveFrom: next } });
    // Withdrawn within the same period: the consent never applies.
    expect(await spans()).toEqual([]);
    const delivery = await t.database.db.selectFrom('customers').select('invoice_delivery').where('id', '=', customerId).executeTakeFirstOrThrow();
    expect(delivery.invoice_delivery).toBe('paper');
    const twice = await c.post(`/api/portal/customers/${customerId}/einvoice/withdraw`);
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.code).toBe('einvoice.not_active');
  });
});

describe('e-invoice consent from a signed paper form', () => {
  const pdf = Buffer.from('%PDF-1.4\n% formularz zgody podpisany\n');

  it('customer service records it with the scan; billing may not; the scan is kept byte for byte', async () => {
    const billing = await login('rozliczenia@example.com');
    const body = { termsVersionId: termsId, byEmail: true, signedOn: today(), scan: pdf.toString('base64') };
    expect((await billing.post(`/api/staff/customers/${otherCustomerId}/einvoice`, body)).statusCode).toBe(403);
    const bok = await login('bok@example.com');
    const text = await bok.post(`/api/staff/customers/${otherCustomerId}/einvoice`, { ...body, scan: Buffer.from('nie skan').toString('base64') });
    expect(text.statusCode).toBe(400);
    expect(text.json().error.code).toBe('einvoice.scan_type');
    // No address given: the customer's own e-mail is used.
    const recorded = await bok.post(`/api/staff/customers/${otherCustomerId}/einvoice`, body);
    expect(recorded.statusCode, recorded.body).toBe(200);
    const status = recorded.json();
    expect(status.status.consent.email).toMatch(/^jan\d+@example\.com$/);
    expect(status.status.consent).toMatchObject({ source: 'paper_form', hasForm: true, byEmail: true, acceptedFromIp: null });
    const acc = await t.database.db.selectFrom('terms_acceptances').selectAll().where('customer_id', '=', otherCustomerId).executeTakeFirstOrThrow();
    expect(acc.user_id).toBeNull();
    const form = await bok.get(`/api/staff/einvoice-consents/${status.status.consent.id}/form`);
    expect(form.statusCode).toBe(200);
    expect(form.headers['content-type']).toBe('application/pdf');
    expect(Buffer.from(form.rawPayload).equals(pdf)).toBe(true);
    const auditor = await login('audytor@example.com');
    const seen = await auditor.get(`/api/staff/customers/${otherCustomerId}/einvoice`);
    expect(seen.statusCode).toBe(200);
    expect(seen.json().history).toHaveLength(1);
    // Staff take a withdrawal at the desk too.
    const w = await bok.post(`/api/staff/customers/${otherCustomerId}/einvoice/withdraw`);
    expect(w.statusCode, w.body).toBe(200);
    expect(w.json().status.consent).toBeNull();
  });

  it('refuses a form signed in the future, and nothing is stored', async () => {
    const bok = await login('bok@example.com');
    const files = await sql<{ n: number }>`select count(*)::int as n from files`.execute(t.database.db);
    const res = await bok.post(`/api/staff/customers/${customerId}/einvoice`, { termsVersionId: termsId, byEmail: false, signedOn: '2099-01-01', scan: pdf.toString('base64') });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('einvoice.signed_in_future');
    const after = await sql<{ n: number }>`select count(*)::int as n from files`.execute(t.database.db);
    expect(after.rows[0].n).toBe(files.rows[0].n);
  });
});

describe("the portal's invoices", () => {
  it('lists only the customer’s own invoices with amounts, status and document links', async () => {
    const c = await login(customerEmail);
    const res = await c.get('/api/portal/invoices');
    expect(res.statusCode, res.body).toBe(200);
    const { items, total } = res.json();
    expect(total).toBe(1);
    expect(items[0]).toMatchObject({ id: invoiceId, number: 'FV/2026/03/000123', kind: 'invoice', periodFrom: '2026-01-01', periodTo: '2026-02-28', dueDate: '2026-03-16', net: 18866, vat: 1509, gross: 20375, status: 'overdue', hasXml: true, hasPdf: false, ksefNumber: null });
    // Which contract and point of supply (a customer with a house and a garden plot gets two invoices a period).
    expect(items[0]).toMatchObject({ contractNumber: contract.contract_number, place: contract.place });
  });

  it('serves the stored XML byte for byte, a PDF rendered on first request and then stored, and 404 for another customer’s invoice', async () => {
    const c = await login(customerEmail);
    const xml = await c.get(`/api/portal/invoices/${invoiceId}/xml`);
    expect(xml.statusCode).toBe(200);
    expect(xml.headers['content-type']).toMatch(/^application\/xml/);
    expect(xml.headers['content-disposition']).toBe('attachment; filename="FV_2026_03_000123.xml"');
    expect(Buffer.from(xml.rawPayload).equals(invoiceXmlBytes)).toBe(true);
    const pdf = await c.get(`/api/portal/invoices/${invoiceId}/pdf`);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    // Rendered once: the same bytes again, from the stored file.
    const again = await c.get(`/api/portal/invoices/${invoiceId}/pdf`);
    expect(Buffer.from(again.rawPayload).equals(Buffer.from(pdf.rawPayload))).toBe(true);
    const stored = await t.database.db.selectFrom('invoices').select('pdf_file_id').where('id', '=', invoiceId).executeTakeFirstOrThrow();
    expect(stored.pdf_file_id).not.toBeNull();
    for (const kind of ['xml', 'pdf']) {
      const res = await c.get(`/api/portal/invoices/${otherInvoiceId}/${kind}`);
      expect(res.statusCode).toBe(404);
      expect(res.body).not.toContain('Sąsiad');
    }
    const file = await t.database.db
      .insertInto('files')
      .values({ utility_id: utilityId, name: 'FV_2026_03_000123.pdf', content_type: 'application/pdf', size_bytes: 9, sha256: '00', data: Buffer.from('%PDF-1.7\n') })
      .returning('id')
      .executeTakeFirstOrThrow();
    await t.database.db.updateTable('invoices').set({ pdf_file_id: file.id }).where('id', '=', invoiceId).execute();
    const ready = await c.get(`/api/portal/invoices/${invoiceId}/pdf`);
    expect(ready.statusCode).toBe(200);
    expect(ready.headers['content-type']).toBe('application/pdf');
    expect(ready.body).toBe('%PDF-1.7\n');
  });

  it('staff find invoices by number, customer and period', async () => {
    const s = await login('audytor@example.com');
    const byNumber = (await s.get('/api/staff/invoices?number=FV/2026/03/000999')).json();
    expect(byNumber.items.map((i: { id: number }) => i.id)).toEqual([otherInvoiceId]);
    const byCustomer = (await s.get(`/api/staff/invoices?customer=${encodeURIComponent('maria')}`)).json();
    expect(byCustomer.items.map((i: { id: number }) => i.id)).toEqual([invoiceId]);
    expect((await s.get('/api/staff/invoices?period=2026-02')).json().total).toBe(2);
    expect((await s.get('/api/staff/invoices?period=2026-03')).json().total).toBe(0);
    expect((await s.get('/api/staff/invoices?period=2026-13')).statusCode).toBe(400);
    const xml = await s.get(`/api/staff/invoices/${otherInvoiceId}/xml`);
    expect(xml.statusCode).toBe(200);
  });
});

const schemaFile = sharedPath('ksef/schemy/FA/schemat_FA(3)_v1-0E.xsd');

describe('corrections', () => {
  const lines = (water: string) => [
    { name: 'Dostawa wody 01.01–20.01.2026', quantity: '5.254', unit: 'm3', unitPrice: '4.20', vatRate: 8 },
    { name: 'Dostawa wody 21.01–28.02.2026', quantity: water, unit: 'm3', unitPrice: '4.50', vatRate: 8 },
    { name: 'Odprowadzanie ścieków 01.01–20.01.2026', quantity: '5.254', unit: 'm3', unitPrice: '6.80', vatRate: 8 },
    { name: 'Odprowadzanie ścieków 21.01–28.02.2026', quantity: '10.246', unit: 'm3', unitPrice: '7.10', vatRate: 8 },
    { name: 'Opłata abonamentowa (faktura papierowa)', quantity: '2.000', unit: 'month', unitPrice: '6.00', vatRate: 8 },
  ];

  it('only billing and admin issue them', async () => {
    const bok = await login('bok@example.com');
    const res = await bok.post(`/api/staff/invoices/${invoiceId}/corrections`, { reason: 'wrong_reading', note: 'x', lines: lines('8.246') });
    expect(res.statusCode).toBe(403);
  });

  it('refuses a correction that changes nothing, without using a number', async () => {
    const s = await login('rozliczenia@example.com');
    const res = await s.post(`/api/staff/invoices/${invoiceId}/corrections`, { reason: 'wrong_reading', note: 'Bez zmian', lines: lines('10.246') });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('correction.no_change');
    const series = await sql<{ n: number }>`select count(*)::int as n from number_series where series = 'KOR'`.execute(t.database.db);
    expect(series.rows[0].n).toBe(0);
  });

  it('issues KOR with before, after and difference, valid FA(3); the original stays as it was; a second starts from the first', async () => {
    const s = await login('rozliczenia@example.com');
    const originalBefore = await t.database.db.selectFrom('invoices').select(['document', 'xml', 'gross_grosze']).where('id', '=', invoiceId).executeTakeFirstOrThrow();
    const res = await s.post(`/api/staff/invoices/${invoiceId}/corrections`, {
      reason: 'wrong_reading',
      note: 'Stan końcowy wodomierza A1 to 133,500 m³, nie 135,500 m³',
      lines: lines('8.246'),
      readings: [{ meterSerial: 'A1', closing: '133,500' }],
    });
    expect(res.statusCode, res.body).toBe(200);
    const year = today().slice(0, 4);
    const month = today().slice(5, 7);
    expect(res.json().number).toBe(`KOR/${year}/${month}/000001`);
    const row = await t.database.db.selectFrom('invoices').selectAll().where('id', '=', res.json().id).executeTakeFirstOrThrow();
    const doc = row.document as unknown as CorrectionDocument;
    // Water 21.01–28.02: 8.246 × 4.50 = 37.107 → 37.11 instead of 46.11: net −9.00; VAT on 179.66 = 14.3728 → 14.37 (was 15.09): −0.72; gross −9.72.
    expect(doc.difference).toEqual({ byRate: [{ vatRate: 8, net: -900, vat: -72 }], net: -900, vat: -72, gross: -972 });
    expect(doc.corrected).toEqual({ number: 'FV/2026/03/000123', issueDate: '2026-03-02', ksefNumber: null });
    expect(doc.reason).toBe('Błędny odczyt wodomierza: Stan końcowy wodomierza A1 to 133,500 m³, nie 135,500 m³');
    expect(doc.readings[0].closing.value).toBe(133500);
    expect(doc.dueDate).toBeUndefined();
    expect(row).toMatchObject({ kind: 'correction', corrects_invoice_id: invoiceId, correction_reason: 'wrong_reading', gross_grosze: -972, series: 'KOR' });
    if (schemaFile) expect(validateFa3(row.xml!, path.dirname(schemaFile))).toEqual({ valid: true });
    const xml = Buffer.from(row.xml!).toString('utf8');
    expect(xml).toContain('<RodzajFaktury>KOR</RodzajFaktury>');
    expect(xml).toContain('FV/2026/03/000123');

    const originalAfter = await t.database.db.selectFrom('invoices').select(['document', 'xml', 'gross_grosze']).where('id', '=', invoiceId).executeTakeFirstOrThrow();
    expect(originalAfter.document).toEqual(originalBefore.document);
    expect(Buffer.from(originalAfter.xml!).equals(Buffer.from(originalBefore.xml!))).toBe(true);

    // The portal lists the correction, with the corrected number.
    const c = await login(customerEmail);
    const list = (await c.get('/api/portal/invoices')).json();
    expect(list.items[0]).toMatchObject({ kind: 'correction', correctsNumber: 'FV/2026/03/000123', gross: -972, status: 'credit' });
    expect(list.items[1].correctedBy).toEqual([`KOR/${year}/${month}/000001`]);

    // The second correction starts from the first one's "after", and raises the amount: a due date.
    const detail = (await s.get(`/api/staff/invoices/${invoiceId}`)).json();
    expect(detail.current.lines[1].quantity).toBe(8246);
    const second = await s.post(`/api/staff/invoices/${invoiceId}/corrections`, { reason: 'complaint_upheld', note: 'Reklamacja SP/2026/7', lines: lines('9.246') });
    expect(second.statusCode, second.body).toBe(200);
    expect(second.json().number).toBe(`KOR/${year}/${month}/000002`);
    const doc2 = (await t.database.db.selectFrom('invoices').select('document').where('id', '=', second.json().id).executeTakeFirstOrThrow()).document as unknown as CorrectionDocument;
    expect(doc2.before.totals.gross).toBe(20375 - 972);
    // 9.246 × 4.50 = 41.607 → 41.61: +4.50 net; VAT on 184.16 = 14.7328 → 14.73: +0.36.
    expect(doc2.difference.gross).toBe(486);
    expect(doc2.dueDate).toBeDefined();
    const row2 = await t.database.db.selectFrom('invoices').select('xml').where('id', '=', second.json().id).executeTakeFirstOrThrow();
    if (schemaFile) expect(validateFa3(row2.xml!, path.dirname(schemaFile))).toEqual({ valid: true });

    const ofCorrection = await s.post(`/api/staff/invoices/${second.json().id}/corrections`, { reason: 'wrong_tariff', note: 'x', lines: lines('1.000') });
    expect(ofCorrection.statusCode).toBe(409);
    expect(ofCorrection.json().error.code).toBe('correction.of_correction');
  });

  it('refuses bad lines and a meter not in the reading basis with codes', async () => {
    const s = await login('rozliczenia@example.com');
    const bad = await s.post(`/api/staff/invoices/${invoiceId}/corrections`, { reason: 'wrong_tariff', note: 'x', lines: [{ name: 'Woda', quantity: '1.2345', unit: 'm3', unitPrice: '4.50', vatRate: 8 }] });
    expect(bad.json().error.code).toBe('correction.line_quantity');
    const rate = await s.post(`/api/staff/invoices/${invoiceId}/corrections`, { reason: 'wrong_tariff', note: 'x', lines: [{ name: 'Woda', quantity: '1', unit: 'm3', unitPrice: '4.50', vatRate: 7 }] });
    expect(rate.json().error.code).toBe('correction.line_rate');
    const meter = await s.post(`/api/staff/invoices/${invoiceId}/corrections`, { reason: 'wrong_reading', note: 'x', lines: lines('1.000'), readings: [{ meterSerial: 'ZZ9', closing: '1' }] });
    expect(meter.json().error.code).toBe('correction.unknown_meter');
    expect((await s.post('/api/staff/invoices/99999999/corrections', { reason: 'wrong_tariff', note: 'x', lines: lines('1.000') })).statusCode).toBe(404);
  });
});

describe('demo data', () => {
  it('gives every demo e-invoice customer the consent that makes them so, effective from a billing period start', async () => {
    const { seedUtility } = await import('../src/modules/demo/seed.ts');
    const demo = await seedUtility(t.database, { slug: 'zgk-demo', customers: 25, config: t.config, now: new Date() });
    const rows = await sql<{ invoice_delivery: string; n: number; source: string | null; effective_from: string | null; user_id: number | null; title: string | null; cycle: string }>`
      select c.invoice_delivery, count(e.id)::int as n, min(e.source) as source, min(e.effective_from)::text as effective_from,
             min(a.user_id) as user_id, min(v.title) as title, min(k.billing_cycle) as cycle
      from customers c
      left join einvoice_consents e on e.customer_id = c.id and e.withdrawn_at is null
      left join terms_acceptances a on a.id = e.terms_acceptance_id
      left join terms_versions v on v.id = a.terms_version_id
      left join contracts k on k.customer_id = c.id
      where c.utility_id = ${demo.utilityId}
      group by c.id, c.invoice_delivery`.execute(t.database.db);
    const einvoice = rows.rows.filter((r) => r.invoice_delivery === 'einvoice');
    expect(einvoice.length).toBeGreaterThan(0);
    for (const r of einvoice) {
      expect(r.n).toBeGreaterThanOrEqual(1);
      expect(r.title).toBe('Akceptacja przesyłania i udostępniania e-faktur');
      // Accepted on 5 January 2026: the next period starts 1 February (monthly) or 1 March (bimonthly).
      expect(['2026-02-01', '2026-03-01']).toContain(r.effective_from);
    }
    for (const r of rows.rows.filter((x) => x.invoice_delivery === 'paper')) expect(r.n).toBe(0);
    // The demo portal customer accepted in the portal, as her login.
    expect(einvoice.filter((r) => r.source === 'portal' && r.user_id !== null)).toHaveLength(1);
    // A second seed adds consents only for its new customers.
    const before = await sql<{ n: number }>`select count(*)::int as n from einvoice_consents where utility_id = ${demo.utilityId}`.execute(t.database.db);
    const { insertDemoEinvoiceConsents } = await import('../src/modules/einvoice/demo.ts');
    expect(await insertDemoEinvoiceConsents(t.database.db, demo.utilityId)).toBe(0);
    const after = await sql<{ n: number }>`select count(*)::int as n from einvoice_consents where utility_id = ${demo.utilityId}`.execute(t.database.db);
    expect(after.rows[0].n).toBe(before.rows[0].n);
  }, 120_000);
});
