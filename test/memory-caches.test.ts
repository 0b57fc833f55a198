/**
 * The request path's memory (issue 12, item 8): signed-in users and portal
 * overviews are served from memory, and never once they are stale. Two apps
 * on one database stand for two server processes: a change made through one
 * (or with plain SQL, as another program would) is heard by the other through
 * the database's change notifications (src/db/change-feed.ts).
 */
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../src/config.ts';
import type { Database } from '../src/db/connection.ts';
import { withTenant } from '../src/db/tenant.ts';
import { buildApp, type App } from '../src/http/app.ts';
import { OVERVIEW_TABLES, OverviewCache } from '../src/modules/customers/overview-cache.ts';
import { SessionCache } from '../src/modules/identity/session-cache.ts';
import { client, type Client } from './support/app.ts';
import { createTestDatabase, testDatabaseKind } from './support/db.ts';
import { TEST_PASSWORD, buildContract, buildCustomer, buildMeter, buildServicePoint, buildUser, buildUtility } from './support/factories.ts';

let database: Database;
let a: App;
let b: App;
let slug: string;
let utilityId: number;
let customerId: number;
let meterId: number;
let customerUserId: number;
let staffUserId: number;

const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', WODNIK_SECRET_KEY: '11'.repeat(32) });

beforeAll(async () => {
  database = await createTestDatabase();
  a = await buildApp({ config, database });
  b = await buildApp({ config, database });
  await Promise.all([a.ready(), b.ready()]);
  const u = await buildUtility(database);
  slug = u.slug;
  utilityId = u.id;
  customerId = (await buildCustomer(database, utilityId)).id;
  const sp = await buildServicePoint(database, utilityId);
  await buildContract(database, utilityId, customerId, sp.id);
  meterId = (await buildMeter(database, utilityId, sp.id, { role: 'main', installed_on: '2020-01-01' })).id;
  customerUserId = (await buildUser(database, utilityId, { kind: 'customer', email: 'cache@example.com', customerIds: [customerId] })).id;
  staffUserId = (await buildUser(database, utilityId, { kind: 'staff', email: 'staff-cache@example.com', roles: ['customer_service'] })).id;
}, 60_000);

afterAll(async () => {
  await a?.close();
  await b?.close();
  await database?.close();
});

async function signIn(app: App, email: string): Promise<Client> {
  const c = client(app, slug);
  const res = await c.post('/api/auth/login', { email, password: TEST_PASSWORD });
  expect(res.statusCode, res.body).toBe(200);
  return c;
}

/** The same browser talking to the other process. */
function sameBrowser(c: Client, app: App): Client {
  const other = client(app, slug);
  Object.assign(other.cookies, c.cookies);
  return other;
}

/** Another process hears a change within milliseconds; a second is generous. */
const soon = { timeout: 1000, interval: 20 };

describe('signed-in users in memory', () => {
  it('serves a signed-out session in no process', async () => {
    const inA = await signIn(a, 'cache@example.com');
    const inB = sameBrowser(inA, b);
    await b.caches.settled(); // the sign-in itself changed the user (last sign-in time): heard before B remembers it
    expect((await inB.get('/api/portal/overview')).statusCode).toBe(200);
    expect(b.caches.sessions.size).toBeGreaterThan(0);
    expect((await inA.post('/api/auth/logout')).statusCode).toBe(204);
    // In the process that signed out: at once (the answer waited for the change to be heard).
    expect((await sameBrowser(inB, a).get('/api/portal/overview')).statusCode).toBe(401);
    await vi.waitFor(async () => expect((await inB.get('/api/portal/overview')).statusCode).toBe(401), soon);
  });

  it('hears a change made with plain SQL: a role taken away, a user disabled', async () => {
    const staff = await signIn(a, 'staff-cache@example.com');
    const other = sameBrowser(staff, b);
    expect((await other.get('/api/staff/customers')).statusCode).toBe(200);
    await sql`delete from staff_roles where utility_id = ${utilityId} and user_id = ${staffUserId}`.execute(database.db);
    await vi.waitFor(async () => expect((await other.get('/api/staff/customers')).statusCode).toBe(403), soon);
    await sql`insert into staff_roles (utility_id, user_id, role) values (${utilityId}, ${staffUserId}, 'customer_service')`.execute(database.db);
    await vi.waitFor(async () => expect((await other.get('/api/staff/customers')).statusCode).toBe(200), soon);

    const customer = sameBrowser(await signIn(a, 'cache@example.com'), b);
    expect((await customer.get('/api/portal/overview')).statusCode).toBe(200);
    await sql`update users set disabled_at = now() where utility_id = ${utilityId} and id = ${customerUserId}`.execute(database.db);
    await vi.waitFor(async () => expect((await customer.get('/api/portal/overview')).statusCode).toBe(401), soon);
    await sql`update users set disabled_at = null where utility_id = ${utilityId} and id = ${customerUserId}`.execute(database.db);
  });

  it('does not keep what it read while a change was being heard', () => {
    const cache = new SessionCache(() => true);
    const user = { id: 1, utilityId: 1, kind: 'customer' as const, email: 'x@example.com', name: '', roles: [], customerIds: [7], mustChangePassword: false, totpEnabled: false };
    const entry = { user, session: { tokenHash: 'h', csrfToken: 'c', mfaPassed: false }, expiresAt: Date.now() + 60_000 };
    const before = cache.generation();
    cache.subscriber().onChange('1:1'); // the sign-out is heard while the request still reads the session
    cache.set(1, 'h', entry, before);
    expect(cache.get(1, 'h')).toBeUndefined();
    cache.set(1, 'h', { ...entry, user: { ...user } }, cache.generation());
    expect(cache.get(1, 'h')?.user.customerIds).toEqual([7]);
    // Never past the session's own expiry.
    expect(cache.get(1, 'h', Date.now() + 61_000)).toBeUndefined();
  });

  it('serves nothing while the change feed is not listening', () => {
    let listening = true;
    const cache = new SessionCache(() => listening);
    const user = { id: 2, utilityId: 1, kind: 'customer' as const, email: 'y@example.com', name: '', roles: [], customerIds: [], mustChangePassword: false, totpEnabled: false };
    cache.set(1, 'k', { user, session: { tokenHash: 'k', csrfToken: 'c', mfaPassed: false }, expiresAt: Date.now() + 60_000 }, cache.generation());
    expect(cache.get(1, 'k')).toBeDefined();
    listening = false;
    expect(cache.get(1, 'k')).toBeUndefined();
  });
});

describe('portal overviews in memory', () => {
  const lastValue = async (c: Client) => (await c.get('/api/portal/overview')).json().customers[0].contracts[0].meters[0].lastReading?.valueM3;

  it("shows a reading written by another process (a gateway's ingest, a bulk load) at the next request", async () => {
    const c = sameBrowser(await signIn(a, 'cache@example.com'), b);
    const first = await lastValue(c);
    expect(await lastValue(c)).toBe(first); // served from memory
    await withTenant(database.db, { utilityId }, (tx) =>
      tx.insertInto('readings').values({ utility_id: utilityId, meter_id: meterId, read_at: new Date(Date.now() - 60_000), value_m3: '12.345', source: 'remote' }).execute(),
    );
    await vi.waitFor(async () => expect(await lastValue(c)).toBe('12.345'), soon);
    // The owner writing outside any utility (a bulk load) makes every utility's overviews stale.
    await sql`insert into readings (utility_id, meter_id, read_at, value_m3, source) values (${utilityId}, ${meterId}, now(), 13.5, 'remote')`.execute(database.db);
    await vi.waitFor(async () => expect(await lastValue(c)).toBe('13.500'), soon);
  });

  it('shows the change at once in the process that made it (a write request waits until it is heard)', async () => {
    const c = await signIn(a, 'cache@example.com');
    await lastValue(c);
    await withTenant(database.db, { utilityId }, (tx) =>
      tx.updateTable('meters').set({ serial_number: 'NOWY-1' }).where('id', '=', meterId).execute(),
    );
    await a.caches.settled();
    expect((await c.get('/api/portal/overview')).json().customers[0].contracts[0].meters[0].serialNumber).toBe('NOWY-1');
  });

  it('does not keep an overview read while a change was being heard', () => {
    const cache = new OverviewCache(() => true);
    const before = cache.generation(1);
    cache.subscriber().onChange('1');
    cache.set(1, [5], { customers: [] }, before);
    expect(cache.get(1, [5])).toBeUndefined();
    cache.set(1, [5], { customers: [] }, cache.generation(1));
    expect(cache.get(1, [5])).toEqual({ customers: [] });
    cache.subscriber().onChange('2'); // another utility's change leaves it
    expect(cache.get(1, [5])).toBeDefined();
    cache.subscriber().onChange('*');
    expect(cache.get(1, [5])).toBeUndefined();
  });

  it('is told of a change to every table the overview reads', async () => {
    // The tables named in the overview's statement (src/modules/customers/service.ts, customerFiles)...
    const source = readFileSync(new URL('../src/modules/customers/service.ts', import.meta.url), 'utf8');
    const body = source.slice(source.indexOf('export async function customerFiles'), source.indexOf('function meterView'));
    const read = [...body.matchAll(/\b(?:from|join)\s+([a-z_]+)\s+[a-z]+\b/g)].map((m) => m[1]);
    expect(new Set(read)).toEqual(new Set(OVERVIEW_TABLES));
    // ...each announce their changes.
    const { rows } = await sql<{ tgname: string }>`select tgname from pg_trigger where tgname like '%_overview'`.execute(database.db);
    expect(rows.map((r) => r.tgname).sort()).toEqual(OVERVIEW_TABLES.map((t) => `${t}_overview`).sort());
  });
});

if (testDatabaseKind === 'postgres') {
  describe('a lost listening connection (PostgreSQL server)', () => {
    it('forgets everything and serves from the database until it listens again', async () => {
      const c = sameBrowser(await signIn(a, 'cache@example.com'), b);
      await b.caches.settled();
      await c.get('/api/portal/overview');
      expect(b.caches.sessions.size).toBeGreaterThan(0);
      await sql`select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and application_name = 'wodnik-change-feed'`.execute(database.db);
      await vi.waitFor(() => expect(b.caches.sessions.size + b.caches.overview.size + b.caches.ledger.size).toBe(0), soon);
      // Requests go on (from the database) and the caches fill again once the feed is back.
      expect((await c.get('/api/portal/overview')).statusCode).toBe(200);
      await vi.waitFor(
        async () => {
          await c.get('/api/portal/overview');
          expect(b.caches.sessions.size).toBeGreaterThan(0);
        },
        { timeout: 5000, interval: 100 },
      );
    });
  });
}
