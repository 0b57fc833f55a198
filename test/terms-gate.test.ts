/**
 * The server refuses portal calls while a portal user owes the acceptance of
 * the current terms: 403 auth.terms_not_accepted (pl/en) on every portal
 * route but reading and accepting the terms; the session and sign-out stay
 * open; staff are never held; the refusal ends the moment the terms are
 * accepted (the session cache hears the acceptance) and starts the moment a
 * new version is published, for a session already cached.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, createTestApp, type Client, type TestApp } from './support/app.ts';
import { TEST_PASSWORD, buildCustomer, buildUser, buildUtility } from './support/factories.ts';

let t: TestApp;
let slug: string;
let admin: Client;
let customer: Client;

async function login(email: string): Promise<Client> {
  const c = client(t.app, slug);
  const res = await c.post('/api/auth/login', { email, password: TEST_PASSWORD });
  expect(res.statusCode, res.body).toBe(200);
  return c;
}

beforeAll(async () => {
  t = await createTestApp();
  const u = await buildUtility(t.database);
  slug = u.slug;
  await t.database.db
    .insertInto('terms_versions')
    .values({ utility_id: u.id, kind: 'portal', version: '2026-01', title: 'Regulamin e-BOK', body: 'Pierwsza wersja.', published_at: new Date(Date.now() - 90 * 86_400_000) })
    .execute();
  const c = await buildCustomer(t.database, u.id);
  await buildUser(t.database, u.id, { kind: 'staff', email: 'admin@test.example', roles: ['admin'] });
  await buildUser(t.database, u.id, { kind: 'customer', email: 'klient@example.com', customerIds: [c.id] });
  admin = await login('admin@test.example');
  customer = await login('klient@example.com');
}, 120_000);

afterAll(() => t?.close());

describe('the terms gate', () => {
  it('lets a customer in while the terms are accepted, refuses portal calls once a new version is owed, and lets them in again on acceptance', async () => {
    // Cached session: the overview answers before the new version.
    expect((await customer.get('/api/portal/overview')).statusCode).toBe(200);

    const published = await admin.post('/api/staff/terms', { version: '2026-12', title: 'Regulamin e-BOK (grudzień 2026)', body: '§ 1. Nowa treść regulaminu e-BOK, obowiązująca od dziś.' });
    expect(published.statusCode, published.body).toBe(201);

    // The same (cached) session is now held at the gate, with a stable code in both languages.
    const refused = await customer.get('/api/portal/overview');
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error).toMatchObject({ code: 'auth.terms_not_accepted', messages: { pl: expect.stringMatching(/regulamin/), en: expect.stringMatching(/terms/) } });
    expect((await customer.get('/api/portal/notices')).json().error.code).toBe('auth.terms_not_accepted');

    // What is needed to get through stays open: the session, the pending terms, the public terms.
    const session = await customer.get('/api/auth/session');
    expect(session.statusCode).toBe(200);
    expect(session.json().user.termsToAccept).toBe(true);
    expect((await customer.get('/api/terms/current')).statusCode).toBe(200);
    const pending = await customer.get('/api/portal/terms/pending');
    expect(pending.statusCode, pending.body).toBe(200);
    // Staff are never held by the portal terms.
    expect((await admin.get('/api/staff/overview')).statusCode).toBe(200);

    const accepted = await customer.post('/api/portal/terms/accept', { termsVersionId: pending.json().terms.id, accept: true });
    expect(accepted.statusCode, accepted.body).toBe(204);
    expect((await customer.get('/api/portal/overview')).statusCode).toBe(200);
    expect((await customer.get('/api/auth/session')).json().user.termsToAccept).toBe(false);
  });

  it('refuses at a fresh sign-in too, and signing out still works', async () => {
    await admin.post('/api/staff/terms', { version: '2027-01', title: 'Regulamin e-BOK (styczeń 2027)', body: '§ 1. Jeszcze nowsza treść.' });
    const fresh = await login('klient@example.com');
    expect((await fresh.get('/api/portal/overview')).json().error.code).toBe('auth.terms_not_accepted');
    expect((await fresh.post('/api/auth/logout')).statusCode).toBeLessThan(300);
    expect((await fresh.get('/api/auth/session')).json().user).toBeNull();
  });
});
