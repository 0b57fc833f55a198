/**
 * Customer data (issue 13, item 2 and 8): a portal user asks for a change of
 * their customer's data, customer service approves it (applied, audited,
 * e-mailed) or rejects it with a reason; fields that cannot change and bad
 * attachments are refused with nothing stored; the GDPR download (JSON and
 * PDF); closing one's own account; staff lock, unlock and password reset of a
 * portal user; a login acting for several customers. PGlite by default,
 * PostgreSQL with TEST_DATABASE_URL.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeRequested } from '../src/modules/notify/index.ts';
import { client, createTestApp, type Client, type TestApp } from './support/app.ts';
import { TEST_PASSWORD, buildCustomer, buildUser, buildUtility } from './support/factories.ts';
import { pdfText } from './support/pdf.ts';

let t: TestApp;
let slug = '';
let utilityId = 0;
let own: { id: number; customer_number: string };
let second: { id: number };
let stranger: { id: number };
let portalEmail = '';
let portalId = 0;

async function login(email: string, password = TEST_PASSWORD): Promise<Client> {
  const c = client(t.app, slug);
  const res = await c.post('/api/auth/login', { email, password });
  expect(res.statusCode, res.body).toBe(200);
  return c;
}

const count = async (table: string) => (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)} where utility_id = ${utilityId}`.execute(t.database.db)).rows[0].n;
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108020000009077530000000c4944415408d763f8ffff3f0005fe02fea7d6a4c50000000049454e44ae426082', 'hex');

beforeAll(async () => {
  t = await createTestApp();
  const u = await buildUtility(t.database, { name: 'Przedsiębiorstwo Wodociągów i Kanalizacji w Łańcucie Sp. z o.o.' });
  slug = u.slug;
  utilityId = u.id;
  own = await buildCustomer(t.database, u.id, { name: 'Zofia Żółkiewska', pesel: '85010112345', phone: '600 100 200', payment_account: '61109010140000071219812874' });
  second = await buildCustomer(t.database, u.id, { kind: 'housing_community', name: 'Wspólnota Mieszkaniowa Łąkowa 5' });
  stranger = await buildCustomer(t.database, u.id, { name: 'Ktoś Obcy' });
  portalEmail = 'zofia@example.com';
  portalId = (await buildUser(t.database, u.id, { kind: 'customer', email: portalEmail, customerIds: [own.id, second.id] })).id;
  await buildUser(t.database, u.id, { kind: 'staff', email: 'bok@example.com', roles: ['customer_service'] });
  await buildUser(t.database, u.id, { kind: 'staff', email: 'audyt@example.com', roles: ['auditor'] });
}, 60_000);

afterAll(() => t?.close());

describe('data-change requests', () => {
  it('shows everything held about the customer', async () => {
    const c = await login(portalEmail);
    const res = await c.get(`/api/portal/customers/${own.id}/account`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      customerNumber: own.customer_number,
      name: 'Zofia Żółkiewska',
      pesel: '85010112345',
      phone: '600 100 200',
      correspondenceAddress: null,
      invoiceDelivery: 'paper',
      paymentAccount: '61 1090 1014 0000 0712 1981 2874',
    });
  });

  it('refuses fields that cannot change and bad values with a 4xx, storing nothing', async () => {
    const c = await login(portalEmail);
    const before = [await count('data_change_requests'), await count('files')];
    const url = `/api/portal/customers/${own.id}/change-requests`;
    for (const [body, status, code] of [
      [{ field: 'pesel', value: '85010112346' }, 400, 'change_request.field_fixed'],
      [{ field: 'customer_number', value: 'K1' }, 400, 'change_request.field_fixed'],
      [{ field: 'nip', value: '5250001009' }, 400, 'change_request.field_fixed'],
      [{ field: 'shoe_size', value: '42' }, 400, 'change_request.field_unknown'],
      [{ field: 'phone', value: 'abc' }, 400, 'change_request.invalid_phone'],
      [{ field: 'email', value: 'nie-adres' }, 400, 'change_request.invalid_email'],
      [{ field: 'address', address: { street: 'ul. Nowa', building: '1', postalCode: '00001', city: 'Łańcut' } }, 400, 'change_request.invalid_address'],
      [{ field: 'phone', value: '600 100 200' }, 400, 'change_request.same_value'],
      [{ field: 'phone', value: '500 600 700', attachment: { name: 'skan.exe', data: Buffer.from('MZ\x90\x00binary').toString('base64') } }, 400, 'change_request.attachment_type'],
      [{ field: 'phone', value: '500 600 700', attachment: { name: 'duzy.pdf', data: Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(5 * 1024 * 1024)]).toString('base64') } }, 413, 'change_request.attachment_too_large'],
    ] as const) {
      const res = await c.post(url, body);
      expect(res.statusCode, `${JSON.stringify(body).slice(0, 80)}: ${res.body.slice(0, 200)}`).toBe(status);
      const err = res.json().error;
      expect(err.code).toBe(code);
      expect(err.messages.pl).toMatch(/[a-ząćęłńóśźż]/);
      expect(err.messages.en.length).toBeGreaterThan(5);
    }
    expect([await count('data_change_requests'), await count('files')]).toEqual(before);
  });

  it('serves each customer the login is linked to (a manager of several), and refuses any other', async () => {
    const c = await login(portalEmail);
    expect((await c.get(`/api/portal/customers/${second.id}/account`)).json()).toMatchObject({ name: 'Wspólnota Mieszkaniowa Łąkowa 5', kind: 'housing_community' });
    expect((await c.get(`/api/portal/customers/${stranger.id}/account`)).statusCode).toBe(403);
    expect((await c.post(`/api/portal/customers/${stranger.id}/change-requests`, { field: 'phone', value: '500600700' })).statusCode).toBe(403);
    expect((await c.get(`/api/portal/customers/${stranger.id}/change-requests`)).statusCode).toBe(403);
  });

  it('is approved by customer service: applied to the customer, audited, e-mailed, shown to the customer', async () => {
    const c = await login(portalEmail);
    const made = await c.post(`/api/portal/customers/${own.id}/change-requests`, {
      field: 'correspondence_address',
      address: { street: 'ul. Kościuszki', building: '7', apartment: '2', postalCode: '37-100', city: 'Łańcut' },
      note: 'Proszę o korespondencję na ten adres.',
      attachment: { name: 'pełnomocnictwo.png', data: PNG.toString('base64') },
    });
    expect(made.statusCode, made.body).toBe(201);
    const req = made.json();
    expect(req).toMatchObject({ status: 'pending', oldValue: '', newValue: 'ul. Kościuszki 7/2, 37-100 Łańcut', hasAttachment: true });
    // A second request for the same field waits for the first.
    expect((await c.post(`/api/portal/customers/${own.id}/change-requests`, { field: 'correspondence_address', address: { street: '', building: '1', postalCode: '37-100', city: 'Łańcut' } })).statusCode).toBe(409);

    const auditor = await login('audyt@example.com');
    const queue = await auditor.get('/api/staff/change-requests?status=pending');
    expect(queue.statusCode, queue.body).toBe(200);
    expect(queue.json().items.map((i: { id: number }) => i.id)).toContain(req.id);
    expect((await auditor.post(`/api/staff/change-requests/${req.id}/approve`)).statusCode).toBe(403);
    const file = await auditor.get(`/api/staff/change-requests/${req.id}/attachment`);
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toBe('image/png');
    expect(file.rawPayload.equals(PNG)).toBe(true);

    const bok = await login('bok@example.com');
    const ok = await bok.post(`/api/staff/change-requests/${req.id}/approve`);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().status).toBe('approved');
    expect((await bok.post(`/api/staff/change-requests/${req.id}/approve`)).json().error.code).toBe('change_request.already_decided');

    const row = await t.database.db.selectFrom('customers').selectAll().where('id', '=', own.id).executeTakeFirstOrThrow();
    expect([row.correspondence_street, row.correspondence_building, row.correspondence_apartment, row.correspondence_postal_code, row.correspondence_city]).toEqual(['ul. Kościuszki', '7', '2', '37-100', 'Łańcut']);
    const audit = await t.database.db.selectFrom('audit_log').select(['action', 'data', 'actor_kind']).where('action', '=', 'customer.data_changed').where('customer_id', '=', own.id).execute();
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit[0].data)).toContain('Kościuszki');

    const mail = await t.database.db.selectFrom('email_outbox').selectAll().where('to_address', '=', portalEmail).where('template', '=', 'change_request_approved').execute();
    expect(mail).toHaveLength(1);
    expect(mail[0].subject).toBe('Zmiana danych została wprowadzona');
    expect(mail[0].text_body).toContain('ul. Kościuszki 7/2, 37-100 Łańcut');
    expect(mail[0].text_body).not.toMatch(/\b(Pan|Pani|Witaj)\b/);

    const seen = (await c.get(`/api/portal/customers/${own.id}/account`)).json();
    expect(seen.correspondenceAddress).toBe('ul. Kościuszki 7/2, 37-100 Łańcut');
    const mine = (await c.get(`/api/portal/customers/${own.id}/change-requests`)).json().items;
    expect(mine[0]).toMatchObject({ id: req.id, status: 'approved' });
  });

  it('is rejected only with a reason, which the customer sees and gets by e-mail', async () => {
    const c = await login(portalEmail);
    const req = (await c.post(`/api/portal/customers/${own.id}/change-requests`, { field: 'name', value: 'Zofia Nowak' })).json();
    const bok = await login('bok@example.com');
    const noReason = await bok.post(`/api/staff/change-requests/${req.id}/reject`, { reason: ' ' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().error.code).toBe('change_request.reason_required');
    const res = await bok.post(`/api/staff/change-requests/${req.id}/reject`, { reason: 'Brak odpisu aktu małżeństwa.' });
    expect(res.statusCode, res.body).toBe(200);
    expect((await t.database.db.selectFrom('customers').select('name').where('id', '=', own.id).executeTakeFirstOrThrow()).name).toBe('Zofia Żółkiewska');
    const mine = (await c.get(`/api/portal/customers/${own.id}/change-requests`)).json().items;
    expect(mine.find((r: { id: number }) => r.id === req.id)).toMatchObject({ status: 'rejected', reason: 'Brak odpisu aktu małżeństwa.' });
    const mail = await t.database.db.selectFrom('email_outbox').selectAll().where('template', '=', 'change_request_rejected').execute();
    expect(mail[0].text_body).toContain('Powód: Brak odpisu aktu małżeństwa.');
  });
});

describe('personal data download (GDPR)', () => {
  it('gives all data of every customer of the login as JSON and as a readable PDF with Polish letters', async () => {
    const c = await login(portalEmail);
    const json = await c.get('/api/portal/personal-data');
    expect(json.statusCode).toBe(200);
    expect(json.headers['content-disposition']).toMatch(/attachment; filename="dane-osobowe-\d{4}-\d{2}-\d{2}\.json"/);
    const data = json.json();
    expect(data.account.email).toBe(portalEmail);
    expect(data.customers.map((x: { name: string }) => x.name).sort()).toEqual(['Wspólnota Mieszkaniowa Łąkowa 5', 'Zofia Żółkiewska']);
    expect(JSON.stringify(data)).toContain('85010112345');
    expect(JSON.stringify(data)).not.toContain('Ktoś Obcy');
    expect(data.customers.find((x: { name: string }) => x.name === 'Zofia Żółkiewska').changeRequests.length).toBeGreaterThanOrEqual(2);
    const pdf = await c.get('/api/portal/personal-data/pdf');
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const text = await pdfText(pdf.rawPayload);
    expect(text).toContain('Dane osobowe przechowywane w e-BOK');
    expect(text).toContain('Zofia Żółkiewska');
    expect(text).toContain('Wspólnota Mieszkaniowa Łąkowa 5');
    expect(text).toContain('ul. Kościuszki 7/2, 37-100 Łańcut');
    expect(text).toMatch(/\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}/);
  });
});

describe('portal accounts from the staff side', () => {
  it('lists portal users and consents, locks (sessions end), sends a reset link, unlocks', async () => {
    const customer = await login(portalEmail);
    const bok = await login('bok@example.com');
    const view = await bok.get(`/api/staff/customers/${own.id}/account`);
    expect(view.statusCode, view.body).toBe(200);
    expect(view.json().portalUsers).toEqual([expect.objectContaining({ id: portalId, email: portalEmail, locked: false, customerCount: 2 })]);
    // Only users of this customer: another customer's id in the path is refused.
    expect((await bok.post(`/api/staff/customers/${stranger.id}/portal-users/${portalId}/lock`)).statusCode).toBe(404);

    expect((await bok.post(`/api/staff/customers/${own.id}/portal-users/${portalId}/lock`)).statusCode).toBe(200);
    expect((await customer.get(`/api/portal/customers/${own.id}/account`)).statusCode).toBe(401);
    expect((await client(t.app, slug).post('/api/auth/login', { email: portalEmail, password: TEST_PASSWORD })).statusCode).toBe(401);
    expect((await bok.post(`/api/staff/customers/${own.id}/portal-users/${portalId}/password-reset`)).json().error.code).toBe('user.locked');
    expect((await bok.get(`/api/staff/customers/${own.id}/account`)).json().portalUsers[0].locked).toBe(true);

    expect((await bok.post(`/api/staff/customers/${own.id}/portal-users/${portalId}/unlock`)).statusCode).toBe(200);
    await login(portalEmail);
    const reset = await bok.post(`/api/staff/customers/${own.id}/portal-users/${portalId}/password-reset`);
    expect(reset.statusCode, reset.body).toBe(200);
    await composeRequested(t.database);
    const mail = await t.database.db.selectFrom('email_outbox').selectAll().where('to_address', '=', portalEmail).where('template', '=', 'password_reset').execute();
    expect(mail).toHaveLength(1);
    expect(mail[0].text_body).toMatch(/\/reset-password\?token=/);
    const actions = (await t.database.db.selectFrom('audit_log').select('action').where('entity_id', '=', String(portalId)).where('actor_kind', '=', 'staff').execute()).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['user.portal_locked', 'user.portal_unlocked', 'user.password_reset_sent']));
  });

  it('lets a portal user close their own account with the password; it signs out and is audited', async () => {
    const u = await buildUser(t.database, utilityId, { kind: 'customer', email: 'zamykam@example.com', customerIds: [stranger.id] });
    const c = await login('zamykam@example.com');
    const wrong = await c.post('/api/portal/account/close', { password: 'niepoprawne-haslo-1' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.code).toBe('account.password_wrong');
    expect((await c.get(`/api/portal/customers/${stranger.id}/account`)).statusCode).toBe(200);
    const ok = await c.post('/api/portal/account/close', { password: TEST_PASSWORD });
    expect(ok.statusCode, ok.body).toBe(200);
    expect((await c.get('/api/auth/session')).json().user).toBeNull();
    expect((await client(t.app, slug).post('/api/auth/login', { email: 'zamykam@example.com', password: TEST_PASSWORD })).statusCode).toBe(401);
    const audit = await t.database.db.selectFrom('audit_log').select('action').where('actor_id', '=', u.id).where('action', '=', 'user.portal_closed').execute();
    expect(audit).toHaveLength(1);
  });
});
