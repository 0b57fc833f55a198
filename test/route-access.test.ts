/**
 * Every registered route, called by the wrong caller, is refused.
 *
 * The test walks app.routeTable (every route the app registered, with its
 * declared access policy), so a route added later is covered without
 * touching this file. A route whose path has a parameter this test cannot
 * fill fails the test: add the parameter to `paramFor` below.
 *
 *  - anonymous callers get 401 on every non-public route;
 *  - a portal customer gets 403 on every staff route;
 *  - a staff user without the route's role gets 403;
 *  - a session of another utility gets 401 (sessions are per utility);
 *  - a portal customer naming another customer's records gets 403/404 and
 *    never sees that customer's data;
 *  - gateway routes refuse a missing or wrong token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STAFF_ROLES, type StaffRole } from '../src/http/access.ts';
import type { RouteInfo } from '../src/http/app.ts';
import { client, createTestApp, type Client, type TestApp } from './support/app.ts';
import {
  TEST_PASSWORD,
  buildContract,
  buildCustomer,
  buildMeter,
  buildServicePoint,
  buildUser,
  buildUtility,
} from './support/factories.ts';

let t: TestApp;
const other: Record<string, number> = {};
let otherSecret = '';
let slugA = '';
let slugB = '';
const sessions: Record<string, Client> = {};

async function login(slug: string, email: string): Promise<Client> {
  const c = client(t.app, slug);
  const res = await c.post('/api/auth/login', { email, password: TEST_PASSWORD });
  expect(res.statusCode, `login of ${email}: ${res.body}`).toBe(200);
  return c;
}

beforeAll(async () => {
  t = await createTestApp();
  const db = t.database;
  const a = await buildUtility(db);
  const b = await buildUtility(db);
  slugA = a.slug;
  slugB = b.slug;

  // Utility A: customer 1 (the caller) and customer 2 (the victim) with records.
  const c1 = await buildCustomer(db, a.id);
  otherSecret = `Ofiara Sekretna ${Date.now()}`;
  const c2 = await buildCustomer(db, a.id, { name: otherSecret, customer_number: 'K-VICTIM-1' });
  const sp2 = await buildServicePoint(db, a.id);
  const contract2 = await buildContract(db, a.id, c2.id, sp2.id);
  const meter2 = await buildMeter(db, a.id, sp2.id);
  const invoice2 = await db.db
    .insertInto('invoices')
    .values({
      utility_id: a.id,
      invoice_number: 'FV/2026/11/000001',
      kind: 'invoice',
      customer_id: c2.id,
      contract_id: contract2.id,
      issue_date: '2026-11-01',
      due_date: '2026-11-15',
      net_grosze: 10000,
      vat_grosze: 800,
      gross_grosze: 10800,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const case2 = await db.db
    .insertInto('cases')
    .values({ utility_id: a.id, case_number: 'SP/2026/1', customer_id: c2.id, kind: 'complaint', subject: otherSecret })
    .returning('id')
    .executeTakeFirstOrThrow();
  Object.assign(other, {
    customerId: c2.id,
    contractId: contract2.id,
    servicePointId: sp2.id,
    meterId: meter2.id,
    invoiceId: invoice2.id,
    caseId: case2.id,
  });

  await buildUser(db, a.id, { kind: 'customer', email: 'customer-a@example.com', customerIds: [c1.id] });
  for (const role of STAFF_ROLES) await buildUser(db, a.id, { kind: 'staff', email: `${role}-a@example.com`, roles: [role] });
  const cb = await buildCustomer(db, b.id);
  await buildUser(db, b.id, { kind: 'customer', email: 'customer-b@example.com', customerIds: [cb.id] });
  await buildUser(db, b.id, { kind: 'staff', email: 'admin-b@example.com', roles: ['admin'] });

  sessions.customer = await login(slugA, 'customer-a@example.com');
  for (const role of STAFF_ROLES) sessions[role] = await login(slugA, `${role}-a@example.com`);
  sessions.customerB = await login(slugB, 'customer-b@example.com');
  sessions.adminB = await login(slugB, 'admin-b@example.com');
});

afterAll(() => t?.close());

/** A value for each path parameter: the other customer's records, so ownership checks are exercised. */
function paramFor(name: string): string | undefined {
  const known: Record<string, string | undefined> = {
    customerId: String(other.customerId),
    contractId: String(other.contractId),
    servicePointId: String(other.servicePointId),
    meterId: String(other.meterId),
    invoiceId: String(other.invoiceId),
    caseId: String(other.caseId),
    id: String(other.caseId),
    kind: 'portal',
    number: 'FV%2F2026%2F11%2F000001',
  };
  return known[name] ?? (/Id$/.test(name) ? '1' : undefined);
}

function fill(url: string): string {
  return url.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    const v = paramFor(name);
    if (v === undefined) throw new Error(`route-access test: no value for parameter :${name} in ${url}; add it to paramFor()`);
    return v;
  });
}

function apiRoutes(): RouteInfo[] {
  return t.app.routeTable.filter((r) => r.url.startsWith('/api/') && !r.url.startsWith('/api/docs'));
}

async function call(c: Client, r: RouteInfo, slug: string) {
  void slug;
  const body = r.method === 'GET' || r.method === 'DELETE' ? undefined : {};
  return c.request(r.method, fill(r.url), body);
}

describe('route access', () => {
  it('knows the app registered routes with policies', () => {
    expect(apiRoutes().length).toBeGreaterThan(0);
    for (const r of t.app.routeTable) expect(r.access, `${r.method} ${r.url}`).toBeTruthy();
  });

  it('refuses anonymous callers on every non-public route', async () => {
    const anon = client(t.app, slugA);
    for (const r of apiRoutes().filter((r) => r.access !== 'public')) {
      const res = await call(anon, r, slugA);
      expect(res.statusCode, `${r.method} ${r.url} (${r.access}) as anonymous: ${res.body.slice(0, 200)}`).toBe(401);
    }
  });

  it('refuses portal customers on every staff route', async () => {
    for (const r of apiRoutes().filter((r) => r.access.startsWith('staff'))) {
      const res = await call(sessions.customer, r, slugA);
      expect(res.statusCode, `${r.method} ${r.url} as customer`).toBe(403);
    }
  });

  it('refuses staff without the role a route names', async () => {
    for (const r of apiRoutes().filter((r) => r.access.startsWith('staff:'))) {
      const allowed = r.access.slice(6).split(',') as StaffRole[];
      const lacking = STAFF_ROLES.filter((role) => role !== 'admin' && !allowed.includes(role));
      for (const role of lacking) {
        const res = await call(sessions[role], r, slugA);
        expect(res.statusCode, `${r.method} ${r.url} (${r.access}) as ${role}`).toBe(403);
      }
    }
  });

  it("refuses other utilities' users everywhere (their session is unknown here)", async () => {
    for (const r of apiRoutes().filter((r) => r.access !== 'public' && r.access !== 'gateway')) {
      for (const who of ['customerB', 'adminB']) {
        // B's cookies presented to A's address.
        const c = client(t.app, slugA);
        Object.assign(c.cookies, sessions[who].cookies);
        const res = await call(c, r, slugA);
        expect(res.statusCode, `${r.method} ${r.url} as ${who} of another utility`).toBe(401);
        expect(res.body).not.toContain(otherSecret);
      }
    }
  });

  it("refuses a customer naming another customer's records and never shows their data", async () => {
    for (const r of apiRoutes().filter((r) => r.access === 'customer' && r.url.includes(':'))) {
      const res = await call(sessions.customer, r, slugA);
      const allowed = r.method === 'GET' ? [403, 404] : [400, 403, 404];
      expect(allowed, `${r.method} ${r.url} with another customer's ids gave ${res.statusCode}: ${res.body.slice(0, 200)}`).toContain(res.statusCode);
      expect(res.body).not.toContain(otherSecret);
      expect(res.body).not.toContain('K-VICTIM-1');
    }
  });

  it('refuses gateway routes without a valid token', async () => {
    for (const r of apiRoutes().filter((r) => r.access === 'gateway')) {
      const anon = client(t.app, slugA);
      const none = await call(anon, r, slugA);
      expect(none.statusCode, `${r.method} ${r.url} without token`).toBe(401);
      const wrong = await anon.request(r.method, fill(r.url), { telegrams: [] }, { authorization: 'Bearer not-a-token' });
      expect(wrong.statusCode, `${r.method} ${r.url} with a wrong token`).toBe(401);
    }
  });

  it('stops the app from starting when a route declares no policy', async () => {
    const { buildApp } = await import('../src/http/app.ts');
    const app = await buildApp({ config: t.config, database: t.database });
    expect(() => app.get('/api/forgotten', async () => ({}))).toThrow(/access policy/);
    await app.close();
  });
});
