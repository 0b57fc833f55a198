/**
 * The read side on demo data: a portal user sees their own customers only,
 * staff see their utility's counts, search and a customer's file (and that
 * look is audited), meter readers are kept out of personal data.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedUtility } from '../src/modules/demo/seed.ts';
import { client, createTestApp, type Client, type TestApp } from './support/app.ts';
import { TEST_PASSWORD, buildUser } from './support/factories.ts';

const NOW = new Date();
/** The demo customer and password as README.md gives them. */
const DEMO_CUSTOMER_EMAIL = 'anna.kowalska@example.com';
const DEMO_PASSWORD = 'Wodnik-Demo-2026';
let t: TestApp;
let zgk: number;
let pwik: number;

async function login(slug: string, email: string, password = DEMO_PASSWORD): Promise<Client> {
  const c = client(t.app, slug);
  const res = await c.post('/api/auth/login', { email, password });
  expect(res.statusCode, res.body).toBe(200);
  return c;
}

beforeAll(async () => {
  t = await createTestApp();
  zgk = (await seedUtility(t.database, { slug: 'zgk-demo', customers: 40, config: t.config, now: NOW })).utilityId;
  pwik = (await seedUtility(t.database, { slug: 'pwik-demo', customers: 15, config: t.config, now: NOW })).utilityId;
}, 120_000);

afterAll(() => t?.close());

describe('GET /api/portal/overview', () => {
  it("shows the portal user's customer with contracts, premises, meters and last readings", async () => {
    const c = await login('zgk-demo', DEMO_CUSTOMER_EMAIL);
    const res = await c.get('/api/portal/overview');
    expect(res.statusCode).toBe(200);
    const { customers } = res.json();
    expect(customers).toHaveLength(1);
    const me = customers[0];
    expect(me).toMatchObject({ name: 'Anna Kowalska', kind: 'person', invoiceDelivery: 'einvoice' });
    expect(me.address).toMatch(/^ul\. .+ \d+, \d{2}-\d{3} Wodnikowo$/);
    expect(me).not.toHaveProperty('pesel');
    expect(me).not.toHaveProperty('email');
    expect(me.contracts.map((k: { kind: string }) => k.kind).sort()).toEqual(['water', 'water_sewage']);
    const house = me.contracts.find((k: { kind: string }) => k.kind === 'water_sewage');
    expect(house.servicePoint.code).toMatch(/^PP-\d{7}$/);
    expect(house.meters.map((m: { role: string }) => m.role)).toEqual(['main', 'garden']);
    const main = house.meters[0];
    expect(main.radio).toBe(true);
    expect(main.serialNumber).toMatch(/^[A-Z]{1,2}\d{9}$/);
    // The verification lapses in about 60 days: the portal can warn.
    const days = (Date.parse(main.legalizationValidUntil) - NOW.getTime()) / 86_400_000;
    expect(days).toBeGreaterThan(55);
    expect(days).toBeLessThan(62);
    expect(main.lastReading).toMatchObject({ source: 'remote', valueM3: expect.stringMatching(/^\d+\.\d{3}$/) });
    expect(Date.now() - Date.parse(main.lastReading.readAt)).toBeLessThan(40 * 86_400_000);
    // The last reading shown is the newest accepted one.
    const newest = await sql<{ value_m3: string }>`select value_m3 from readings where meter_id = ${main.id} and status = 'accepted' order by read_at desc limit 1`.execute(t.database.db);
    expect(main.lastReading.valueM3).toBe(newest.rows[0].value_m3);
  });

  it('shows another portal user only their own customer', async () => {
    const other = await sql<{ id: number; name: string }>`select id, name from customers where utility_id = ${zgk} and kind = 'business' order by id limit 1`.execute(t.database.db);
    const user = await buildUser(t.database, zgk, { kind: 'customer', customerIds: [other.rows[0].id] });
    const c = await login('zgk-demo', user.email, TEST_PASSWORD);
    const { customers } = (await c.get('/api/portal/overview')).json();
    expect(customers.map((x: { id: number }) => x.id)).toEqual([other.rows[0].id]);
    expect(JSON.stringify(customers)).not.toContain('Anna Kowalska');
  });

  it('refuses anonymous callers and staff', async () => {
    expect((await client(t.app, 'zgk-demo').get('/api/portal/overview')).statusCode).toBe(401);
    const staff = await login('zgk-demo', 'bok@zgk-demo.example');
    expect((await staff.get('/api/portal/overview')).statusCode).toBe(403);
  });
});

describe('GET /api/staff/overview', () => {
  it("counts the utility's own data only", async () => {
    const c = await login('zgk-demo', 'inkasent@zgk-demo.example');
    const res = await c.get('/api/staff/overview');
    expect(res.statusCode, res.body).toBe(200);
    const o = res.json();
    const q = await sql<Record<string, number>>`
      select (select count(*)::int from customers where utility_id = ${zgk}) as customers,
             (select count(*)::int from contracts where utility_id = ${zgk} and status = 'active') as contracts,
             (select count(*)::int from meters where utility_id = ${zgk} and removed_on is null) as meters,
             (select count(*)::int from meters where utility_id = ${zgk} and removed_on is null and radio_module_id is not null) as radio,
             (select count(*)::int from meters where utility_id = ${zgk} and removed_on is null and legalization_valid_until <= current_date + 90) as due,
             (select count(*)::int from cases where utility_id = ${zgk} and status in ('new', 'in_progress', 'waiting_for_customer')) as open,
             (select count(*)::int from readings where utility_id = ${zgk} and read_at >= now() - interval '30 days') as recent,
             (select count(*)::int from readings where utility_id = ${zgk} and status = 'pending') as held,
             (select count(*)::int from data_change_requests where utility_id = ${zgk} and status = 'pending') as requests`.execute(t.database.db);
    const e = q.rows[0];
    expect(o).toEqual({
      customers: 40,
      contracts: e.contracts,
      meters: e.meters,
      radioMeters: e.radio,
      legalizationDueIn90Days: e.due,
      openCases: e.open,
      readingsLast30Days: e.recent,
      // The demo has readings held for verification and change requests waiting; no run, statement, KSeF or job yet.
      todo: { billingRunsOpen: 0, readingsHeld: e.held, changeRequestsPending: e.requests, paymentsUnmatched: 0, ksefRejected: 0, jobsFailed: 0 },
    });
    expect(e.customers).toBe(40);
    expect(o.legalizationDueIn90Days).toBeGreaterThan(0);
    expect(o.openCases).toBeGreaterThan(0);
    expect(o.readingsLast30Days).toBeGreaterThan(0);
    const other = await login('pwik-demo', 'admin@pwik-demo.example');
    expect((await other.get('/api/staff/overview')).json().customers).toBe(15);
    // A failed job counts for its own utility only (the queue's table is reached through a security-definer function).
    await sql`insert into jobs (utility_id, kind, status, last_error) values (${zgk}, 'invoice-pdf', 'failed', 'test'), (${pwik}, 'invoice-pdf', 'failed', 'test'), (${pwik}, 'invoice-pdf', 'failed', 'test')`.execute(t.database.db);
    expect((await c.get('/api/staff/overview')).json().todo.jobsFailed).toBe(1);
    expect((await other.get('/api/staff/overview')).json().todo.jobsFailed).toBe(2);
  });
});

describe('GET /api/staff/customers', () => {
  it('finds customers by name and by number, pages, and reports the total', async () => {
    const c = await login('zgk-demo', 'bok@zgk-demo.example');
    const byName = (await c.get('/api/staff/customers?q=kowalska')).json();
    expect(byName.items.map((i: { name: string }) => i.name)).toContain('Anna Kowalska');
    expect(byName.items[0]).toEqual({
      id: expect.any(Number),
      customerNumber: expect.any(String),
      name: expect.any(String),
      kind: expect.any(String),
      address: expect.any(String),
      email: expect.toSatisfy((v: unknown) => v === null || typeof v === 'string'),
    });
    const anna = byName.items.find((i: { name: string }) => i.name === 'Anna Kowalska');
    const byNumber = (await c.get(`/api/staff/customers?q=${anna.customerNumber}`)).json();
    expect(byNumber.items.map((i: { id: number }) => i.id)).toEqual([anna.id]);
    const all = (await c.get('/api/staff/customers?limit=100')).json();
    expect(all.total).toBe(40);
    expect(all.items).toHaveLength(40);
    const page = (await c.get('/api/staff/customers?limit=15&offset=30')).json();
    expect(page.total).toBe(40);
    expect(page.items.map((i: { id: number }) => i.id)).toEqual(all.items.slice(30).map((i: { id: number }) => i.id));
    // Wildcards in the query are text, not patterns.
    expect((await c.get('/api/staff/customers?q=%25')).json().total).toBe(0);
  });

  it('finds customers by street, and by street and house number, in any letter case', async () => {
    const c = await login('zgk-demo', 'bok@zgk-demo.example');
    const everyone = await t.database.db.selectFrom('customers').select(['id', 'name', 'street', 'building']).where('utility_id', '=', zgk).orderBy('id').execute();
    const someone = everyone.find((x) => x.street && x.building)!;
    const search = async (q: string) => {
      const res = await c.get(`/api/staff/customers?limit=100&q=${encodeURIComponent(q)}`);
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as { total: number; items: { id: number; address: string }[] };
    };
    // Expected: every customer of this utility at an address containing the typed text (and no name contains it, so only the street can match).
    const at = (text: string) => everyone.filter((x) => `${x.street} ${x.building}`.toLowerCase().includes(text.toLowerCase())).map((x) => x.id);
    for (const q of [someone.street!, `${someone.street} ${someone.building}`]) {
      expect(everyone.some((x) => x.name.toLowerCase().includes(q.toLowerCase())), q).toBe(false);
      const found = await search(q.toUpperCase());
      expect(found.items.map((i) => i.id).sort((a, b) => a - b), q).toEqual(at(q));
      expect(found.total).toBe(at(q).length);
      expect(found.items.map((i) => i.id)).toContain(someone.id);
      for (const i of found.items) expect(i.address.toLowerCase()).toContain(someone.street!.toLowerCase());
    }
    // A street with a house number no one lives at finds nobody.
    expect((await search(`${someone.street} 9999`)).total).toBe(0);
  });

  it('refuses bad paging with a 400 and a code', async () => {
    const c = await login('zgk-demo', 'bok@zgk-demo.example');
    for (const qs of ['limit=0', 'limit=abc', 'limit=101', 'offset=-1', 'sort=name']) {
      const res = await c.get(`/api/staff/customers?${qs}`);
      expect(res.statusCode, qs).toBe(400);
      expect(res.json().error.code, qs).toEqual(expect.any(String));
    }
  });

  it('keeps meter readers out of personal data', async () => {
    const c = await login('zgk-demo', 'inkasent@zgk-demo.example');
    expect((await c.get('/api/staff/customers')).statusCode).toBe(403);
  });
});

describe('GET /api/staff/customers/:customerId', () => {
  it("shows the customer's file with contact data and writes the access to the audit log", async () => {
    const c = await login('zgk-demo', 'audytor@zgk-demo.example');
    const anna = (await c.get('/api/staff/customers?q=Anna%20Kowalska')).json().items[0];
    const res = await c.get(`/api/staff/customers/${anna.id}`);
    expect(res.statusCode).toBe(200);
    const file = res.json();
    expect(file).toMatchObject({ id: anna.id, name: 'Anna Kowalska', email: DEMO_CUSTOMER_EMAIL, nip: null });
    expect(file.phone).toMatch(/^\+48 /);
    expect(file.contracts).toHaveLength(2);
    const audit = await sql<{ action: string; actor_kind: string }>`
      select action, actor_kind from audit_log where utility_id = ${zgk} and customer_id = ${anna.id} and action = 'customer.view'`.execute(t.database.db);
    expect(audit.rows).toEqual([{ action: 'customer.view', actor_kind: 'staff' }]);
  });

  it("answers 404 for another utility's customer and for unknown ids", async () => {
    const c = await login('zgk-demo', 'admin@zgk-demo.example');
    const foreign = await sql<{ id: number }>`select id from customers where utility_id = ${pwik} limit 1`.execute(t.database.db);
    const res = await c.get(`/api/staff/customers/${foreign.rows[0].id}`);
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('customer.not_found');
    expect((await c.get('/api/staff/customers/999999999')).statusCode).toBe(404);
    expect((await c.get('/api/staff/customers/abc')).statusCode).toBe(400);
  });
});
