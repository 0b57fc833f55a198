/**
 * Utility A cannot read or change utility B's rows, table by table: at the
 * SQL level, where row-level security binds the application role, on the
 * bulk path that COPYs as the schema owner, and through the API.
 *
 * The list of tables is read from the database at test time, so a new table
 * is covered without touching this file: a table with utility_id that
 * `seedUtility` below does not fill fails the test (add one row to it there),
 * and a table without utility_id fails until it is classified in NOT_TENANT
 * with its reason. Runs on PGlite, and on PostgreSQL when TEST_DATABASE_URL is set.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyLine, withCopyTx } from '../src/db/bulk.ts';
import type { Database } from '../src/db/connection.ts';
import { enterTenant, withTenant, type Tx } from '../src/db/tenant.ts';
import { client, createTestApp, type TestApp } from './support/app.ts';
import { TEST_PASSWORD, buildContract, buildCustomer, buildMeter, buildServicePoint, buildUser, buildUtility } from './support/factories.ts';

/** Tables that are not one utility's business rows, and why each is safe. */
const NOT_TENANT: Record<string, string> = {
  utilities: 'the tenants themselves: their public data is readable by anyone; a utility may update only its own row and the application role may not insert or delete',
  jobs: "the job queue: claimed by the owner role across utilities (each job then runs in its utility's context), so its utility_id is nullable and the application role has no privileges on it",
  schema_migrations: 'which migrations ran; the application role has no privileges on it',
  auth_throttle:
    'sign-in failure counters per network and per address, counted across all utilities on purpose (a network guessing at several utilities is one network); keys are SHA-256 digests, so it holds no address, IP or business data',
  interest_rates:
    "statutory interest rates: rows with utility_id null are the law's rates, the same for every utility and readable by all; a utility's own rows are under row-level security (read own or the law's, write only own; tested in test/arrears-api.test.ts)",
};

let t: TestApp;
let A: { id: number; slug: string };
let B: { id: number; slug: string };
let customerB: { id: number; name: string };
let tables: string[] = [];

/**
 * One row in every table that has utility_id, for one utility, written as the
 * schema owner (outside row-level security). A new table needs a line here.
 */
async function seedUtility(database: Database, u: number, tag: string) {
  const db = database.db;
  const c = await buildCustomer(database, u, { name: `Klient zakładu ${tag}` });
  const sp = await buildServicePoint(database, u);
  const contract = await buildContract(database, u, c.id, sp.id);
  const radio = await db.insertInto('radio_modules').values({ utility_id: u, manufacturer: 'KAM', radio_id: `7${u}000001` }).returning('id').executeTakeFirstOrThrow();
  const meter = await buildMeter(database, u, sp.id, { radio_module_id: radio.id });
  const staff = await buildUser(database, u, { kind: 'staff', email: `admin@${tag}.example`, roles: ['admin', 'meter_reader'] });
  const portal = await buildUser(database, u, { kind: 'customer', email: `klient@${tag}.example`, customerIds: [c.id] });
  const one = async (text: ReturnType<typeof sql>) => (await text.execute(db)).rows[0] as { id: number };
  const file = await one(sql`insert into files (utility_id, name, content_type, size_bytes, sha256, data) values (${u}, 'zdjecie.png', 'image/png', 4, ${'ab'.repeat(32)}, ${Buffer.from('PNG!')}) returning id`);
  const reading = await one(sql`insert into readings (utility_id, meter_id, read_at, value_m3, source, photo_file_id, submitted_by) values (${u}, ${meter.id}, '2026-11-02T10:00:00Z', 12.5, 'reader', ${file.id}, ${staff.id}) returning id`);
  const route = await one(sql`insert into reading_routes (utility_id, name, created_by) values (${u}, ${`Trasa ${tag}`}, ${staff.id}) returning id`);
  await sql`insert into reading_route_stops (utility_id, route_id, position, service_point_id) values (${u}, ${route.id}, 1, ${sp.id})`.execute(db);
  const assignment = await one(sql`insert into reading_route_assignments (utility_id, route_id, reader_id, period_from, period_to) values (${u}, ${route.id}, ${staff.id}, '2026-11-01', '2026-11-30') returning id`);
  await sql`insert into reader_submissions (utility_id, client_id, reading_id, route_id, assignment_id, reader_id, meter_id) values (${u}, gen_random_uuid(), ${reading.id}, ${route.id}, ${assignment.id}, ${staff.id}, ${meter.id})`.execute(db);
  await sql`insert into sessions (utility_id, token_hash, user_id, csrf_token, expires_at) values (${u}, ${`sesja-${tag}`}, ${portal.id}, 'csrf', now() + interval '1 hour')`.execute(db);
  await sql`insert into auth_tokens (utility_id, token_hash, user_id, purpose, expires_at) values (${u}, ${`token-${tag}`}, ${portal.id}, 'password_reset', now() + interval '1 hour')`.execute(db);
  await sql`insert into auth_attempts (utility_id, kind, ip, email, user_id, ok) values (${u}, 'login', '192.0.2.1', ${`klient@${tag}.example`}, ${portal.id}, true)`.execute(db);
  const terms = await one(sql`insert into terms_versions (utility_id, kind, version, title, body) values (${u}, 'einvoice', '1', 'Regulamin', 'Treść') returning id`);
  const acceptance = await one(sql`insert into terms_acceptances (utility_id, terms_version_id, user_id, customer_id) values (${u}, ${terms.id}, ${portal.id}, ${c.id}) returning id`);
  await sql`insert into einvoice_consents (utility_id, customer_id, terms_acceptance_id, email, effective_from) values (${u}, ${c.id}, ${acceptance.id}, ${`klient@${tag}.example`}, '2026-11-01')`.execute(db);
  const tariff = await one(sql`insert into tariffs (utility_id, name, decision_number, valid_from) values (${u}, 'Taryfa', 'D/1/2026', '2026-01-01') returning id`);
  await sql`insert into tariff_groups (utility_id, tariff_id, code, name, water_price_net_grosze, sewage_price_net_grosze, subscription_fee_paper_net_grosze, subscription_fee_einvoice_net_grosze) values (${u}, ${tariff.id}, 'G1', 'Gospodarstwa domowe', 500, 700, 300, 200)`.execute(db);
  const invoice = await one(sql`insert into invoices (utility_id, invoice_number, kind, customer_id, contract_id, issue_date, due_date, net_grosze, vat_grosze, gross_grosze, pdf_file_id) values (${u}, 'FV/1', 'invoice', ${c.id}, ${contract.id}, '2026-11-01', '2026-11-15', 10000, 800, 10800, ${file.id}) returning id`);
  await sql`insert into invoice_lines (utility_id, invoice_id, position, description, quantity, unit, unit_price_net_grosze, net_grosze, vat_rate_percent) values (${u}, ${invoice.id}, 1, 'Woda', 2, 'm3', 5000, 10000, 8)`.execute(db);
  const run = await one(sql`insert into billing_runs (utility_id, period_from, period_to, created_by) values (${u}, '2026-09-01', '2026-10-31', ${staff.id}) returning id`);
  await sql`insert into billing_run_items (utility_id, run_id, contract_id, customer_id, position, status, invoice_id) values (${u}, ${run.id}, ${contract.id}, ${c.id}, 1, 'issued', ${invoice.id})`.execute(db);
  await sql`insert into estimated_readings (utility_id, meter_id, day, value_m3, invoice_id) values (${u}, ${meter.id}, '2026-10-31', 13.5, ${invoice.id})`.execute(db);
  await sql`insert into number_series (utility_id, series, period) values (${u}, 'FV', '2026-11')`.execute(db);
  const payment = await one(sql`insert into payments (utility_id, customer_id, amount_grosze, booked_on, channel, external_ref) values (${u}, ${c.id}, 10800, '2026-11-10', 'bank', ${`wyciąg-${tag}`}) returning id`);
  await sql`insert into payment_allocations (utility_id, payment_id, invoice_id, amount_grosze) values (${u}, ${payment.id}, ${invoice.id}, 10800)`.execute(db);
  // Payments (issue 15): an import with its line, a refund and a charge.
  const imported = await one(sql`insert into payment_imports (utility_id, file_name, file_sha256) values (${u}, 'wyciag.sta', ${tag}) returning id`);
  await sql`insert into bank_statement_lines (utility_id, line_key, import_id, account, statement, booking_date, value_date, amount_grosze, status, payment_id) values (${u}, ${`linia-${tag}`}, ${imported.id}, 'PL', 'S/1', '2026-11-10', '2026-11-10', 10800, 'matched', ${payment.id})`.execute(db);
  await sql`insert into payment_refunds (utility_id, customer_id, amount_grosze, refunded_on) values (${u}, ${c.id}, 100, '2026-11-20')`.execute(db);
  await sql`insert into ledger_charges (utility_id, customer_id, kind, amount_grosze, entry_date, due_date) values (${u}, ${c.id}, 'interest_note', 100, '2026-11-20', '2026-12-04')`.execute(db);
  const kase = await one(sql`insert into cases (utility_id, case_number, customer_id, contract_id, invoice_id, kind, subject, created_by) values (${u}, 'SP/1', ${c.id}, ${contract.id}, ${invoice.id}, 'complaint', 'Reklamacja', ${portal.id}) returning id`);
  await sql`insert into case_messages (utility_id, case_id, author_id, author_kind, body, attachment_file_id) values (${u}, ${kase.id}, ${portal.id}, 'customer', 'Treść', ${file.id})`.execute(db);
  await sql`insert into case_events (utility_id, case_id, actor_id, event) values (${u}, ${kase.id}, ${staff.id}, 'created')`.execute(db);
  const notice = await one(sql`insert into notices (utility_id, kind, title, body, starts_at, created_by) values (${u}, 'outage', 'Awaria', 'Brak wody', now(), ${staff.id}) returning id`);
  await sql`insert into notice_areas (utility_id, notice_id, locality, street) values (${u}, ${notice.id}, 'Wodnikowo', 'ul. Lipowa')`.execute(db);
  await sql`insert into documents (utility_id, category, title, file_id) values (${u}, 'taryfy', 'Taryfa', ${file.id})`.execute(db);
  await sql`insert into audit_log (utility_id, actor_id, actor_kind, action, entity, customer_id) values (${u}, ${staff.id}, 'staff', 'customer.view', 'customer', ${c.id})`.execute(db);
  await sql`insert into email_outbox (utility_id, to_address, subject, text_body, template) values (${u}, ${`klient@${tag}.example`}, 'Temat', 'Treść', 'password_reset')`.execute(db);
  await sql`insert into email_requests (utility_id, composer, to_address) values (${u}, 'password_reset', ${`klient@${tag}.example`})`.execute(db);
  const upload = await one(sql`insert into walkby_uploads (utility_id, file_name, uploaded_by) values (${u}, 'obchod.txt', ${staff.id}) returning id`);
  await sql`insert into telegrams (utility_id, raw, received_at, source, upload_id, meter_id) values (${u}, ${Buffer.from('2e44', 'hex')}, now(), 'walkby', ${upload.id}, ${meter.id})`.execute(db);
  await sql`insert into quarantine (utility_id, sha256, received_at, source, upload_id, reason, message, raw) values (${u}, ${Buffer.alloc(32, u)}, now(), 'walkby', ${upload.id}, 'no_key', 'Brak klucza', ${Buffer.from('2e44', 'hex')})`.execute(db);
  await sql`insert into gateways (utility_id, name, token_hash, created_by) values (${u}, 'Koncentrator', ${`gw-${tag}`}, ${staff.id})`.execute(db);
  await sql`insert into alarm_states (utility_id, meter_id, kind, active, changed_at) values (${u}, ${meter.id}, 'leak', true, now())`.execute(db);
  await sql`insert into staff_tasks (utility_id, kind, meter_id, customer_id, title) values (${u}, 'leak', ${meter.id}, ${c.id}, 'Wyciek')`.execute(db);
  await sql`insert into payment_reminders (utility_id, customer_id, number, as_of, open_grosze, interest_grosze, file_id) values (${u}, ${c.id}, ${`WZ/${tag}`}, '2026-11-20', 10800, 12, ${file.id})`.execute(db);
  // KSeF (issue 16)
  await sql`insert into ksef_settings (utility_id, environment, seller_nip, auth_method, token_sealed) values (${u}, 'test', '5261047894', 'token', 'v1.x.y.z')`.execute(db);
  const ksefSession = await one(sql`insert into ksef_sessions (utility_id, kind, reference_number) values (${u}, 'batch', ${`20261207-SB-${tag}`}) returning id`);
  await sql`insert into ksef_invoices (utility_id, invoice_id, session_id, invoice_hash) values (${u}, ${invoice.id}, ${ksefSession.id}, 'hash')`.execute(db);
  await sql`insert into invoice_pdf_versions (utility_id, file_id, invoice_id, ksef_view) values (${u}, ${file.id}, ${invoice.id}, 'pending')`.execute(db);
  await sql`insert into data_change_requests (utility_id, customer_id, requested_by, field, old_value, new_value, patch, attachment_file_id) values (${u}, ${c.id}, ${portal.id}, 'phone', '', '500 600 700', '{"phone": "500 600 700"}', ${file.id})`.execute(db);
  // Online payments (issue 15)
  await sql`insert into online_payment_config (utility_id, provider, environment, merchant_id, pos_id, secrets_sealed) values (${u}, 'p24', 'sandbox', '1', '1', 'v1.x.y.z')`.execute(db);
  await sql`insert into online_payment_orders (utility_id, customer_id, session_id, provider, amount_grosze, invoice_ids, payment_id) values (${u}, ${c.id}, ${`wod-${tag}`}, 'p24', 10800, ${[invoice.id]}::bigint[], ${payment.id})`.execute(db);
  await sql`insert into online_payment_notifications (utility_id, provider, session_id, accepted, code, body) values (${u}, 'p24', ${`wod-${tag}`}, true, 'online_payment.confirmed', '{}')`.execute(db);
  return { customer: c, staff };
}

beforeAll(async () => {
  t = await createTestApp();
  A = await buildUtility(t.database);
  B = await buildUtility(t.database);
  await seedUtility(t.database, A.id, A.slug);
  customerB = (await seedUtility(t.database, B.id, B.slug)).customer;
  tables = await tenantTables();
});

afterAll(() => t?.close());

/** Every base table with a utility_id column, except those classified in NOT_TENANT. */
async function tenantTables(): Promise<string[]> {
  const rows = await sql<{ table_name: string }>`
    select c.table_name from information_schema.columns c
    join information_schema.tables tb on tb.table_name = c.table_name and tb.table_schema = c.table_schema
    where c.table_schema = 'public' and c.column_name = 'utility_id' and tb.table_type = 'BASE TABLE'
    order by 1`.execute(t.database.db);
  return rows.rows.map((r) => r.table_name).filter((n) => !(n in NOT_TENANT));
}

const countAs = async (db: Database['db'] | Tx, table: string, utilityId: number) =>
  (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)} where utility_id = ${utilityId}`.execute(db)).rows[0].n;

/** A fingerprint of one utility's rows in a table, read as the owner: equal fingerprints, unchanged rows. */
const fingerprint = async (table: string, utilityId: number) =>
  (await sql<{ f: string | null }>`select md5(string_agg(x::text, '|' order by x::text)) as f from ${sql.table(table)} x where utility_id = ${utilityId}`.execute(t.database.db)).rows[0].f;

/** One of the other utility's rows as JSON, read as the owner (a row to try to write back as the other). */
const sampleRow = async (table: string, utilityId: number) =>
  (await sql<{ r: unknown }>`select to_jsonb(x) as r from ${sql.table(table)} x where utility_id = ${utilityId} limit 1`.execute(t.database.db)).rows[0].r;

/** Runs one statement in a savepoint, so that an expected error does not end the transaction. */
async function attempt<T>(tx: Tx, fn: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: string }> {
  await sql`savepoint probe`.execute(tx);
  try {
    const value = await fn();
    await sql`release savepoint probe`.execute(tx);
    return { ok: true, value };
  } catch (err) {
    await sql`rollback to savepoint probe`.execute(tx);
    return { ok: false, error: (err as Error).message };
  }
}

/** Runs fn in a transaction as the owner and rolls it back, whatever fn did. */
async function rolledBack(fn: (tx: Tx) => Promise<void>): Promise<void> {
  await t.database.db
    .transaction()
    .execute(async (tx) => {
      await fn(tx);
      throw new RolledBack();
    })
    .catch((e) => {
      if (!(e instanceof RolledBack)) throw e;
    });
}
class RolledBack extends Error {}

/** Writes back a row read with sampleRow (to_jsonb), into the same table (its generated columns are computed again). */
const insertCopy = async (tx: Tx, table: string, row: unknown) => {
  const { rows } = await sql<{ name: string }>`
    select attname as name from pg_attribute
    where attrelid = ${table}::regclass and attnum > 0 and not attisdropped and attgenerated = ''
    order by attnum`.execute(tx);
  const columns = sql.join(rows.map((r) => sql.id(r.name)));
  return sql`insert into ${sql.table(table)} (${columns}) select ${columns} from jsonb_populate_record(null::${sql.table(table)}, ${JSON.stringify(row)}::jsonb)`.execute(tx);
};

const affected = async (tx: Tx, statement: ReturnType<typeof sql>) =>
  (await sql<{ n: number }>`with changed as (${statement} returning 1) select count(*)::int as n from changed`.execute(tx)).rows[0].n;

/**
 * What a transaction in utility `me` (already entered) can do to utility
 * `other`'s rows of one table. Returns the breaches found, [] when none.
 */
async function breaches(tx: Tx, table: string, me: number, other: number, otherRow: unknown, mine: number): Promise<string[]> {
  const found: string[] = [];
  const T = sql.table(table);
  const seen = await attempt(tx, async () => (await sql<{ total: number; n_foreign: number }>`select count(*)::int as total, (count(*) filter (where utility_id <> ${me}))::int as n_foreign from ${T}`.execute(tx)).rows[0]);
  if (!seen.ok) found.push(`${table}: reading failed: ${seen.error}`);
  else {
    const { total, n_foreign: foreign } = seen.value;
    if (foreign > 0) found.push(`${table}: sees ${foreign} rows of another utility`);
    if (total - foreign !== mine) found.push(`${table}: sees ${total - foreign} of its own ${mine} rows`);
  }
  const updated = await attempt(tx, () => affected(tx, sql`update ${T} set utility_id = utility_id where utility_id = ${other}`));
  if (!updated.ok || updated.value > 0) found.push(`${table}: update of the other's rows ${updated.ok ? `changed ${updated.value}` : `failed: ${updated.error}`}`);
  const deleted = await attempt(tx, () => affected(tx, sql`delete from ${T} where utility_id = ${other}`));
  if (!deleted.ok || deleted.value > 0) found.push(`${table}: delete of the other's rows ${deleted.ok ? `removed ${deleted.value}` : `failed: ${deleted.error}`}`);
  const inserted = await attempt(tx, () => insertCopy(tx, table, otherRow));
  if (inserted.ok) found.push(`${table}: inserted a row for the other utility`);
  else if (!/row-level security/.test(inserted.error)) found.push(`${table}: insert for the other utility failed, but not by row-level security: ${inserted.error}`);
  const moved = await attempt(tx, () => affected(tx, sql`update ${T} set utility_id = ${other} where utility_id = ${me}`));
  if (moved.ok) found.push(`${table}: handed ${moved.value} of its rows to the other utility`);
  return found;
}

describe('tenant isolation at the SQL level (row-level security)', () => {
  it('classifies every table: business tables carry utility_id, the others are listed with their reason', async () => {
    const all = (await sql<{ n: string }>`select table_name as n from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`.execute(t.database.db)).rows.map((r) => r.n);
    const unclassified = all.filter((n) => !tables.includes(n) && !(n in NOT_TENANT));
    expect(unclassified, 'tables without utility_id: add each to NOT_TENANT with the reason it is safe').toEqual([]);
    for (const n of Object.keys(NOT_TENANT)) expect(all, `NOT_TENANT names ${n}, which does not exist`).toContain(n);
    expect(tables.length).toBeGreaterThan(35);
  });

  it('has rows of both utilities in every table with utility_id (a new table needs a line in seedUtility)', async () => {
    for (const table of tables) {
      expect(await countAs(t.database.db, table, A.id), `${table}: no row of utility A`).toBeGreaterThan(0);
      expect(await countAs(t.database.db, table, B.id), `${table}: no row of utility B`).toBeGreaterThan(0);
    }
  });

  it('puts every business table under row-level security', async () => {
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

  for (const [me, other] of [
    ['A', 'B'],
    ['B', 'A'],
  ] as const) {
    it(`lets ${me} see only its own rows in every table, and neither change, delete nor write rows of ${other}`, async () => {
      const meId = (me === 'A' ? A : B).id;
      const otherId = (other === 'A' ? A : B).id;
      const before: Record<string, string | null> = {};
      const samples: Record<string, unknown> = {};
      const mine: Record<string, number> = {};
      for (const table of tables) {
        before[table] = await fingerprint(table, otherId);
        samples[table] = await sampleRow(table, otherId);
        mine[table] = await countAs(t.database.db, table, meId);
      }
      const found: string[] = [];
      for (const table of tables) {
        // Each table in its own transaction, rolled back, so that what one probe did cannot hide another's.
        await rolledBack(async (tx) => {
          await enterTenant(tx, { utilityId: meId });
          found.push(...(await breaches(tx, table, meId, otherId, samples[table], mine[table])));
        });
      }
      expect(found).toEqual([]);
      for (const table of tables) expect(await fingerprint(table, otherId), `${table}: rows of ${other} changed`).toBe(before[table]);
    });
  }

  it('commits nothing of the other utility through withTenant either (update, delete, insert)', async () => {
    const updated = await withTenant(t.database.db, { utilityId: A.id }, (tx) =>
      tx.updateTable('customers').set({ name: 'przejęty' }).where('id', '=', customerB.id).executeTakeFirst(),
    );
    expect(Number(updated.numUpdatedRows)).toBe(0);
    const deleted = await withTenant(t.database.db, { utilityId: A.id }, (tx) => tx.deleteFrom('sessions').where('utility_id', '=', B.id).executeTakeFirst());
    expect(Number(deleted.numDeletedRows)).toBe(0);
    await expect(
      withTenant(t.database.db, { utilityId: A.id }, (tx) =>
        tx.insertInto('customers').values({ utility_id: B.id, customer_number: 'X1', kind: 'person', name: 'podrzucony' }).execute(),
      ),
    ).rejects.toThrow(/row-level security/);
    const still = await t.database.db.selectFrom('customers').select('name').where('id', '=', customerB.id).executeTakeFirstOrThrow();
    expect(still.name).toBe(customerB.name);
    expect(await countAs(t.database.db, 'sessions', B.id)).toBe(1);
  });

  it('catches a permissive policy: the probe reports readings, sessions and files once any utility may see them', async () => {
    const leaky = ['readings', 'sessions', 'files'];
    const found: string[] = [];
    const samples: Record<string, unknown> = {};
    const mine: Record<string, number> = {};
    for (const table of leaky) {
      samples[table] = await sampleRow(table, B.id);
      mine[table] = await countAs(t.database.db, table, A.id);
    }
    // As the owner, inside a transaction that is rolled back: the policy never outlives the test.
    await rolledBack(async (tx) => {
      for (const table of leaky) await sql`create policy leak on ${sql.table(table)} using (true)`.execute(tx);
      await enterTenant(tx, { utilityId: A.id });
      for (const table of leaky) found.push(...(await breaches(tx, table, A.id, B.id, samples[table], mine[table])));
    });
    for (const table of leaky) expect(found.filter((f) => f.startsWith(`${table}:`)).length, `${table}: ${found.join('; ')}`).toBeGreaterThan(0);
    expect(found).toContain('sessions: sees 1 rows of another utility');
    const policies = await sql<{ n: number }>`select count(*)::int as n from pg_policies where policyname = 'leak'`.execute(t.database.db);
    expect(policies.rows[0].n).toBe(0);
  });

  it('shows nothing at all in any table when no utility is chosen', async () => {
    for (const table of tables) {
      const n = await t.database.db.transaction().execute(async (tx) => {
        await sql`set local role wodnik_app`.execute(tx);
        return (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(tx)).rows[0].n;
      });
      expect(n, table).toBe(0);
    }
  });

  it('keeps the tables outside tenancy out of reach: utilities read-only but for its own row, jobs and migrations closed', async () => {
    await withTenant(t.database.db, { utilityId: A.id }, async (tx) => {
      expect(await affected(tx, sql`update utilities set name = name where id = ${B.id}`)).toBe(0);
      expect(await affected(tx, sql`update utilities set name = name where id = ${A.id}`)).toBe(1);
      for (const statement of [
        sql`delete from utilities where id = ${B.id}`,
        sql`insert into utilities (slug, name, short_name) values ('podrzucony', 'X', 'X')`,
        sql`select count(*) from jobs`,
        sql`insert into jobs (utility_id, kind) values (${B.id}, 'send_email')`,
        sql`select count(*) from schema_migrations`,
      ]) {
        const r = await attempt(tx, () => statement.execute(tx));
        expect(r.ok ? 'allowed' : r.error, statement.compile(tx).sql).toMatch(/permission denied/);
      }
    });
  });
});

describe('the bulk path, which COPYs as the schema owner', () => {
  it("refuses, in every table, an owner's write for another utility while a utility is chosen", async () => {
    const found: string[] = [];
    for (const table of tables) {
      const row = await sampleRow(table, B.id);
      await rolledBack(async (tx) => {
        await enterTenant(tx, { utilityId: A.id });
        await sql`set local role none`.execute(tx); // as bulk.ts does around each COPY
        const r = await attempt(tx, () => insertCopy(tx, table, row));
        if (r.ok) found.push(`${table}: the owner wrote a row of B while A was chosen`);
        else if (!/utility_of_session/.test(r.error)) found.push(`${table}: refused, but not by the utility check: ${r.error}`);
      });
    }
    expect(found).toEqual([]);
  });

  it('takes utility_id from the session: a COPY line naming another utility is refused and nothing of the batch stays', async () => {
    const meterOf = async (u: number) => (await t.database.db.selectFrom('meters').select('id').where('utility_id', '=', u).executeTakeFirstOrThrow()).id;
    const [meterA, meterB] = [await meterOf(A.id), await meterOf(B.id)];
    const columns = ['utility_id', 'meter_id', 'read_at', 'value_m3', 'source'];
    const line = (u: number, m: number, at: string) => copyLine([u, m, at, '100.000', 'remote']);
    const before = [await countAs(t.database.db, 'readings', A.id), await countAs(t.database.db, 'readings', B.id)];

    await expect(
      withCopyTx(t.database, { utilityId: A.id }, async (_tx, copy) => {
        await copy('readings', columns, [line(A.id, meterA, '2026-11-20T10:00:00Z'), line(B.id, meterB, '2026-11-20T10:00:00Z')]);
      }),
    ).rejects.toThrow(/utility_of_session/);
    expect([await countAs(t.database.db, 'readings', A.id), await countAs(t.database.db, 'readings', B.id)]).toEqual(before);

    // The same COPY of A's own line goes through: the refusal above was for the foreign utility_id.
    await withCopyTx(t.database, { utilityId: A.id }, async (_tx, copy) => {
      await copy('readings', columns, [line(A.id, meterA, '2026-11-20T10:00:00Z')]);
    });
    expect(await countAs(t.database.db, 'readings', A.id)).toBe(before[0] + 1);
  });
});

describe('tenant isolation through the API', () => {
  it("does not let A's session in at B's address", async () => {
    const a = client(t.app, A.slug);
    const login = await a.post('/api/auth/login', { email: `admin@${A.slug}.example`, password: TEST_PASSWORD });
    expect(login.statusCode, login.body).toBe(200);
    const me = await a.get('/api/auth/session');
    expect(me.json().user?.email).toBe(`admin@${A.slug}.example`);
    const atB = client(t.app, B.slug);
    Object.assign(atB.cookies, a.cookies);
    const res = await atB.get('/api/auth/session');
    expect(res.json().user ?? null).toBeNull();
    const overview = await atB.get('/api/staff/overview');
    expect(overview.statusCode).toBe(401);
  });

  it("counts only A's data in A's staff overview", async () => {
    const a = client(t.app, A.slug);
    await a.post('/api/auth/login', { email: `admin@${A.slug}.example`, password: TEST_PASSWORD });
    const res = await a.get('/api/staff/overview');
    expect(res.statusCode).toBe(200);
    expect(res.json().customers).toBe(1);
  });
});

