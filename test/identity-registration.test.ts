/**
 * Registration with a customer number and an activation code, acceptance of
 * the terms, e-mail verification, and everything a wrong form can carry.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, createTestApp, type TestApp } from './support/app.ts';
import { composeRequested } from '../src/modules/notify/index.ts';
import { customerWithCode, identityFixture, madeSoFar, outbox, tokenFromOutbox } from './identity-support.ts';

let t: TestApp;
let slug: string;
let utilityId: number;
let termsId: number;
let ipSeq = 0;
const PASSWORD = 'Kranówka2026dobra';

/** A client from its own address, so that one test's failures do not throttle another. */
function visitor() {
  const c = client(t.app, slug);
  const ip = `198.51.100.${++ipSeq}`;
  const post = (url: string, body: unknown) => c.request('POST', url, body, { 'x-forwarded-for': ip, 'user-agent': 'Vitest/4 (identity)' });
  return { c, post, ip };
}

const form = (over: Record<string, unknown> = {}) => ({
  customerNumber: 'X',
  activationCode: 'X',
  email: `nowy${Math.random().toString(36).slice(2, 8)}@example.com`,
  password: PASSWORD,
  acceptTerms: true,
  termsVersionId: termsId,
  ...over,
});

beforeAll(async () => {
  t = await createTestApp({ PUBLIC_URL: 'https://ebok.example' });
  const f = await identityFixture(t);
  slug = f.utility.slug;
  utilityId = f.utility.id;
  termsId = f.termsId;
});
afterAll(() => t?.close());

describe('registration', () => {
  it('creates an unverified account, records the terms acceptance, spends the code and sends a verification link', async () => {
    const { customer, code } = await customerWithCode(t, utilityId, { name: 'Zofia Żółkiewska' });
    const v = visitor();
    const email = 'zofia.zolkiewska@example.com';
    // Typed as a person would: lower case, spaces instead of dashes.
    const res = await v.post('/api/auth/register', form({ customerNumber: ` ${customer.customer_number.toLowerCase()} `, activationCode: code.toLowerCase().replace(/-/g, ' '), email }));
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toEqual({ status: 'verification_sent' });

    const user = await t.database.db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirstOrThrow();
    expect(user.kind).toBe('customer');
    expect(user.email_verified_at).toBeNull();
    expect(user.password_hash).toMatch(/^\$argon2id\$/);
    const links = await t.database.db.selectFrom('user_customers').select('customer_id').where('user_id', '=', user.id).execute();
    expect(links.map((l) => l.customer_id)).toEqual([customer.id]);

    const acc = await t.database.db.selectFrom('terms_acceptances').selectAll().where('user_id', '=', user.id).executeTakeFirstOrThrow();
    expect(acc).toMatchObject({ terms_version_id: termsId, customer_id: customer.id, ip: v.ip, user_agent: 'Vitest/4 (identity)' });
    expect(acc.accepted_at).toBeInstanceOf(Date);

    const c = await t.database.db.selectFrom('customers').select(['activation_code_used_at']).where('id', '=', customer.id).executeTakeFirstOrThrow();
    expect(c.activation_code_used_at).not.toBeNull();

    const [mail] = await outbox(t, email);
    expect(mail.template).toBe('verify_email');
    expect(mail.subject).toBe('Potwierdzenie adresu e-mail w e-BOK');
    expect(mail.text_body).toContain(`https://ebok.example/t/${slug}/verify-email?token=`);
    expect(mail.text_body).toContain('Zakład Wodociągów i Kanalizacji w Łęcznej');

    const audit = await t.database.db.selectFrom('audit_log').select(['action', 'customer_id']).where('actor_id', '=', user.id).execute();
    expect(audit).toContainEqual({ action: 'auth.registered', customer_id: customer.id });

    // Not before verification…
    const early = await v.post('/api/auth/login', { email, password: PASSWORD });
    expect(early.statusCode).toBe(403);
    expect(early.json().error.code).toBe('auth.email_not_verified');

    // …and after it.
    const token = await tokenFromOutbox(t, email, 'verify-email');
    const ok = await v.post('/api/auth/verify-email', { token });
    expect(ok.statusCode, ok.body).toBe(200);
    const again = await v.post('/api/auth/verify-email', { token });
    expect(again.statusCode).toBe(400);
    expect(again.json().error.code).toBe('auth.token_used');
    const login = await v.post('/api/auth/login', { email, password: PASSWORD });
    expect(login.statusCode, login.body).toBe(200);
    expect(login.json()).toMatchObject({ next: 'done', user: { kind: 'customer', email, customerIds: [customer.id], name: 'Zofia Żółkiewska' } });
  });

  it('refuses a spent code, even with another e-mail address', async () => {
    const { customer, code } = await customerWithCode(t, utilityId);
    const first = await visitor().post('/api/auth/register', form({ customerNumber: customer.customer_number, activationCode: code }));
    expect(first.statusCode).toBe(201);
    const second = await visitor().post('/api/auth/register', form({ customerNumber: customer.customer_number, activationCode: code }));
    expect(second.statusCode).toBe(409);
    expect(second.json().error.code).toBe('registration.code_spent');
    const users = await t.database.db.selectFrom('user_customers').select('user_id').where('customer_id', '=', customer.id).execute();
    expect(users).toHaveLength(1);
  });

  it('refuses a wrong code and an unknown customer number with the same answer', async () => {
    const { customer } = await customerWithCode(t, utilityId);
    const wrong = await visitor().post('/api/auth/register', form({ customerNumber: customer.customer_number, activationCode: 'AAAA-BBBB-CCCC-DDDD' }));
    const unknown = await visitor().post('/api/auth/register', form({ customerNumber: 'K-NIE-MA', activationCode: 'AAAA-BBBB-CCCC-DDDD' }));
    for (const r of [wrong, unknown]) {
      expect(r.statusCode).toBe(400);
      expect(r.json().error.code).toBe('registration.invalid_code');
      expect(r.json().error.messages.pl).toMatch(/kod aktywacyjny/);
    }
    expect(wrong.json().error.message).toBe(unknown.json().error.message);
  });

  it('refuses an expired code', async () => {
    const { customer, code } = await customerWithCode(t, utilityId);
    await t.database.db.updateTable('customers').set({ activation_code_expires_at: sql`now() - interval '1 minute'` }).where('id', '=', customer.id).execute();
    const r = await visitor().post('/api/auth/register', form({ customerNumber: customer.customer_number, activationCode: code }));
    expect(r.statusCode).toBe(400);
    expect(r.json().error.code).toBe('registration.code_expired');
  });

  it('a new letter replaces the old code', async () => {
    const { customer, code: old } = await customerWithCode(t, utilityId);
    const { withTenant } = await import('../src/db/tenant.ts');
    const { issueActivationCode } = await import('../src/modules/identity/index.ts');
    const fresh = await withTenant(t.database.db, { utilityId }, (tx) => issueActivationCode(tx, customer.id));
    const r = await visitor().post('/api/auth/register', form({ customerNumber: customer.customer_number, activationCode: old }));
    expect(r.json().error.code).toBe('registration.invalid_code');
    const ok = await visitor().post('/api/auth/register', form({ customerNumber: customer.customer_number, activationCode: fresh }));
    expect(ok.statusCode).toBe(201);
  });

  it('requires the current terms to be accepted', async () => {
    const { customer, code } = await customerWithCode(t, utilityId);
    const notAccepted = await visitor().post('/api/auth/register', form({ customerNumber: customer.customer_number, activationCode: code, acceptTerms: false }));
    expect(notAccepted.statusCode).toBe(400);
    expect(notAccepted.json().error.code).toBe('registration.terms_not_accepted');
    const missing = await visitor().post('/api/auth/register', { ...form({ customerNumber: customer.customer_number, activationCode: code }), acceptTerms: undefined });
    expect(missing.statusCode).toBe(400);
    const outdated = await visitor().post('/api/auth/register', form({ customerNumber: customer.customer_number, activationCode: code, termsVersionId: termsId + 1000 }));
    expect(outdated.statusCode).toBe(400);
    expect(outdated.json().error.code).toBe('registration.terms_outdated');
    // Nothing was spent on the way.
    const ok = await visitor().post('/api/auth/register', form({ customerNumber: customer.customer_number, activationCode: code }));
    expect(ok.statusCode).toBe(201);
  });

  it('enforces the password policy', async () => {
    const { customer, code } = await customerWithCode(t, utilityId);
    const cases: Array<[string, string]> = [
      ['krótkie1', 'password.too_short'],
      ['samelitery-bez-cyfr', 'password.too_simple'],
      ['1234567890123', 'password.too_simple'],
    ];
    for (const [password, codeExpected] of cases) {
      const r = await visitor().post('/api/auth/register', form({ customerNumber: customer.customer_number, activationCode: code, password }));
      expect(r.statusCode, password).toBe(400);
      expect(r.json().error.code).toBe(codeExpected);
    }
    const r = await visitor().post('/api/auth/register', form({ customerNumber: customer.customer_number, activationCode: code, email: 'kowalski@example.com', password: 'kowalski2026xx' }));
    expect(r.json().error.code).toBe('password.contains_email');
  });

  it('refuses an e-mail address that already has an account', async () => {
    const a = await customerWithCode(t, utilityId);
    const b = await customerWithCode(t, utilityId);
    const email = 'wspolny@example.com';
    expect((await visitor().post('/api/auth/register', form({ customerNumber: a.customer.customer_number, activationCode: a.code, email }))).statusCode).toBe(201);
    const r = await visitor().post('/api/auth/register', form({ customerNumber: b.customer.customer_number, activationCode: b.code, email: 'WSPOLNY@example.com' }));
    expect(r.statusCode).toBe(409);
    expect(r.json().error.code).toBe('registration.email_taken');
    // b's code is still unspent.
    const c = await t.database.db.selectFrom('customers').select('activation_code_used_at').where('id', '=', b.customer.id).executeTakeFirstOrThrow();
    expect(c.activation_code_used_at).toBeNull();
  });

  it('lets only one of two simultaneous registrations with one address through', async () => {
    const a = await customerWithCode(t, utilityId);
    const b = await customerWithCode(t, utilityId);
    const email = 'rownoczesny@example.com';
    const rs = await Promise.all([
      visitor().post('/api/auth/register', form({ customerNumber: a.customer.customer_number, activationCode: a.code, email })),
      visitor().post('/api/auth/register', form({ customerNumber: b.customer.customer_number, activationCode: b.code, email })),
    ]);
    expect(rs.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    const loser = rs.find((r) => r.statusCode === 409)!;
    expect(['registration.email_taken', 'user.email_taken']).toContain(loser.json().error.code);
    const users = await t.database.db.selectFrom('users').select('id').where('email', '=', email).execute();
    expect(users).toHaveLength(1);
  });

  it('refuses a bad e-mail address', async () => {
    const { customer, code } = await customerWithCode(t, utilityId);
    for (const email of ['nie-adres', 'a@b', '<script>@x.pl', 'a b@example.com']) {
      const r = await visitor().post('/api/auth/register', form({ customerNumber: customer.customer_number, activationCode: code, email }));
      expect(r.statusCode, email).toBe(400);
      expect(r.json().error.code).toBe('email.invalid');
    }
  });

  it('turns away an address after ten wrong codes', async () => {
    const v = visitor();
    const { customer, code } = await customerWithCode(t, utilityId);
    for (let i = 0; i < 10; i++) {
      const r = await v.post('/api/auth/register', form({ customerNumber: customer.customer_number, activationCode: `ZZZZ-ZZZZ-ZZZZ-ZZ${i}${i}` }));
      expect(r.json().error.code).toBe('registration.invalid_code');
    }
    const r = await v.post('/api/auth/register', form({ customerNumber: customer.customer_number, activationCode: code }));
    expect(r.statusCode).toBe(429);
    expect(r.json().error.code).toBe('auth.rate_limited');
    const failures = await t.database.db.selectFrom('audit_log').select('action').where('action', '=', 'auth.registration_refused').where('ip', '=', v.ip).execute();
    expect(failures).toHaveLength(10);
  });

  it('answers malformed JSON, unknown fields and wrong types with a clear 400 and writes nothing', async () => {
    const before = await t.database.db.selectFrom('users').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
    const c = client(t.app, slug);
    await c.get('/api/auth/session');
    const raw = await t.app.inject({
      method: 'POST',
      url: `/t/${slug}/api/auth/register`,
      payload: '{"customerNumber": "K1", ',
      headers: { 'content-type': 'application/json', cookie: `wodnik_csrf=${c.cookies.wodnik_csrf}`, 'x-csrf-token': c.cookies.wodnik_csrf },
    });
    expect(raw.statusCode).toBe(400);
    expect(raw.json().error.code).toBe('request.malformed_json');
    const unknown = await visitor().post('/api/auth/register', { ...form(), isAdmin: true });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error).toMatchObject({ code: 'request.unknown_field', messages: { pl: expect.stringContaining('isAdmin') } });
    const wrongType = await visitor().post('/api/auth/register', form({ termsVersionId: '1; drop table users' }));
    expect(wrongType.statusCode).toBe(400);
    expect(wrongType.json().error.code).toBe('request.invalid');
    const after = await t.database.db.selectFrom('users').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it('compares SQL in the customer number and code as text (400, no row added or removed) and stores a name with markup and an address with a quote exactly as given', async () => {
    const counts = async () =>
      (await sql<{ users: number; customers: number }>`select (select count(*) from users)::int as users, (select count(*) from customers)::int as customers`.execute(t.database.db)).rows[0];
    const before = await counts();
    const evil = "K1'); DROP TABLE users;--<b>x</b>";
    const r = await visitor().post('/api/auth/register', form({ customerNumber: evil, activationCode: evil }));
    expect(r.statusCode).toBe(400);
    expect(r.json().error.code).toBe('registration.invalid_code');
    expect(await counts()).toEqual(before);
    const tooLong = await visitor().post('/api/auth/register', form({ customerNumber: `${evil}<img src=x onerror=alert(1)>` }));
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json().error.details.field).toBe('body.customerNumber');
    // The account takes the customer's name with its markup and quote, and the address as typed.
    const { customer, code } = await customerWithCode(t, utilityId, { name: '<b>Anna</b> O\'Brien' });
    const ok = await visitor().post('/api/auth/register', form({ customerNumber: customer.customer_number, activationCode: code, email: "o'brien+test@example.com" }));
    expect(ok.statusCode, ok.body).toBe(201);
    const u = await t.database.db.selectFrom('users').select(['name', 'email']).where('email', '=', "o'brien+test@example.com").executeTakeFirstOrThrow();
    expect(u).toEqual({ name: '<b>Anna</b> O\'Brien', email: "o'brien+test@example.com" });
  });

  it('sends a new verification link on request, only to unconfirmed accounts', async () => {
    const { customer, code } = await customerWithCode(t, utilityId);
    const email = 'zapominalski@example.com';
    const v = visitor();
    expect((await v.post('/api/auth/register', form({ customerNumber: customer.customer_number, activationCode: code, email }))).statusCode).toBe(201);
    const oldToken = await tokenFromOutbox(t, email, 'verify-email');
    const r = await v.post('/api/auth/verify-email/resend', { email });
    expect(r.statusCode).toBe(202);
    const mails = await outbox(t, email);
    expect(mails).toHaveLength(2);
    const newToken = await tokenFromOutbox(t, email, 'verify-email');
    expect(newToken).not.toBe(oldToken);
    expect((await v.post('/api/auth/verify-email', { token: oldToken })).statusCode).toBe(400);
    expect((await v.post('/api/auth/verify-email', { token: newToken })).statusCode).toBe(200);
    // Verified now: a further request answers the same and sends nothing; so does an unknown address.
    for (const e of [email, 'nikogo-takiego@example.com']) {
      const again = await v.post('/api/auth/verify-email/resend', { email: e });
      expect(again.statusCode).toBe(202);
      expect(again.json()).toEqual({ status: 'sent_if_known' });
    }
    expect(await outbox(t, email)).toHaveLength(2);
  });

  it('answers a resend for an unconfirmed, a confirmed and an unknown address after the same work: one e-mail request each, no token or message until the worker runs', async () => {
    const { customer, code } = await customerWithCode(t, utilityId);
    const unconfirmed = 'niepotwierdzony@example.com';
    expect((await visitor().post('/api/auth/register', form({ customerNumber: customer.customer_number, activationCode: code, email: unconfirmed }))).statusCode).toBe(201);
    const confirmed = await customerWithCode(t, utilityId);
    const confirmedEmail = 'potwierdzony@example.com';
    expect((await visitor().post('/api/auth/register', form({ customerNumber: confirmed.customer.customer_number, activationCode: confirmed.code, email: confirmedEmail }))).statusCode).toBe(201);
    await t.database.db.updateTable('users').set({ email_verified_at: sql`now()` }).where('email', '=', confirmedEmail).execute();
    await outbox(t); // the worker makes the registrations' messages
    const v = visitor();
    const steps = [];
    for (const e of [unconfirmed, confirmedEmail, 'nieznany-nikt@example.com']) {
      const before = await madeSoFar(t);
      const r = await v.post('/api/auth/verify-email/resend', { email: e });
      const after = await madeSoFar(t);
      steps.push({ status: r.statusCode, body: r.body, tokens: after.tokens - before.tokens, messages: after.messages - before.messages, audit: after.audit - before.audit, requests: after.requests.length - before.requests.length, data: after.requests.at(-1)?.data });
    }
    expect(steps[0]).toMatchObject({ status: 202, tokens: 0, messages: 0, audit: 0, requests: 1 });
    expect(steps[1]).toEqual(steps[0]);
    expect(steps[2]).toEqual(steps[0]);
    const sentBefore = (await t.database.db.selectFrom('email_outbox').select('to_address').execute()).length;
    expect(await composeRequested(t.database)).toEqual({ composed: 3, failed: 0 });
    const sent = await t.database.db.selectFrom('email_outbox').select(['to_address', 'template']).orderBy('id').execute();
    expect(sent.slice(sentBefore)).toEqual([{ to_address: unconfirmed, template: 'verify_email' }]);
  });

  it('serves the current terms', async () => {
    const r = await client(t.app, slug).get('/api/terms/current?kind=portal');
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ id: termsId, kind: 'portal', version: '2026-01', title: 'Regulamin e-BOK' });
    const none = await client(t.app, slug).get('/api/terms/current?kind=einvoice');
    expect(none.statusCode).toBe(404);
    expect(none.json().error.code).toBe('terms.not_found');
    const bad = await client(t.app, slug).get('/api/terms/current?kind=inne');
    expect(bad.statusCode).toBe(400);
  });
});
