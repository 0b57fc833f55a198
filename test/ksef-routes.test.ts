/**
 * KSeF over HTTP: the admin configures it (the token goes in sealed and never
 * comes back) and runs the check; billing sends; the auditor reads; a
 * business customer downloads the UPO of their own invoice, not another's.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drainJobs } from '../src/jobs/queue.ts';
import { buildFa3 } from '../src/modules/billing/fa3/index.ts';
import { BUSINESS_NIP, SELLER, businessInvoice } from '../src/modules/billing/fa3/testing/sample-documents.ts';
import { SEND_JOB } from '../src/modules/ksef/service.ts';
import { client, createTestApp, type Client, type TestApp } from './support/app.ts';
import { TEST_PASSWORD, buildCustomer, buildUser, buildUtility } from './support/factories.ts';
import { insertInvoice } from './support/invoices.ts';
import { KSEF_KEY_USAGE, makeSealCertificate } from './support/ksef-sim/certs.ts';
import { startKsefSimulator, type KsefSimulator } from './support/ksef-sim/index.ts';

let t: TestApp;
let sim: KsefSimulator;
let slug: string;
let utilityId: number;
let invoiceId: number;

async function login(email: string): Promise<Client> {
  const c = client(t.app, slug);
  const res = await c.post('/api/auth/login', { email, password: TEST_PASSWORD });
  expect(res.statusCode, res.body).toBe(200);
  return c;
}

beforeAll(async () => {
  t = await createTestApp();
  sim = await startKsefSimulator({ rateLimitScale: 0 });
  const u = await buildUtility(t.database, { nip: SELLER.nip });
  slug = u.slug;
  utilityId = u.id;
  const customer = await buildCustomer(t.database, utilityId, { kind: 'business', nip: BUSINESS_NIP });
  const other = await buildCustomer(t.database, utilityId);
  const doc = { ...businessInvoice(), issueDate: '2026-11-30' };
  invoiceId = await insertInvoice(t.database, utilityId, customer.id, doc, { xml: Buffer.from(buildFa3(doc)) });
  await buildUser(t.database, utilityId, { kind: 'staff', email: 'admin@example.com', roles: ['admin'] });
  await buildUser(t.database, utilityId, { kind: 'staff', email: 'billing@example.com', roles: ['billing'] });
  await buildUser(t.database, utilityId, { kind: 'staff', email: 'audit@example.com', roles: ['auditor'] });
  await buildUser(t.database, utilityId, { kind: 'customer', email: 'firma@example.com', customerIds: [customer.id] });
  await buildUser(t.database, utilityId, { kind: 'customer', email: 'inny@example.com', customerIds: [other.id] });
}, 240_000);
afterAll(async () => {
  await sim?.close();
  await t?.close();
});

describe('KSeF over HTTP', () => {
  it('admin configures with a token that is never shown again; others may not configure', async () => {
    const token = sim.control.addKsefToken(SELLER.nip);
    const body = { environment: 'test', sellerNip: SELLER.nip, authMethod: 'token', token, includeConsumers: false, offline24: false };
    const billing = await login('billing@example.com');
    expect((await billing.request('PUT', '/api/staff/ksef/settings', body)).statusCode).toBe(403);
    const admin = await login('admin@example.com');
    const res = await admin.request('PUT', '/api/staff/ksef/settings', body);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.body).not.toContain(token);
    expect(res.json()).toMatchObject({ configured: true, environment: 'test', apiUrl: 'https://api-test.ksef.mf.gov.pl/v2', hasToken: true });
    const stored = await sql<{ token_sealed: string }>`select token_sealed from ksef_settings where utility_id = ${utilityId}`.execute(t.database.db);
    expect(stored.rows[0]!.token_sealed).not.toContain(token);
    // Bad input: a clear 400 with a code.
    const bad = await admin.request('PUT', '/api/staff/ksef/settings', { ...body, sellerNip: '1234567890' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('ksef.nip_invalid');
    const noCert = await admin.request('PUT', '/api/staff/ksef/settings', { ...body, authMethod: 'certificate', token: undefined });
    expect(noCert.json().error.code).toBe('ksef.certificate_missing');
    const audit = await login('audit@example.com');
    const view = await audit.get('/api/staff/ksef/settings');
    expect(view.statusCode).toBe(200);
    expect(view.body).not.toContain(token);
  });

  it('admin uploads the offline certificate (KOD II): its key is never shown; an Authentication certificate is refused in both languages', async () => {
    const admin = await login('admin@example.com');
    const current = (await admin.get('/api/staff/ksef/settings')).json();
    const body = { environment: 'test', sellerNip: SELLER.nip, authMethod: 'token', includeConsumers: current.includeConsumers, offline24: current.offline24 };
    const authOnly = await makeSealCertificate({ nip: SELLER.nip, keyType: 'EC', keyUsage: KSEF_KEY_USAGE.authentication });
    const bad = await admin.request('PUT', '/api/staff/ksef/settings', { ...body, offlineCertificatePem: authOnly.certificatePem, offlinePrivateKeyPem: authOnly.privateKeyPem });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('ksef.certificate_not_offline');
    expect(bad.json().error.messages.pl).toMatch(/^Certyfikat offline: To nie jest certyfikat KSeF typu Offline/);
    expect(bad.json().error.messages.en).toMatch(/^Offline certificate: This is not a KSeF certificate of type Offline/);
    const offline = await makeSealCertificate({ nip: SELLER.nip, keyType: 'EC', keyUsage: KSEF_KEY_USAGE.offline });
    const res = await admin.request('PUT', '/api/staff/ksef/settings', { ...body, offlineCertificatePem: offline.certificatePem, offlinePrivateKeyPem: offline.privateKeyPem });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.body).not.toContain('PRIVATE KEY');
    expect(res.json().offlineCertificate).toMatchObject({ nip: SELLER.nip, keyType: 'ec' });
    const view = await (await login('audit@example.com')).get('/api/staff/ksef/settings');
    expect(view.json().offlineCertificate.serialNumber).toMatch(/^[0-9A-F]+$/);
    expect(view.body).not.toContain('PRIVATE KEY');
  });

  it('the check signs in and says what KSeF answered', async () => {
    // The simulator stands in for the test environment (an address settable only outside HTTP).
    await sql`update ksef_settings set api_url_override = ${sim.url} where utility_id = ${utilityId}`.execute(t.database.db);
    const admin = await login('admin@example.com');
    const res = await admin.post('/api/staff/ksef/check');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ ok: true, code: 'ksef.ok' });
    expect((await admin.get('/api/staff/ksef/settings')).json().lastCheck).toMatchObject({ code: 'ksef.ok' });
  });

  it('billing sends an invoice; its number and UPO reach the staff view and the customer’s portal', async () => {
    const billing = await login('billing@example.com');
    const sent = await billing.post('/api/staff/ksef/send', { invoiceNumber: businessInvoice().number });
    expect(sent.statusCode, sent.body).toBe(200);
    expect(sent.json().queued).toBe(1);
    await drainJobs(t.database, t.config, { kinds: [SEND_JOB] });
    const staffView = (await billing.get(`/api/staff/ksef/invoices/${invoiceId}`)).json();
    expect(staffView).toMatchObject({ state: 'accepted', hasUpo: true });
    const overview = (await billing.get('/api/staff/ksef/overview')).json();
    expect(overview.counts).toEqual({ accepted: 1 });

    const customer = await login('firma@example.com');
    const mine = await customer.get(`/api/portal/invoices/${invoiceId}/ksef`);
    expect(mine.json().ksefNumber).toBe(staffView.ksefNumber);
    const upo = await customer.get(`/api/portal/invoices/${invoiceId}/upo`);
    expect(upo.statusCode).toBe(200);
    expect(upo.headers['content-type']).toContain('application/xml');
    expect(upo.body).toContain(staffView.ksefNumber);
    const stranger = await login('inny@example.com');
    expect((await stranger.get(`/api/portal/invoices/${invoiceId}/upo`)).statusCode).toBe(404);
    expect((await stranger.get(`/api/portal/invoices/${invoiceId}/ksef`)).statusCode).toBe(404);
  });

  it('a UPO that does not validate is not served: 409 ksef.upo_invalid (the validator’s message for staff only), then served once a valid one is fetched', async () => {
    // The stored UPO is gone and KSeF now serves one that does not validate: the send job fetches it again.
    await sql`update ksef_invoices set upo = null where utility_id = ${utilityId} and invoice_id = ${invoiceId}`.execute(t.database.db);
    sim.control.invalidUpos('wrong-namespace');
    const billing = await login('billing@example.com');
    await billing.post('/api/staff/ksef/send', {});
    await drainJobs(t.database, t.config, { kinds: [SEND_JOB] });
    const customer = await login('firma@example.com');
    const refused = await customer.get(`/api/portal/invoices/${invoiceId}/upo`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({ code: 'ksef.upo_invalid', messages: { pl: expect.stringContaining('UPO'), en: expect.stringContaining('UPO') } });
    expect(refused.json().error.details).toBeUndefined();
    expect((await customer.get(`/api/portal/invoices/${invoiceId}/ksef`)).json()).toMatchObject({ upoState: 'invalid', upoIssue: { code: 'ksef.upo_invalid', detail: null } });
    const staff = await billing.get(`/api/staff/ksef/invoices/${invoiceId}/upo`);
    expect(staff.statusCode).toBe(409);
    expect(staff.json().error.details.problem).toContain('No matching global declaration');
    expect((await billing.get(`/api/staff/ksef/invoices/${invoiceId}`)).json()).toMatchObject({ state: 'accepted', upoState: 'invalid', upoIssue: { code: 'ksef.upo_invalid', detail: expect.stringContaining('v4-2') } });
    const overview = (await billing.get('/api/staff/ksef/overview')).json();
    expect(overview).toMatchObject({ counts: { accepted: 1 }, upoInvalid: 1 });

    sim.control.invalidUpos(false);
    await sql`update jobs set run_at = now() where utility_id = ${utilityId} and kind = ${SEND_JOB} and status = 'pending'`.execute(t.database.db);
    await drainJobs(t.database, t.config, { kinds: [SEND_JOB] });
    const upo = await customer.get(`/api/portal/invoices/${invoiceId}/upo`);
    expect(upo.statusCode).toBe(200);
    expect(upo.body).toContain('http://upo.schematy.mf.gov.pl/KSeF/v4-3');
    expect((await billing.get('/api/staff/ksef/overview')).json().upoInvalid).toBe(0);
  });
});
