/**
 * The request path (issue 12, item 8): what a request costs the database.
 * Utilities come from memory (until a write forgets them, or 30 s pass for a
 * change made by another process), a signed-in request reads its session in
 * one statement (then from memory for up to a minute, see
 * test/memory-caches.test.ts) and does its work in one transaction, and the
 * session's last-seen time is written at most once a minute.
 */
import { sql, type KyselyPlugin, type PluginTransformQueryArgs, type PluginTransformResultArgs } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../src/config.ts';
import type { Database } from '../src/db/connection.ts';
import { buildApp, type App } from '../src/http/app.ts';
import { forgetUtilities } from '../src/modules/utilities/service.ts';
import { client } from './support/app.ts';
import { createTestDatabase } from './support/db.ts';
import { TEST_PASSWORD, buildCustomer, buildUser, buildUtility } from './support/factories.ts';

/** Every statement the app sends through Kysely, as its syntax tree in JSON (tables and raw SQL are readable in it). */
const statements: string[] = [];
const recorder: KyselyPlugin = {
  transformQuery(args: PluginTransformQueryArgs) {
    statements.push(JSON.stringify(args.node));
    return args.node;
  },
  transformResult: async (args: PluginTransformResultArgs) => args.result,
};

let database: Database;
let app: App;
let slug: string;
let utilityId: number;
let customerId: number;

beforeAll(async () => {
  database = await createTestDatabase();
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', WODNIK_SECRET_KEY: '11'.repeat(32) });
  app = await buildApp({ config, database: { ...database, db: database.db.withPlugin(recorder) } });
  await app.ready();
  const u = await buildUtility(database);
  slug = u.slug;
  utilityId = u.id;
  customerId = (await buildCustomer(database, utilityId)).id;
  await buildUser(database, utilityId, { kind: 'customer', email: 'path@example.com', customerIds: [customerId] });
}, 60_000);

afterAll(async () => {
  await app?.close();
  await database?.close();
});

afterEach(() => {
  vi.useRealTimers();
});

/** The statements one request sends. */
async function during(fn: () => Promise<unknown>): Promise<string[]> {
  statements.length = 0;
  await fn();
  return [...statements];
}

const touches = (table: string) => (s: string) => s.includes(`"name":"${table}"`) || new RegExp(`\\b${table}\\b`).test(s);
const transactions = (list: string[]) => list.filter((s) => s.includes("set_config('role'")).length;

async function signIn() {
  const c = client(app, slug);
  const res = await c.post('/api/auth/login', { email: 'path@example.com', password: TEST_PASSWORD });
  expect(res.statusCode, res.body).toBe(200);
  return c;
}

async function lastSeen(): Promise<Date> {
  const row = await database.db.selectFrom('sessions').select('last_seen_at').where('utility_id', '=', utilityId).orderBy('created_at', 'desc').executeTakeFirstOrThrow();
  return new Date(row.last_seen_at);
}

/** As if the session was last seen that long ago: the minute a signed-in user is kept in memory has passed too. */
async function setLastSeen(secondsAgo: number) {
  await sql`update sessions set last_seen_at = now() - make_interval(secs => ${secondsAgo}) where utility_id = ${utilityId}`.execute(database.db);
  app.caches.sessions.clear();
}

describe('utilities from memory', () => {
  it('looks a utility up once, not on every request', async () => {
    await app.inject({ method: 'GET', url: `/t/${slug}/api/utility` });
    const second = await during(() => app.inject({ method: 'GET', url: `/t/${slug}/api/utility` }));
    expect(second.filter(touches('utilities'))).toEqual([]);
    // The default utility of a plain host too.
    await app.inject({ method: 'GET', url: '/api/utility' });
    const plain = await during(() => app.inject({ method: 'GET', url: '/api/utility' }));
    expect(plain.filter(touches('utilities'))).toEqual([]);
  });

  it('sees a utility created after its slug was asked for (forgetUtilities on write)', async () => {
    const wanted = `neu-${Date.now().toString(36)}`;
    expect((await app.inject({ method: 'GET', url: `/t/${wanted}/api/utility` })).statusCode).toBe(404);
    await buildUtility(database, { slug: wanted });
    const r = await app.inject({ method: 'GET', url: `/t/${wanted}/api/utility` });
    expect(r.statusCode).toBe(200);
    expect(r.json().slug).toBe(wanted);
  });

  it('sees a change made by another process (or with plain SQL) once the database announces it', async () => {
    await app.inject({ method: 'GET', url: `/t/${slug}/api/utility` });
    await database.db.updateTable('utilities').set({ short_name: 'ZGK Nowa' }).where('id', '=', utilityId).execute();
    await app.caches.settled();
    expect((await app.inject({ method: 'GET', url: `/t/${slug}/api/utility` })).json().shortName).toBe('ZGK Nowa');
    const after = await during(() => app.inject({ method: 'GET', url: `/t/${slug}/api/utility` }));
    expect(after.filter(touches('utilities'))).toEqual([]);
  });
});

describe('a signed-in request', () => {
  it('reads its session in one statement and does its work in one transaction; the next ones in that minute use neither', async () => {
    const c = await signIn();
    await c.get('/api/auth/session');
    app.caches.sessions.clear();
    app.caches.overview.clear();
    const sent = await during(() => c.get('/api/portal/overview'));
    expect(sent.filter(touches('sessions'))).toHaveLength(1);
    expect(sent.filter(touches('users'))).toHaveLength(1);
    expect(transactions(sent)).toBe(1);
    expect(sent.filter(touches('utilities'))).toEqual([]);
    // The user and the overview are remembered (exactly: see test/memory-caches.test.ts).
    const again = await during(() => c.get('/api/portal/overview'));
    expect(again).toEqual([]);
  });

  it('writes the last-seen time at most once a minute', async () => {
    const c = await signIn();
    await setLastSeen(30);
    const before = await lastSeen();
    expect((await c.get('/api/portal/overview')).statusCode).toBe(200);
    expect((await lastSeen()).getTime()).toBe(before.getTime());

    await setLastSeen(90);
    const stale = await lastSeen();
    expect((await c.get('/api/portal/overview')).statusCode).toBe(200);
    const moved = await lastSeen();
    expect(moved.getTime()).toBeGreaterThan(stale.getTime() + 80_000);
  });

  it('still ends a session idle longer than SESSION_IDLE_MINUTES (30)', async () => {
    const c = await signIn();
    await setLastSeen(31 * 60);
    const r = await c.get('/api/portal/overview');
    expect(r.statusCode).toBe(401);
  });

  it("sees a user's new customer and a disabled user at the next request (nothing of the user is cached)", async () => {
    const c = await signIn();
    const other = await buildCustomer(database, utilityId);
    const user = await database.db.selectFrom('users').select('id').where('email', '=', 'path@example.com').executeTakeFirstOrThrow();
    await database.db.insertInto('user_customers').values({ utility_id: utilityId, user_id: user.id, customer_id: other.id }).execute();
    await app.caches.settled();
    const me = await c.get('/api/auth/session');
    expect(me.json().user.customerIds).toEqual([customerId, other.id].sort((a, b) => a - b));
    await database.db.updateTable('users').set({ disabled_at: new Date() }).where('id', '=', user.id).execute();
    await app.caches.settled();
    expect((await c.get('/api/portal/overview')).statusCode).toBe(401);
    await database.db.updateTable('users').set({ disabled_at: null }).where('id', '=', user.id).execute();
  });
});
