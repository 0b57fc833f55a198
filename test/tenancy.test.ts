/**
 * Utility A cannot read or change utility B's rows: at the SQL level, where
 * row-level security binds the application role, and through the API.
 * Runs on PGlite, and on PostgreSQL when TEST_DATABASE_URL is set.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../src/db/tenant.ts';
import { client, createTestApp, type TestApp } from './support/app.ts';
import { TEST_PASSWORD, buildContract, buildCustomer, buildMeter, buildServicePoint, buildUser, buildUtility } from './support/factories.ts';

let t: TestApp;
let A: { id: number; slug: string };
let B: { id: number; slug: string };
let customerB: { id: number; name: string };

beforeAll(async () => {
  t = await createTestApp();
  A = await buildUtility(t.database);
  B = await buildUtility(t.database);
  for (const u of [A, B]) {
    const c = await buildCustomer(t.database, u.id, { name: `Klient zakładu ${u.slug}` });
    const sp = await buildServicePoint(t.database, u.id);
    await buildContract(t.database, u.id, c.id, sp.id);
    await buildMeter(t.database, u.id, sp.id);
    if (u === B) customerB = c;
  }
  await buildUser(t.database, A.id, { kind: 'staff', email: 'admin@a.example', roles: ['admin'] });
});

afterAll(() => t?.close());

async function tenantTables(): Promise<string[]> {
  const rows = await sql<{ table_name: string }>`
    select c.table_name from information_schema.columns c
    join information_schema.tables tb on tb.table_name = c.table_name and tb.table_schema = c.table_schema
    where c.table_schema = 'public' and c.column_name = 'utility_id' and tb.table_type = 'BASE TABLE' and c.table_name <> 'jobs'
    order by 1`.execute(t.database.db);
  return rows.rows.map((r) => r.table_name);
}

describe('tenant isolation at the SQL level (row-level security)', () => {
  it('puts every business table under row-level security', async () => {
    const tables = await tenantTables();
    expect(tables).toContain('customers');
    const rls = await sql<{ relname: string; relrowsecurity: boolean }>`
      select relname, relrowsecurity from pg_class where relkind = 'r' and relnamespace = 'public'::regnamespace`.execute(t.database.db);
    const on = new Map(rls.rows.map((r) => [r.relname, r.relrowsecurity]));
    for (const table of tables) expect(on.get(table), `row-level security on ${table}`).toBe(true);
  });

  it('runs requests as a role that is neither superuser nor table owner', async () => {
    const r = await withTenant(t.database.db, { utilityId: A.id }, async (tx) =>
      (
        await sql<{ who: string; su: boolean; owns: number }>`
          select current_user as who,
                 (select rolsuper from pg_roles where rolname = current_user) as su,
                 (select count(*)::int from pg_tables where schemaname = 'public' and tableowner = current_user) as owns`.execute(tx)
      ).rows[0],
    );
    expect(r.who).toBe('wodnik_app');
    expect(r.su).toBe(false);
    expect(r.owns).toBe(0);
  });

  it("shows A only A's rows in every business table", async () => {
    for (const table of await tenantTables()) {
      const foreign = await withTenant(t.database.db, { utilityId: A.id }, async (tx) =>
        (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)} where utility_id <> ${A.id}`.execute(tx)).rows[0].n,
      );
      expect(foreign, `${table}: rows of other utilities visible to A`).toBe(0);
    }
    const seen = await withTenant(t.database.db, { utilityId: A.id }, (tx) => tx.selectFrom('customers').select('name').execute());
    expect(seen.map((c) => c.name)).toEqual([expect.stringContaining(A.slug)]);
  });

  it("lets A neither change nor delete B's rows, nor write rows into B", async () => {
    const updated = await withTenant(t.database.db, { utilityId: A.id }, (tx) =>
      tx.updateTable('customers').set({ name: 'przejęty' }).where('id', '=', customerB.id).executeTakeFirst(),
    );
    expect(Number(updated.numUpdatedRows)).toBe(0);
    const deleted = await withTenant(t.database.db, { utilityId: A.id }, (tx) =>
      tx.deleteFrom('meters').where('utility_id', '=', B.id).executeTakeFirst(),
    );
    expect(Number(deleted.numDeletedRows)).toBe(0);
    await expect(
      withTenant(t.database.db, { utilityId: A.id }, (tx) =>
        tx.insertInto('customers').values({ utility_id: B.id, customer_number: 'X1', kind: 'person', name: 'podrzucony' }).execute(),
      ),
    ).rejects.toThrow(/row-level security/);
    const still = await t.database.db.selectFrom('customers').select('name').where('id', '=', customerB.id).executeTakeFirstOrThrow();
    expect(still.name).toBe(customerB.name);
  });

  it('shows nothing at all when no utility is chosen', async () => {
    const n = await t.database.db.transaction().execute(async (tx) => {
      await sql`set local role wodnik_app`.execute(tx);
      return (await sql<{ n: number }>`select count(*)::int as n from customers`.execute(tx)).rows[0].n;
    });
    expect(n).toBe(0);
  });
});

describe('tenant isolation through the API', () => {
  it("does not let A's session in at B's address", async () => {
    const a = client(t.app, A.slug);
    const login = await a.post('/api/auth/login', { email: 'admin@a.example', password: TEST_PASSWORD });
    expect(login.statusCode).toBe(200);
    const me = await a.get('/api/auth/session');
    expect(me.json().user?.email).toBe('admin@a.example');
    const atB = client(t.app, B.slug);
    Object.assign(atB.cookies, a.cookies);
    const res = await atB.get('/api/auth/session');
    expect(res.json().user ?? null).toBeNull();
    const overview = await atB.get('/api/staff/overview');
    expect(overview.statusCode).toBe(401);
  });

  it("counts only A's data in A's staff overview", async () => {
    const a = client(t.app, A.slug);
    await a.post('/api/auth/login', { email: 'admin@a.example', password: TEST_PASSWORD });
    const res = await a.get('/api/staff/overview');
    expect(res.statusCode).toBe(200);
    expect(res.json().customers).toBe(1);
  });
});
