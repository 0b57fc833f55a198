/**
 * Staff: TOTP two-factor sign-in, staff users with roles, portal users added
 * by staff, and the activation letter (PDF with embedded font, read back with
 * PDF.js through test/support/pdf.ts, whose code then registers the customer).
 */
import { createHash } from 'node:crypto';
import * as OTPAuth from 'otpauth';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, createTestApp, type Client, type TestApp } from './support/app.ts';
import { TEST_PASSWORD, buildCustomer, buildUser, buildUtility } from './support/factories.ts';
import { identityFixture, outbox } from './identity-support.ts';
import { pdfText } from './support/pdf.ts';

let t: TestApp;
let slug: string;
let utilityId: number;
let termsId: number;
let ipSeq = 0;

function visitor(): Client {
  const c = client(t.app, slug);
  // Each visitor on its own /24, so the per-network sign-in limits of one test do not reach another.
  const ip = `10.${(++ipSeq >> 8) & 255}.${ipSeq & 255}.9`;
  const request = c.request;
  c.request = (m, url, body, headers = {}) => request(m, url, body, { 'x-forwarded-for': ip, ...headers });
  return c;
}

async function signIn(email: string, password = TEST_PASSWORD) {
  const c = visitor();
  const r = await c.post('/api/auth/login', { email, password });
  return { c, r };
}

beforeAll(async () => {
  t = await createTestApp();
  const f = await identityFixture(t);
  slug = f.utility.slug;
  utilityId = f.utility.id;
  termsId = f.termsId;
});
afterAll(() => t?.close());

describe('TOTP for staff', () => {
  it('is set up with a QR code, then asked for at every sign-in; codes work once and wrong ones lock', async () => {
    const admin = await buildUser(t.database, utilityId, { kind: 'staff', roles: ['admin'] });
    const { c } = await signIn(admin.email);
    const setup = await c.post('/api/auth/totp/setup');
    expect(setup.statusCode, setup.body).toBe(200);
    const { otpauthUrl, qrSvg } = setup.json();
    expect(qrSvg).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
    const totp = OTPAuth.URI.parse(otpauthUrl) as OTPAuth.TOTP;
    expect(totp.label).toBe(admin.email);
    // The secret is sealed at rest.
    const stored = await t.database.db.selectFrom('users').select('totp_secret_enc').where('id', '=', admin.id).executeTakeFirstOrThrow();
    expect(stored.totp_secret_enc).toMatch(/^v1\./);
    expect(stored.totp_secret_enc).not.toContain(totp.secret.base32);

    expect((await c.post('/api/auth/totp/enable', { code: '000000' === totp.generate() ? '111111' : '000000' })).json().error.code).toBe('auth.totp_invalid');
    const enabledAt = Date.now();
    const enable = await c.post('/api/auth/totp/enable', { code: totp.generate({ timestamp: enabledAt }) });
    expect(enable.statusCode, enable.body).toBe(200);
    expect((await c.get('/api/auth/session')).json().user).toMatchObject({ totpEnabled: true, mfaPending: false });

    // Next sign-in: password, then the code.
    const { c: c2, r } = await signIn(admin.email);
    expect(r.json()).toMatchObject({ next: 'totp', user: { mfaPending: true } });
    const before = await c2.get('/api/staff/users');
    expect(before.statusCode).toBe(401);
    expect(before.json().error.code).toBe('auth.totp_required');
    const wrong = await c2.post('/api/auth/totp', { code: '12345' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.code).toBe('auth.totp_invalid');
    // The code used to enable is spent: a later code (next time step) is needed.
    const next = totp.generate({ timestamp: enabledAt + 30_000 });
    const ok = await c2.post('/api/auth/totp', { code: next });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ next: 'done', user: { mfaPending: false } });
    expect((await c2.get('/api/staff/users')).statusCode).toBe(200);

    // Replaying the same code in another sign-in is refused.
    const { c: c3 } = await signIn(admin.email);
    expect((await c3.post('/api/auth/totp', { code: next })).json().error.code).toBe('auth.totp_invalid');

    // Five wrong codes within the window (two above, three now) lock the account and end its sessions.
    let last;
    let tries = 0;
    do {
      last = await c3.post('/api/auth/totp', { code: String(100000 + tries++) });
    } while (last.statusCode === 401 && tries < 10);
    expect(tries).toBe(3);
    expect(last!.statusCode).toBe(429);
    expect(last!.json().error.code).toBe('auth.locked');
    expect((await c2.get('/api/auth/session')).json().user).toBeNull();
    // The password alone still leads only to the code step, and there the lock answers before any code is checked.
    const { c: c4, r: again } = await signIn(admin.email);
    expect(again.json().next).toBe('totp');
    const locked = await c4.post('/api/auth/totp', { code: totp.generate() });
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error.code).toBe('auth.locked');
    const audit = await t.database.db.selectFrom('audit_log').select('action').where('actor_id', '=', admin.id).execute();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['auth.totp_enabled', 'auth.totp_passed', 'auth.totp_failed']));
  });

  it('is not asked of customers, and an admin can switch it off for a colleague', async () => {
    const admin = await buildUser(t.database, utilityId, { kind: 'staff', roles: ['admin'] });
    const reader = await buildUser(t.database, utilityId, { kind: 'staff', roles: ['meter_reader'] });
    const { c: rc } = await signIn(reader.email);
    const s = await rc.post('/api/auth/totp/setup');
    const totp = OTPAuth.URI.parse(s.json().otpauthUrl) as OTPAuth.TOTP;
    await rc.post('/api/auth/totp/enable', { code: totp.generate() });
    const { c: ac } = await signIn(admin.email);
    const reset = await ac.post(`/api/staff/users/${reader.id}/totp-reset`);
    expect(reset.statusCode, reset.body).toBe(200);
    expect((await rc.get('/api/auth/session')).json().user).toBeNull();
    expect((await signIn(reader.email)).r.json().next).toBe('done');
    const customer = await buildCustomer(t.database, utilityId);
    const cu = await buildUser(t.database, utilityId, { kind: 'customer', customerIds: [customer.id] });
    const { c: cc } = await signIn(cu.email);
    expect((await cc.post('/api/auth/totp/setup')).statusCode).toBe(403);
  });
});

describe('staff users', () => {
  it('an admin creates a staff user, who is told by e-mail and must change the password first', async () => {
    const admin = await buildUser(t.database, utilityId, { kind: 'staff', roles: ['admin'] });
    const { c } = await signIn(admin.email);
    const body = { email: 'inkasent.nowak@zgk.example', name: 'Piotr Nowak', roles: ['meter_reader', 'auditor'], password: 'Pierwsze-haslo-1' };
    const r = await c.post('/api/staff/users', body);
    expect(r.statusCode, r.body).toBe(201);
    const list = await c.get('/api/staff/users');
    expect(list.json().items).toContainEqual(
      expect.objectContaining({ id: r.json().id, email: body.email, name: 'Piotr Nowak', roles: ['auditor', 'meter_reader'], mustChangePassword: true }),
    );
    const [mail] = await outbox(t, body.email);
    expect(mail).toMatchObject({ template: 'account_created', subject: 'Konto pracownika zostało założone' });
    expect(mail.text_body).not.toContain(body.password);
    const first = await signIn(body.email, body.password);
    expect(first.r.json()).toMatchObject({ next: 'change_password', user: { kind: 'staff', roles: expect.arrayContaining(['meter_reader', 'auditor']) } });

    expect((await c.post('/api/staff/users', body)).json().error.code).toBe('user.email_taken');
    expect((await c.post('/api/staff/users', { ...body, email: 'x@zgk.example', roles: ['boss'] })).statusCode).toBe(400);
    expect((await c.post('/api/staff/users', { ...body, email: 'x@zgk.example', roles: [] })).statusCode).toBe(400);
    expect((await c.post('/api/staff/users', { ...body, email: 'x@zgk.example', password: 'abc' })).json().error.code).toBe('password.too_short');
    const audit = await t.database.db.selectFrom('audit_log').select(['action', 'actor_id']).where('action', '=', 'user.staff_created').execute();
    expect(audit).toContainEqual({ action: 'user.staff_created', actor_id: admin.id });
  });

  it('an admin changes roles and disables accounts, but never their own admin role', async () => {
    const admin = await buildUser(t.database, utilityId, { kind: 'staff', roles: ['admin'] });
    const clerk = await buildUser(t.database, utilityId, { kind: 'staff', roles: ['billing'] });
    const { c } = await signIn(admin.email);
    const { c: cc } = await signIn(clerk.email);
    expect((await cc.get('/api/staff/users')).statusCode).toBe(403);
    const r = await c.request('PATCH', `/api/staff/users/${clerk.id}`, { roles: ['billing', 'admin'] });
    expect(r.statusCode, r.body).toBe(200);
    // The clerk's next request sees the new role.
    expect((await cc.get('/api/staff/users')).statusCode).toBe(200);
    expect((await c.request('PATCH', `/api/staff/users/${clerk.id}`, { disabled: true })).statusCode).toBe(200);
    expect((await cc.get('/api/auth/session')).json().user).toBeNull();
    expect((await signIn(clerk.email)).r.json().error.code).toBe('auth.invalid_credentials');
    expect((await c.request('PATCH', `/api/staff/users/${admin.id}`, { roles: ['billing'] })).json().error.code).toBe('user.self_lockout');
    expect((await c.request('PATCH', `/api/staff/users/${admin.id}`, { disabled: true })).json().error.code).toBe('user.self_lockout');
    expect((await c.request('PATCH', `/api/staff/users/${clerk.id}`, {})).statusCode).toBe(400);
    const customer = await buildCustomer(t.database, utilityId);
    const cu = await buildUser(t.database, utilityId, { kind: 'customer', customerIds: [customer.id] });
    expect((await c.request('PATCH', `/api/staff/users/${cu.id}`, { disabled: true })).statusCode).toBe(404);
  });

  it('customer service may give a customer one more portal user; the customer cannot register another one', async () => {
    const cs = await buildUser(t.database, utilityId, { kind: 'staff', roles: ['customer_service'] });
    const { c } = await signIn(cs.email);
    const customer = await buildCustomer(t.database, utilityId);
    const owner = await buildUser(t.database, utilityId, { kind: 'customer', customerIds: [customer.id] });

    const created = await c.post(`/api/staff/customers/${customer.id}/portal-users`, { email: 'malzonka@example.com', password: 'Haslo-startowe-1' });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().created).toBe(true);
    const second = await signIn('malzonka@example.com', 'Haslo-startowe-1');
    expect(second.r.json()).toMatchObject({ next: 'change_password', user: { customerIds: [customer.id] } });

    // An existing portal user of another customer is linked, not duplicated.
    const other = await buildCustomer(t.database, utilityId);
    const linked = await c.post(`/api/staff/customers/${other.id}/portal-users`, { email: owner.email });
    expect(linked.json()).toEqual({ userId: owner.id, created: false });
    expect((await signIn(owner.email)).r.json().user.customerIds).toEqual([customer.id, other.id].sort((a, b) => a - b));

    expect((await c.post(`/api/staff/customers/${customer.id}/portal-users`, { email: cs.email })).json().error.code).toBe('user.not_portal_user');
    expect((await c.post(`/api/staff/customers/${customer.id}/portal-users`, { email: 'bez-hasla@example.com' })).json().error.code).toBe('password.required');
    expect((await c.post('/api/staff/customers/999999/portal-users', { email: 'a@example.com', password: 'Haslo-startowe-1' })).statusCode).toBe(404);

    // Self-registration with a fresh code is refused: this customer already has an account.
    const letter = await c.post(`/api/staff/customers/${customer.id}/activation-letter`, {});
    const code = (await pdfText(letter.rawPayload)).match(/[2-9A-HJ-NP-Z]{4}(?:-[2-9A-HJ-NP-Z]{4}){3}/)![0];
    const reg = await visitor().post('/api/auth/register', {
      customerNumber: customer.customer_number,
      activationCode: code,
      email: 'trzeci@example.com',
      password: 'Haslo-wlasne-2026',
      acceptTerms: true,
      termsVersionId: termsId,
    });
    expect(reg.statusCode).toBe(409);
    expect(reg.json().error.code).toBe('registration.customer_has_account');
  });
});

describe('activation letter', () => {
  it('is a PDF with the utility, the customer, a new code in Polish letters, and the code registers the customer', async () => {
    const cs = await buildUser(t.database, utilityId, { kind: 'staff', roles: ['customer_service'] });
    const customer = await buildCustomer(t.database, utilityId, {
      name: 'Grzegorz Brzęczyszczykiewicz',
      street: 'ul. Źródlana',
      building: '7',
      apartment: '12',
      postal_code: '21-010',
      city: 'Łęczna',
      customer_number: 'K-ŁĘ-0042',
    });
    const { c } = await signIn(cs.email);
    const r = await c.post(`/api/staff/customers/${customer.id}/activation-letter`, {});
    expect(r.statusCode, r.body.slice(0, 300)).toBe(200);
    expect(r.headers['content-type']).toBe('application/pdf');
    expect(r.headers['content-disposition']).toMatch(/attachment; filename="kod-aktywacyjny-K-_-0042\.pdf"/);
    expect(r.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const text = await pdfText(r.rawPayload);
    for (const s of [
      'Zakład Wodociągów i Kanalizacji w Łęcznej Sp. z o.o.',
      'Grzegorz Brzęczyszczykiewicz',
      'ul. Źródlana 7/12',
      '21-010 Łęczna',
      'K-ŁĘ-0042',
      'Kod aktywacyjny do Internetowego Biura Obsługi Klienta',
      `/t/${slug}/register`,
      'Kod jest ważny do',
    ]) {
      expect(text).toContain(s);
    }
    const code = text.match(/[2-9A-HJ-NP-Z]{4}(?:-[2-9A-HJ-NP-Z]{4}){3}/)?.[0];
    expect(code).toBeTruthy();
    const stored = await t.database.db.selectFrom('customers').select(['activation_code_hash', sql<number>`(activation_code_expires_at::date - now()::date)`.as('days')]).where('id', '=', customer.id).executeTakeFirstOrThrow();
    // Only the SHA-256 of the code as typed without dashes is kept: neither form of the code itself.
    const undashed = code!.replace(/-/g, '');
    expect(stored.activation_code_hash).toBe(createHash('sha256').update(`activation:${undashed}`).digest('base64url'));
    for (const form of [code!, undashed]) expect(stored.activation_code_hash!.toUpperCase()).not.toContain(form);
    expect(stored.days).toBe(90);
    const audit = await t.database.db.selectFrom('audit_log').select(['action', 'actor_id']).where('customer_id', '=', customer.id).execute();
    expect(audit).toContainEqual({ action: 'customer.activation_letter_issued', actor_id: cs.id });

    const reg = await visitor().post('/api/auth/register', {
      customerNumber: 'k-łę-0042',
      activationCode: code,
      email: 'grzegorz@example.com',
      password: 'Moje-haslo-2026',
      acceptTerms: true,
      termsVersionId: termsId,
    });
    expect(reg.statusCode, reg.body).toBe(201);
  });

  it('is refused for roles other than admin and customer service, and for unknown customers', async () => {
    const billing = await buildUser(t.database, utilityId, { kind: 'staff', roles: ['billing'] });
    const admin = await buildUser(t.database, utilityId, { kind: 'staff', roles: ['admin'] });
    const customer = await buildCustomer(t.database, utilityId);
    expect((await (await signIn(billing.email)).c.post(`/api/staff/customers/${customer.id}/activation-letter`, {})).statusCode).toBe(403);
    const { c } = await signIn(admin.email);
    expect((await c.post('/api/staff/customers/99999999/activation-letter', {})).statusCode).toBe(404);
    expect((await c.post(`/api/staff/customers/${customer.id}/activation-letter`, { validDays: 5 })).json().error.code).toBe('request.unknown_field');
    // A customer of another utility is invisible here.
    const other = await buildUtility(t.database);
    const foreign = await buildCustomer(t.database, other.id);
    expect((await c.post(`/api/staff/customers/${foreign.id}/activation-letter`, {})).statusCode).toBe(404);
  });
});
