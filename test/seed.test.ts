/**
 * Demo data: what `npm start` loads into an empty database and what
 * `wodnik seed` adds. Counts, valid identifiers, seasonal readings that
 * never run backwards, radio keys that open, logins that work.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql, type RawBuilder } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isValidNip, isValidNrb, isValidPesel, isValidRegon } from '../src/lib/check-digits.ts';
import { secretBox, serverKey } from '../src/lib/secret-box.ts';
import { demoRadioKey } from '../src/modules/demo/population.ts';
import { customersProblem, slugProblem } from '../src/commands/seed.ts';
import { seedDemoIfEmpty, seedUtility } from '../src/modules/demo/seed.ts';
import { checkPasswordPolicy } from '../src/modules/identity/passwords.ts';
import type { DemoLogin } from '../src/main.ts';
import { client, createTestApp, type TestApp } from './support/app.ts';
import { createTestDatabase } from './support/db.ts';

const NOW = new Date('2026-11-20T12:00:00Z');
const N = 60;
/** The demo logins' password as README.md gives it (not the code's constant: the test holds the code to the README). */
const README_DEMO_PASSWORD = 'Wodnik-Demo-2026';
let t: TestApp;
let logins: DemoLogin[] | undefined;

const rows = async <T,>(q: RawBuilder<T>) => (await q.execute(t.database.db)).rows;
const utilityId = async (slug: string) => (await rows<{ id: number }>(sql`select id from utilities where slug = ${slug}`))[0].id;

beforeAll(async () => {
  t = await createTestApp();
  // The billing history and its payments are test/billing-demo-history.test.ts's (the same seed with them).
  logins = await seedDemoIfEmpty(t.database, { customers: N, config: t.config, now: NOW, history: false });
}, 120_000);

afterAll(() => t?.close());

describe('demo data on an empty database', () => {
  it('creates both demo utilities with the asked number of customers, once', async () => {
    const counts = await rows<{ slug: string; n: number }>(
      sql`select u.slug, count(c.id)::int as n from utilities u left join customers c on c.utility_id = u.id group by u.slug order by u.slug`,
    );
    expect(counts).toEqual([
      { slug: 'pwik-demo', n: Math.round(N * 0.4) },
      { slug: 'zgk-demo', n: N },
    ]);
    expect(await seedDemoIfEmpty(t.database, { customers: N, config: t.config, now: NOW, history: false })).toBeUndefined();
  });

  it('returns a login per staff role, the portal customer, and the other utility admin, with one policy-passing password', async () => {
    expect(logins).toBeDefined();
    const zgk = logins!.filter((l) => l.utility === 'zgk-demo').map((l) => l.role);
    for (const role of ['admin', 'customer_service', 'billing', 'meter_reader', 'auditor']) expect(zgk).toContain(`staff: ${role}`);
    expect(zgk).toContain('portal customer');
    expect(logins!.some((l) => l.utility === 'pwik-demo' && l.role === 'staff: admin')).toBe(true);
    // The addresses README.md's table of demo logins lists.
    expect(logins!.map((l) => `${l.utility} ${l.email}`).sort()).toEqual(
      [
        'zgk-demo anna.kowalska@example.com',
        ...['admin', 'bok', 'rozliczenia', 'inkasent', 'audytor'].map((n) => `zgk-demo ${n}@zgk-demo.example`),
        'pwik-demo anna.kowalska@example.com',
        'pwik-demo admin@pwik-demo.example',
      ].sort(),
    );
    for (const l of logins!) {
      expect(l.password).toBe(README_DEMO_PASSWORD);
      expect(checkPasswordPolicy(l.password, l.email), l.email).toBeUndefined();
    }
    // Hashed once: every demo user shares the one hash.
    const hashes = await rows<{ n: number }>(sql`select count(distinct password_hash)::int as n from users`);
    expect(hashes[0].n).toBe(1);
  });

  it('lets every demo login sign in', async () => {
    for (const l of logins!) {
      const c = client(t.app, l.utility);
      const res = await c.post('/api/auth/login', { email: l.email, password: l.password });
      expect(res.statusCode, `${l.utility} ${l.email}: ${res.body}`).toBe(200);
      expect(res.json().next).toBe('done');
    }
  }, 60_000);

  it('uses valid NIP, REGON, PESEL and bank account numbers everywhere', async () => {
    const utilities = await rows<{ nip: string; regon: string; bank_account: string }>(sql`select nip, regon, bank_account from utilities`);
    for (const u of utilities) {
      expect(isValidNip(u.nip), u.nip).toBe(true);
      expect(isValidRegon(u.regon), u.regon).toBe(true);
      expect(isValidNrb(u.bank_account), u.bank_account).toBe(true);
    }
    const customers = await rows<{ kind: string; nip: string | null; regon: string | null; pesel: string | null; payment_account: string }>(
      sql`select kind, nip, regon, pesel, payment_account from customers`,
    );
    const accounts = new Set<string>();
    for (const c of customers) {
      expect(isValidNrb(c.payment_account), c.payment_account).toBe(true);
      accounts.add(c.payment_account);
      if (c.kind === 'person') expect(isValidPesel(c.pesel!), c.pesel!).toBe(true);
      else {
        expect(isValidNip(c.nip!), c.nip!).toBe(true);
        expect(isValidRegon(c.regon!), c.regon!).toBe(true);
      }
    }
    // An individual account per customer identifies the payer.
    expect(accounts.size).toBe(customers.length);
  });

  it('has tariffs with decision numbers and the 6.00 / 3.60 PLN subscription fee, terms, notices and cases', async () => {
    const id = await utilityId('zgk-demo');
    const g1 = await rows<{ decision_number: string; fee_paper: number; fee_e: number }>(sql`
      select t.decision_number, g.subscription_fee_paper_net_grosze as fee_paper, g.subscription_fee_einvoice_net_grosze as fee_e
      from tariffs t join tariff_groups g on g.tariff_id = t.id and g.utility_id = t.utility_id
      where t.utility_id = ${id} and g.code = 'G1' and t.valid_from <= ${'2026-11-20'} and (t.valid_to is null or t.valid_to >= ${'2026-11-20'})`);
    expect(g1).toHaveLength(1);
    expect(g1[0]).toMatchObject({ fee_paper: 600, fee_e: 360 });
    expect(g1[0].decision_number).toMatch(/RZT/);
    const terms = await rows<{ kind: string }>(sql`select kind from terms_versions where utility_id = ${id} order by kind`);
    expect(terms.map((r) => r.kind)).toEqual(['einvoice', 'portal']);
    const notices = await rows<{ kind: string; areas: number }>(
      sql`select n.kind, count(a.id)::int as areas from notices n left join notice_areas a on a.notice_id = n.id where n.utility_id = ${id} group by n.id, n.kind`,
    );
    expect(notices.find((n) => n.kind === 'outage')?.areas).toBeGreaterThan(0);
    expect(notices.some((n) => n.kind === 'planned_interruption')).toBe(true);
    const cases = await rows<{ kind: string; messages: number }>(
      sql`select c.kind, count(m.id)::int as messages from cases c join case_messages m on m.case_id = c.id where c.utility_id = ${id} group by c.id, c.kind`,
    );
    expect(new Set(cases.map((c) => c.kind))).toEqual(new Set(['complaint', 'failure', 'reading', 'message', 'dataChange']));
  });

  it('gives every contract a main meter, most meters a radio module, and lapsing verifications', async () => {
    const id = await utilityId('zgk-demo');
    const noMain = await rows<{ n: number }>(sql`
      select count(*)::int as n from contracts c where c.utility_id = ${id}
      and not exists (select 1 from meters m where m.service_point_id = c.service_point_id and m.role = 'main' and m.removed_on is null)`);
    expect(noMain[0].n).toBe(0);
    const m = await rows<{ all: number; radio: number; lapsing: number; wrong_legal: number }>(sql`
      select count(*)::int as all, count(radio_module_id)::int as radio,
             count(*) filter (where legalization_valid_until <= date '2026-11-20' + 90)::int as lapsing,
             count(*) filter (where legalization_valid_until <> installed_on + interval '5 years')::int as wrong_legal
      from meters where utility_id = ${id} and removed_on is null`);
    expect(m[0].radio / m[0].all).toBeGreaterThan(0.6);
    expect(m[0].lapsing).toBeGreaterThan(0);
    expect(m[0].wrong_legal).toBe(0);
  });

  it('seals radio keys with the server key; they open to the derived demo key', async () => {
    const box = secretBox(serverKey(t.config));
    const modules = await rows<{ manufacturer: string; radio_id: string; key_enc: string }>(sql`select manufacturer, radio_id, key_enc from radio_modules limit 20`);
    expect(modules.length).toBeGreaterThan(0);
    for (const r of modules) {
      expect(r.radio_id).toMatch(/^\d{8}$/);
      expect(['APA', 'DME', 'BMT']).toContain(r.manufacturer);
      expect(box.open(r.key_enc).equals(demoRadioKey(r.manufacturer, r.radio_id))).toBe(true);
    }
  });

  it('has readings for three years whose registers never run backwards', async () => {
    const span = await rows<{ first: Date; last: Date; backwards: number }>(sql`
      select min(read_at) as first, max(read_at) as last,
             (select count(*)::int from (select value_m3 < lag(value_m3) over (partition by meter_id order by read_at) as back from readings) x where back) as backwards
      from readings`);
    expect(new Date(span[0].first).getTime()).toBeLessThan(Date.parse('2023-12-31'));
    expect(new Date(span[0].last).getTime()).toBeLessThanOrEqual(NOW.getTime());
    expect(span[0].backwards).toBe(0);
  });

  it('shows more use in summer than in winter', async () => {
    // Litres per day between consecutive readings of households' main meters, by the month of the later reading.
    const r = await rows<{ summer: number; winter: number }>(sql`
      with d as (
        select r.read_at, (r.value_m3 - lag(r.value_m3) over w) / nullif(extract(epoch from r.read_at - lag(r.read_at) over w) / 86400, 0) as per_day
        from readings r join meters m on m.id = r.meter_id and m.utility_id = r.utility_id
        join service_points sp on sp.id = m.service_point_id join contracts c on c.service_point_id = sp.id
        join customers cu on cu.id = c.customer_id
        where m.role = 'main' and cu.kind = 'person' and r.source <> 'installation'
        window w as (partition by r.meter_id order by r.read_at))
      select avg(per_day) filter (where extract(month from read_at) in (7, 8, 9))::float8 as summer,
             avg(per_day) filter (where extract(month from read_at) in (1, 2, 3))::float8 as winter
      from d`);
    expect(r[0].summer).toBeGreaterThan(r[0].winter * 1.2);
  });

  it('links the portal customer to a customer with a rich history', async () => {
    const id = await utilityId('zgk-demo');
    const r = await rows<{ contracts: number; meters: number; cases: number; readings: number }>(sql`
      select (select count(*)::int from contracts where customer_id = uc.customer_id) as contracts,
             (select count(*)::int from meters m join contracts c on c.service_point_id = m.service_point_id where c.customer_id = uc.customer_id) as meters,
             (select count(*)::int from cases where customer_id = uc.customer_id) as cases,
             (select count(*)::int from readings r join meters m on m.id = r.meter_id join contracts c on c.service_point_id = m.service_point_id where c.customer_id = uc.customer_id) as readings
      from user_customers uc join users u on u.id = uc.user_id where u.utility_id = ${id} and u.kind = 'customer'`);
    expect(r).toHaveLength(1);
    expect(r[0].contracts).toBe(2);
    expect(r[0].meters).toBe(3);
    expect(r[0].cases).toBe(5);
    expect(r[0].readings).toBeGreaterThan(50);
  });
});

describe('wodnik seed into an existing utility', () => {
  it('adds customers with new addresses and keeps the sequences right', async () => {
    const id = await utilityId('zgk-demo');
    const r = await seedUtility(t.database, { slug: 'zgk-demo', customers: 25, config: t.config, now: NOW });
    expect(r.created).toBe(false);
    expect(r.logins).toEqual([]);
    expect(r.counts.customers).toBe(25);
    const n = await rows<{ n: number; dup: number }>(sql`
      select (select count(*)::int from customers where utility_id = ${id}) as n,
             (select count(*)::int from (select 1 from service_points where utility_id = ${id} group by locality, street, building having count(*) > 1) x) as dup`);
    expect(n[0]).toEqual({ n: N + 25, dup: 0 });
    // The identity sequence moved past the explicit ids: a normal insert works.
    const [{ max }] = await rows<{ max: number }>(sql`select max(id) as max from customers`);
    const c = await t.database.db
      .insertInto('customers')
      .values({ utility_id: id, customer_number: 'NEW-1', kind: 'person', name: 'Nowy Klient' })
      .returning('id')
      .executeTakeFirstOrThrow();
    expect(c.id).toBeGreaterThan(max);
  });

  it('creates a missing utility; in bulk mode rebuilds the indexes it suspended', async () => {
    const before = await rows<{ indexname: string }>(sql`select indexname from pg_indexes where tablename in ('readings', 'customers', 'meters') order by 1`);
    const r = await seedUtility(t.database, { slug: 'wodociagi-test', customers: 15, config: t.config, now: NOW, large: true });
    expect(r.created).toBe(true);
    expect(r.logins.map((l) => l.role)).toEqual(['portal customer', 'staff: admin']);
    const after = await rows<{ indexname: string }>(sql`select indexname from pg_indexes where tablename in ('readings', 'customers', 'meters') order by 1`);
    expect(after).toEqual(before);
    const role = await rows<{ r: string }>(sql`select current_setting('session_replication_role') as r`);
    expect(role[0].r).toBe('origin');
    const orphans = await rows<{ n: number }>(sql`select count(*)::int as n from readings r where not exists (select 1 from meters m where m.id = r.meter_id)`);
    expect(orphans[0].n).toBe(0);
  });

  it('is deterministic: the same utility and clock give the same rows, generated here or in a worker thread', async () => {
    const other = await createTestDatabase();
    try {
      // Here pwik-demo was generated in this thread (small seed); there in a worker (bulk mode).
      await seedUtility(other, { slug: 'pwik-demo', customers: 10, config: t.config, now: NOW, large: true });
      const sample = async (db: typeof other.db) =>
        (
          await sql<{ name: string; serial: string; readings: string }>`
            select c.name, m.serial_number as serial,
                   (select string_agg(value_m3::text || '@' || read_at::text, ',' order by read_at) from readings r where r.meter_id = m.id) as readings
            from customers c join utilities u on u.id = c.utility_id
            join contracts k on k.customer_id = c.id join meters m on m.service_point_id = k.service_point_id and m.role = 'main' and m.removed_on is null
            where u.slug = 'pwik-demo' order by c.id, k.id limit 10`.execute(db)
        ).rows.map((r) => ({ ...r, serial: r.serial.slice(0, 3) }));
      const mine = await sample(t.database.db);
      expect(mine.length).toBe(10);
      expect(await sample(other.db)).toEqual(mine);
    } finally {
      await other.close();
    }
  }, 60_000);
});

describe('wodnik seed command', () => {
  const bin = path.resolve('bin/wodnik.js');
  const dir = mkdtempSync(path.join(tmpdir(), 'wodnik-seed-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const run = (args: string[]) =>
    spawnSync(process.execPath, [bin, 'seed', ...args], {
      encoding: 'utf8',
      env: { ...process.env, DATABASE_URL: '', WODNIK_DATA_DIR: dir, WODNIK_SECRET_KEY: '44'.repeat(32) },
      timeout: 120_000,
    });

  it('refuses bad --customers values: not a number, 0, negative, too many, fractions, empty', () => {
    for (const v of ['abc', '0', '-5', '1000001', '2.5', '', '1e3', ' ']) expect(customersProblem(v), v).toMatch(/--customers must be a whole number from 1 to 1,000,000/);
    for (const v of ['1', '500', '100000', '1000000']) expect(customersProblem(v), v).toBeUndefined();
    expect(slugProblem('Bad Slug!')).toMatch(/--utility/);
    expect(slugProblem('zgk-demo')).toBeUndefined();
  });

  it('answers bad input with one line and exit code 2', () => {
    for (const args of [['--customers', 'abc'], ['--customers', '5', '--utility', 'Bad Slug!']]) {
      const r = run(args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^wodnik seed: seed\.(customers|utility)_invalid: /);
    }
  }, 60_000);

  it('seeds a new utility and prints its logins', () => {
    const r = run(['--customers', '12', '--utility', 'gmina-test']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Created gmina-test in [\d.]+ s: 12 customers/);
    expect(r.stdout).toContain('admin@gmina-test.example');
  }, 120_000);
});
