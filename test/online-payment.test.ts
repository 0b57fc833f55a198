/**
 * Online payment through the real app and the provider simulators
 * (test/support/payment-sim): the simulators check our requests' signatures
 * and auth by the providers' published rules and call our notify URL over
 * HTTP, as Przelewy24 and PayU do. A confirmed notification becomes exactly
 * one payment, whether repeated, sent twice at once, or retried after a
 * failed verify; a forged or mismatched one is refused with a code and
 * logged; the amount is the server's, never the browser's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../src/db/tenant.ts';
import * as S from '../src/modules/billing/fa3/testing/sample-documents.ts';
import { baseUrlOf } from '../src/modules/payments/online/settings.ts';
import { client, type Client, type TestApp } from './support/app.ts';
import { buildCustomer, buildUser, buildUtility, TEST_PASSWORD } from './support/factories.ts';
import { insertInvoice } from './support/invoices.ts';
import { createListeningApp } from './support/payment-sim/app.ts';
import { p24Settings, startP24, type P24Sim } from './support/payment-sim/p24.ts';
import { payuSettings, startPayu, type PayuSim } from './support/payment-sim/payu.ts';

const P24_ACCOUNT = { merchantId: 64195, posId: 64195, apiKey: 'p24-api-key-test', crc: 'p24-crc-test-key' };
const PAYU_ACCOUNT = { posId: '300746', clientId: '300746', clientSecret: 'payu-client-secret', secondKey: 'payu-second-key' };
const GROSS = S.householdInvoice().totals.gross;

let t: TestApp & { url: string };
let p24: P24Sim;
let payu: PayuSim;
const util: Record<'p24' | 'payu' | 'off' | 'badKey', { id: number; slug: string }> = {} as never;
let n = 0;

async function login(slug: string, email: string): Promise<Client> {
  const c = client(t.app, slug);
  const res = await c.request('POST', '/api/auth/login', { email, password: TEST_PASSWORD }, { 'x-forwarded-for': `10.15.7.${++n}` });
  expect(res.statusCode, res.body).toBe(200);
  return c;
}

/** A customer with `count` invoices of GROSS each and a signed-in portal client. */
async function customerWithInvoices(which: keyof typeof util, count: number) {
  const { id: utilityId, slug } = util[which];
  const c = await buildCustomer(t.database, utilityId);
  const invoiceIds: number[] = [];
  for (let i = 0; i < count; i++) {
    invoiceIds.push(await insertInvoice(t.database, utilityId, c.id, { ...S.householdInvoice(), dueDate: `2026-0${i + 1}-15` }, { number: `FV/2026/${which}/${++n}` }));
  }
  const user = await buildUser(t.database, utilityId, { kind: 'customer', customerIds: [c.id] });
  return { customerId: c.id, invoiceIds, portal: await login(slug, user.email), utilityId };
}

async function payments(utilityId: number, customerId: number) {
  return withTenant(t.database.db, { utilityId }, async (tx) => {
    const rows = await tx.selectFrom('payments').select(['id', 'amount_grosze', 'channel', 'external_ref']).where('customer_id', '=', customerId).execute();
    const allocations = await tx
      .selectFrom('payment_allocations')
      .select(['invoice_id', 'amount_grosze'])
      .where('payment_id', 'in', rows.length ? rows.map((r) => r.id) : [-1])
      .orderBy('invoice_id')
      .execute();
    return { rows: rows.map((r) => ({ ...r, amount_grosze: Number(r.amount_grosze) })), allocations: allocations.map((a) => ({ invoiceId: a.invoice_id, amount: Number(a.amount_grosze) })) };
  });
}

async function notificationLog(utilityId: number, sessionId: string) {
  return withTenant(t.database.db, { utilityId }, (tx) =>
    tx.selectFrom('online_payment_notifications').select(['accepted', 'code']).where('session_id', '=', sessionId).orderBy('id').execute(),
  );
}

async function start(portal: Client, customerId: number, body: object) {
  const res = await portal.post(`/api/portal/customers/${customerId}/online-payments`, body);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { sessionId: string; amountGrosze: number; redirectUrl: string };
}

const status = async (portal: Client, sessionId: string) => (await portal.get(`/api/portal/online-payments/status?session=${sessionId}`)).json().status;

beforeAll(async () => {
  t = await createListeningApp();
  p24 = await startP24(P24_ACCOUNT);
  payu = await startPayu(PAYU_ACCOUNT);
  for (const which of ['p24', 'payu', 'off', 'badKey'] as const) {
    const u = await buildUtility(t.database);
    util[which] = { id: u.id, slug: u.slug };
    await buildUser(t.database, u.id, { kind: 'staff', email: `admin-${which}@wodnik.example`, roles: ['admin'] });
  }
  const adminP24 = await login(util.p24.slug, 'admin-p24@wodnik.example');
  const r1 = await adminP24.request('PUT', '/api/staff/online-payments/config', p24Settings(p24.url, P24_ACCOUNT));
  expect(r1.statusCode, r1.body).toBe(200);
  const adminPayu = await login(util.payu.slug, 'admin-payu@wodnik.example');
  const r2 = await adminPayu.request('PUT', '/api/staff/online-payments/config', payuSettings(payu.url, PAYU_ACCOUNT));
  expect(r2.statusCode, r2.body).toBe(200);
  // A utility whose P24 API key is wrong: P24 refuses its requests.
  const adminBad = await login(util.badKey.slug, 'admin-badKey@wodnik.example');
  const r3 = await adminBad.request('PUT', '/api/staff/online-payments/config', p24Settings(p24.url, { ...P24_ACCOUNT, apiKey: 'not-the-key' }));
  expect(r3.statusCode, r3.body).toBe(200);
});

afterAll(async () => {
  await p24?.close();
  await payu?.close();
  await t?.close();
});

describe('configuration', () => {
  it('keeps the secrets sealed and never shows them; refuses a simulator in production', async () => {
    const admin = await login(util.p24.slug, 'admin-p24@wodnik.example');
    const res = await admin.get('/api/staff/online-payments/config');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ provider: 'p24', environment: 'simulator', merchantId: '64195', secretsSet: ['apiKey', 'crc'], simulatorAllowed: true });
    expect(res.body).not.toContain(P24_ACCOUNT.apiKey);
    const row = await withTenant(t.database.db, { utilityId: util.p24.id }, (tx) => tx.selectFrom('online_payment_config').select('secrets_sealed').executeTakeFirstOrThrow());
    expect(row.secrets_sealed).toMatch(/^v1\./);
    expect(row.secrets_sealed).not.toContain(P24_ACCOUNT.crc);
    expect(() => baseUrlOf('p24', 'simulator', p24.url, true)).toThrow(/production/);
    expect(baseUrlOf('p24', 'production', null, true)).toBe('https://secure.przelewy24.pl');
    expect(baseUrlOf('payu', 'sandbox', null, false)).toBe('https://secure.snd.payu.com');
    // A missing secret is refused with a code, nothing saved.
    const bad = await login(util.off.slug, 'admin-off@wodnik.example');
    const r = await bad.request('PUT', '/api/staff/online-payments/config', { provider: 'p24', environment: 'sandbox', merchantId: '1', posId: '1', secrets: { apiKey: 'x' } });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.code).toBe('online_payment.config_secret_missing');
  });

  it('is off where not configured: no pay option, starting is refused, a notification is refused and logged', async () => {
    const { customerId, portal, utilityId } = await customerWithInvoices('off', 1);
    const opts = await portal.get(`/api/portal/customers/${customerId}/online-payments`);
    expect(opts.json()).toMatchObject({ enabled: false, provider: null, totalDueGrosze: GROSS });
    const res = await portal.post(`/api/portal/customers/${customerId}/online-payments`, {});
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('online_payment.off');
    const note = await fetch(`${t.url}/t/${util.off.slug}/api/payments/online/p24/notify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"sessionId":"x"}' });
    expect(note.status).toBe(404);
    expect(((await note.json()) as { error: { code: string } }).error.code).toBe('online_payment.off');
    const logged = await withTenant(t.database.db, { utilityId }, (tx) => tx.selectFrom('online_payment_notifications').select(['accepted', 'code']).execute());
    expect(logged).toEqual([{ accepted: false, code: 'online_payment.off' }]);
  });
});

describe('Przelewy24', () => {
  it('pays all due invoices: the amount is computed by the server, the notification is verified and becomes one payment', async () => {
    const c = await customerWithInvoices('p24', 2);
    const opts = (await c.portal.get(`/api/portal/customers/${c.customerId}/online-payments`)).json();
    expect(opts).toMatchObject({ enabled: true, provider: 'p24', totalDueGrosze: 2 * GROSS });
    // The browser cannot name an amount.
    const forgedAmount = await c.portal.post(`/api/portal/customers/${c.customerId}/online-payments`, { amountGrosze: 1 });
    expect(forgedAmount.statusCode).toBe(400);

    const s = await start(c.portal, c.customerId, {});
    expect(s.amountGrosze).toBe(2 * GROSS);
    expect(s.redirectUrl).toMatch(new RegExp(`^${p24.url}/trnRequest/`));
    const tr = p24.transaction(s.sessionId)!;
    expect(tr.amount).toBe(2 * GROSS);
    expect(tr.urlStatus).toBe(`${t.url}/t/${util.p24.slug}/api/payments/online/p24/notify`);
    expect(tr.urlReturn).toContain(`/portal/payments/return?session=${s.sessionId}`);
    expect(await status(c.portal, s.sessionId)).toBe('registered');

    const paid = await p24.pay(s.sessionId);
    expect(paid.status, paid.body).toBe(200);
    expect(tr.verified).toBe(1);
    expect(await status(c.portal, s.sessionId)).toBe('confirmed');
    let p = await payments(c.utilityId, c.customerId);
    expect(p.rows).toEqual([{ id: expect.any(Number), amount_grosze: 2 * GROSS, channel: 'online', external_ref: `p24:${s.sessionId}` }]);
    expect(p.allocations).toEqual(c.invoiceIds.map((id) => ({ invoiceId: id, amount: GROSS })));

    // P24 repeats the notification: answered 200, nothing added, no second verify.
    const again = await p24.repeat(s.sessionId);
    expect(again.status).toBe(200);
    p = await payments(c.utilityId, c.customerId);
    expect(p.rows).toHaveLength(1);
    expect(p.allocations.reduce((a, x) => a + x.amount, 0)).toBe(2 * GROSS);
    expect(tr.verified).toBe(1);
    expect(await notificationLog(c.utilityId, s.sessionId)).toEqual([
      { accepted: true, code: 'online_payment.confirmed' },
      { accepted: true, code: 'online_payment.already_confirmed' },
    ]);
    // Nothing is due any more.
    const after = await c.portal.post(`/api/portal/customers/${c.customerId}/online-payments`, {});
    expect(after.json().error.code).toBe('online_payment.nothing_due');
  });

  it('two identical notifications at the same moment make one payment', async () => {
    const c = await customerWithInvoices('p24', 1);
    const s = await start(c.portal, c.customerId, { invoiceIds: c.invoiceIds });
    const both = await Promise.all([p24.pay(s.sessionId), p24.repeat(s.sessionId)]);
    expect(both.map((r) => r.status)).toEqual([200, 200]);
    const p = await payments(c.utilityId, c.customerId);
    expect(p.rows).toHaveLength(1);
    expect(p.allocations).toEqual([{ invoiceId: c.invoiceIds[0], amount: GROSS }]);
  });

  it('a failed verify call is answered 503 (P24 notifies again); the retry makes one payment', async () => {
    const c = await customerWithInvoices('p24', 1);
    const s = await start(c.portal, c.customerId, { method: 'blik' });
    expect(p24.transaction(s.sessionId)!.method).toBe(181);
    p24.failVerify(1);
    const first = await p24.pay(s.sessionId);
    expect(first.status).toBe(503);
    expect(JSON.parse(first.body).error.code).toBe('online_payment.verify_failed');
    expect((await payments(c.utilityId, c.customerId)).rows).toHaveLength(0);
    expect(await status(c.portal, s.sessionId)).toBe('registered');
    const retry = await p24.repeat(s.sessionId);
    expect(retry.status).toBe(200);
    expect((await payments(c.utilityId, c.customerId)).rows).toHaveLength(1);
    expect(await notificationLog(c.utilityId, s.sessionId)).toEqual([
      { accepted: false, code: 'online_payment.verify_failed' },
      { accepted: true, code: 'online_payment.confirmed' },
    ]);
  });

  it('a process stopped after recording the payment but before marking the order: the next notification confirms it without paying twice or verifying again', async () => {
    const c = await customerWithInvoices('p24', 1);
    const s = await start(c.portal, c.customerId, {});
    expect((await p24.pay(s.sessionId)).status).toBe(200);
    // As if the process had stopped between the ledger's commit and the order's update.
    await t.database.db.updateTable('online_payment_orders').set({ status: 'registered', confirmed_at: null }).where('session_id', '=', s.sessionId).execute();
    expect((await p24.repeat(s.sessionId)).status).toBe(200);
    expect(p24.transaction(s.sessionId)!.verified).toBe(1);
    expect(await status(c.portal, s.sessionId)).toBe('confirmed');
    expect((await payments(c.utilityId, c.customerId)).rows).toHaveLength(1);
  });

  it('refuses and logs a forged signature, a wrong amount and an unknown session; nothing is paid', async () => {
    const c = await customerWithInvoices('p24', 1);
    const s = await start(c.portal, c.customerId, {});
    const forged = await p24.forge(s.sessionId);
    expect(forged.status).toBe(403);
    expect(JSON.parse(forged.body).error.code).toBe('online_payment.bad_signature');
    const wrong = await p24.notifyWith(s.sessionId, { amount: 1, originAmount: 1 });
    expect(wrong.status).toBe(409);
    expect(JSON.parse(wrong.body).error.code).toBe('online_payment.amount_mismatch');
    const unknown = await p24.notifyUnknown(p24.transaction(s.sessionId)!.urlStatus, 'wod-00000000-0000-0000-0000-000000000000', 100);
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body).error.code).toBe('online_payment.unknown_session');
    expect((await payments(c.utilityId, c.customerId)).rows).toHaveLength(0);
    expect(p24.transaction(s.sessionId)!.verified).toBe(0);
    const logged = await withTenant(t.database.db, { utilityId: c.utilityId }, (tx) =>
      tx.selectFrom('online_payment_notifications').select(['accepted', 'code']).where('accepted', '=', false).orderBy('id', 'desc').limit(3).execute(),
    );
    expect(logged.map((l) => l.code).sort()).toEqual(['online_payment.amount_mismatch', 'online_payment.bad_signature', 'online_payment.unknown_session']);
    expect(await status(c.portal, s.sessionId)).toBe('registered');
  });

  it('a provider refusing the registration is a 503 with a code, and the order is marked failed', async () => {
    const c = await customerWithInvoices('badKey', 1);
    const res = await c.portal.post(`/api/portal/customers/${c.customerId}/online-payments`, {});
    expect(res.statusCode).toBe(503);
    expect(res.json().error.code).toBe('online_payment.provider_failed');
    expect(p24.log.refused).toContain('Incorrect authentication');
    const orders = await withTenant(t.database.db, { utilityId: c.utilityId }, (tx) => tx.selectFrom('online_payment_orders').select('status').where('customer_id', '=', c.customerId).execute());
    expect(orders).toEqual([{ status: 'failed' }]);
  });

  it("shows a payment's status only to its own customer", async () => {
    const a = await customerWithInvoices('p24', 1);
    const b = await customerWithInvoices('p24', 1);
    const s = await start(a.portal, a.customerId, {});
    const res = await b.portal.get(`/api/portal/online-payments/status?session=${s.sessionId}`);
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('online_payment.not_found');
    const other = await a.portal.post(`/api/portal/customers/${a.customerId}/online-payments`, { invoiceIds: b.invoiceIds });
    expect(other.statusCode).toBe(400);
    expect(other.json().error.code).toBe('online_payment.invoice_not_due');
  });
});

describe('PayU', () => {
  it('pays one invoice by BLIK: OAuth, the order, the signed notification, one payment', async () => {
    const c = await customerWithInvoices('payu', 2);
    const s = await start(c.portal, c.customerId, { invoiceIds: [c.invoiceIds[1]], method: 'blik' });
    expect(s.amountGrosze).toBe(GROSS);
    expect(s.redirectUrl).toMatch(new RegExp(`^${payu.url}/pay/`));
    expect(payu.log.lastOrderBody).toMatchObject({ totalAmount: String(GROSS), currencyCode: 'PLN', extOrderId: s.sessionId, merchantPosId: PAYU_ACCOUNT.posId, payMethods: { payMethod: { type: 'PBL', value: 'blik' } } });
    const paid = await payu.pay(s.sessionId);
    expect(paid.status, paid.body).toBe(200);
    expect(await status(c.portal, s.sessionId)).toBe('confirmed');
    const orderId = payu.order(s.sessionId)!.orderId;
    let p = await payments(c.utilityId, c.customerId);
    expect(p.rows).toEqual([{ id: expect.any(Number), amount_grosze: GROSS, channel: 'online', external_ref: `payu:${orderId}` }]);
    expect(p.allocations).toEqual([{ invoiceId: c.invoiceIds[1], amount: GROSS }]);
    const again = await payu.repeat(s.sessionId);
    expect(again.status).toBe(200);
    p = await payments(c.utilityId, c.customerId);
    expect(p.rows).toHaveLength(1);
    expect((await notificationLog(c.utilityId, s.sessionId)).map((l) => l.code)).toEqual(['online_payment.pending', 'online_payment.confirmed', 'online_payment.already_confirmed']);
  });

  it('two identical notifications at once, and a failed order read retried: one payment each', async () => {
    const c = await customerWithInvoices('payu', 1);
    const s = await start(c.portal, c.customerId, {});
    payu.complete(s.sessionId);
    const both = await Promise.all([payu.repeat(s.sessionId), payu.repeat(s.sessionId)]);
    expect(both.map((r) => r.status)).toEqual([200, 200]);
    expect((await payments(c.utilityId, c.customerId)).rows).toHaveLength(1);

    const d = await customerWithInvoices('payu', 1);
    const s2 = await start(d.portal, d.customerId, {});
    payu.failRead(1);
    const first = await payu.pay(s2.sessionId);
    expect(first.status).toBe(503);
    expect((await payments(d.utilityId, d.customerId)).rows).toHaveLength(0);
    expect((await payu.repeat(s2.sessionId)).status).toBe(200);
    expect((await payments(d.utilityId, d.customerId)).rows).toHaveLength(1);
  });

  it('refuses a forged or altered notification, and marks a cancelled payment failed', async () => {
    const c = await customerWithInvoices('payu', 1);
    const s = await start(c.portal, c.customerId, {});
    for (const res of [await payu.forge(s.sessionId), await payu.tamper(s.sessionId)]) {
      expect(res.status).toBe(403);
      expect(JSON.parse(res.body).error.code).toBe('online_payment.bad_signature');
    }
    const wrong = await payu.notifyWith(s.sessionId, { totalAmount: '1', status: 'COMPLETED' });
    expect(wrong.status).toBe(409);
    expect(JSON.parse(wrong.body).error.code).toBe('online_payment.amount_mismatch');
    expect((await payments(c.utilityId, c.customerId)).rows).toHaveLength(0);
    expect((await payu.cancel(s.sessionId)).status).toBe(200);
    expect(await status(c.portal, s.sessionId)).toBe('failed');
    expect((await notificationLog(c.utilityId, s.sessionId)).map((l) => `${l.accepted}:${l.code}`)).toEqual([
      'false:online_payment.bad_signature',
      'false:online_payment.bad_signature',
      'false:online_payment.amount_mismatch',
      'true:online_payment.failed',
    ]);
  });
});
