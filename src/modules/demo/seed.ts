/**
 * Demo data: on an empty database at start-up (two utilities, ~500
 * customers, the demo logins), and `wodnik seed --customers N [--utility
 * SLUG]` for scale tests. Rows are generated in JS and loaded with COPY in
 * one transaction (see bulk.ts); the customers of a run go in batches so
 * that memory stays flat for a million readings and more.
 */
import { sql } from 'kysely';
import { loadConfig, type Config } from '../../config.ts';
import type { Database, Db } from '../../db/connection.ts';
import type { DemoLogin } from '../../main.ts';
import { serverKey } from '../../lib/secret-box.ts';
import { hashPassword } from '../identity/passwords.ts';
import { forgetUtilities } from '../utilities/service.ts';
import { billDemoHistory } from '../billing/runs/history.ts';
import { importDemoPayments } from '../payments/demo.ts';
import { inBulkSession, nextIds, skipForeignKeyChecks, suspendIndexes, syncSequences } from './bulk.ts';
import { insertDemoForms } from '../documents/demo-forms.ts';
import { insertCases, insertNotices, insertTariffs, insertTerms, insertUser, insertUtility, staffFor } from './catalog.ts';
import { insertDemoEinvoiceConsents } from '../einvoice/demo.ts';
import { generateBatches, generateInWorker, type GeneratorInit } from './generator.ts';
import { ESTATE_STREETS } from './names.ts';
import { COLUMNS, TABLES, type MadeCustomer } from './population.ts';
import { DEMO_UTILITY, SECOND_DEMO_UTILITY, profileFor } from './profiles.ts';
import { Rng } from './random.ts';

/** One password for every demo login (it passes the password policy). */
export const DEMO_PASSWORD = 'Wodnik-Demo-2026';
export const DEMO_CUSTOMER_EMAIL = 'anna.kowalska@example.com';
export const MAX_CUSTOMERS = 1_000_000;
/** Customers per COPY round: ~19 readings each, so a round is ~230k reading rows (fewer, larger COPYs are cheaper). */
const BATCH = 12_000;
/** From this many customers on a load is "large" (see below). */
const LARGE = 10_000;

export interface SeedOptions {
  slug: string;
  customers: number;
  /** Server key for sealing radio keys; default: the environment's. */
  config?: Pick<Config, 'secretKey' | 'dataDir' | 'env'>;
  /** The clock of the data (tests fix it). */
  now?: Date;
  /** argon2 hash of DEMO_PASSWORD, when the caller already has one (hashing is slow on purpose). */
  passwordHash?: string;
  /** Bulk mode (skip row-by-row FK checks, rebuild indexes once); default: from 10,000 customers on. */
  large?: boolean;
  /** Progress lines (the command prints them). */
  log?: (line: string) => void;
}

export interface SeedResult {
  utilityId: number;
  slug: string;
  created: boolean;
  logins: DemoLogin[];
  /** Rows added per table. */
  counts: Record<string, number>;
}

/** Seeds a database that has no utility yet with both demo utilities; returns the logins, or undefined when it was not empty. */
export async function seedDemoIfEmpty(
  database: Database,
  opts: {
    customers: number;
    config?: SeedOptions['config'];
    now?: Date;
    log?: (line: string) => void;
    /** Bill the readings' history and import its payments (default). Off only in tests of the other demo data, to keep them fast. */
    history?: boolean;
  },
): Promise<DemoLogin[] | undefined> {
  const { n } = await database.db.selectFrom('utilities').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  if (Number(n) > 0) return undefined;
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const a = await seedUtility(database, { ...opts, slug: DEMO_UTILITY, passwordHash });
  const b = await seedUtility(database, { ...opts, slug: SECOND_DEMO_UTILITY, customers: Math.max(1, Math.round(opts.customers * 0.4)), passwordHash });
  if (opts.history === false) return [...a.logins, ...b.logins];
  // Three years of invoices, made by billing runs from the readings just loaded.
  for (const u of [a, b]) await billDemoHistory(database, u.utilityId, opts.now ?? new Date(), opts.log);
  for (const u of [a, b]) await importDemoPayments(database, u.utilityId, opts.now ?? new Date(), opts.log);
  return [...a.logins, ...b.logins];
}

/** Adds `customers` demo customers to the utility `slug`, creating it (with tariffs, terms, staff, notices) when missing. */
export async function seedUtility(database: Database, opts: SeedOptions): Promise<SeedResult> {
  if (!Number.isInteger(opts.customers) || opts.customers < 1 || opts.customers > MAX_CUSTOMERS) {
    throw new RangeError(`customers must be a whole number from 1 to ${MAX_CUSTOMERS}`);
  }
  const profile = profileFor(opts.slug);
  const nowMs = (opts.now ?? new Date()).getTime();
  const key = serverKey(opts.config ?? loadConfig());
  const log = opts.log ?? (() => {});
  const hashing = opts.passwordHash ? Promise.resolve(opts.passwordHash) : null;

  const result = await inBulkSession(database, async ({ db, copy }) => {
    const counts: Record<string, number> = Object.fromEntries(TABLES.map((t) => [t, 0]));
    const existing = await db.selectFrom('utilities').select(['id', 'legalization_years']).where('slug', '=', opts.slug).executeTakeFirst();
    const created = !existing;
    const utilityId = existing?.id ?? (await insertUtility(db, profile));
    const legalizationYears = existing?.legalization_years ?? 5;
    const logins: DemoLogin[] = [];
    let staffIds: Record<string, number> = {};
    if (created) {
      await insertTariffs(db, utilityId, profile);
      await insertTerms(db, utilityId, profile);
      await insertDemoForms(db, utilityId, profile, new Date(nowMs - 30 * 86_400_000));
      const hash = await (hashing ?? hashPassword(DEMO_PASSWORD));
      for (const s of staffFor(profile, opts.slug === DEMO_UTILITY)) {
        const email = `${s.local}@${profile.staffDomain}`;
        staffIds[s.role] = await insertUser(db, utilityId, { kind: 'staff', email, name: s.name, passwordHash: hash, roles: [s.role] });
        logins.push({ utility: opts.slug, role: `staff: ${s.role}`, email, password: DEMO_PASSWORD });
      }
    } else {
      staffIds = await staffOf(db, utilityId);
    }

    // Writers wait; readers go on. Ids are ours from here to the commit.
    await sql`lock table ${sql.raw(TABLES.join(', '))} in share row exclusive mode`.execute(db);
    const ids = await nextIds(db, TABLES);
    // A large load skips row-by-row foreign key checks and rebuilds the readings' indexes once at the end.
    const large = opts.large ?? opts.customers >= LARGE;
    const fkSkipped = large ? await skipForeignKeyChecks(db, TABLES) : false;
    const rebuilds: Array<() => Promise<void>> = [];
    if (large) for (const t of TABLES) rebuilds.push(await suspendIndexes(db, t));
    const rebuildIndexes = async () => {
      for (const rebuild of rebuilds) await rebuild();
    };
    const already = await existingPremises(db, utilityId);
    const init: GeneratorInit = {
      utilityId,
      slug: opts.slug,
      legalizationYears,
      nowMs,
      ids,
      serverKeyHex: key.toString('hex'),
      skip: already,
      customers: opts.customers,
      created,
      batchSize: BATCH,
    };

    let rich: MadeCustomer | undefined;
    const sample: number[] = [];
    const timing: Record<string, number> = {};
    const started = Date.now();
    const cpu0 = process.cpuUsage();
    // A large seed generates in a worker thread, so that generating overlaps the COPY.
    const batches = large ? generateInWorker(init) : generateBatches(init);
    for await (const b of batches) {
      for (const t of TABLES) {
        counts[t] += b.rows[t];
        const t0 = process.cpuUsage();
        if (b.rows[t]) await copy(t, COLUMNS[t], t === 'readings' ? b.readings : b.lines[t]);
        const d = process.cpuUsage(t0);
        timing[t] = (timing[t] ?? 0) + Math.round((d.user + d.system) / 1000);
      }
      rich ??= b.rich;
      sample.push(...b.sample);
      if (b.customersSoFar % (BATCH * 2) === 0) log(`  ${b.customersSoFar} customers, ${counts.readings} readings (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    }
    const cpu = process.cpuUsage(cpu0);
    log(`  rows loaded in ${((Date.now() - started) / 1000).toFixed(1)} s (CPU of both threads ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s; COPY CPU ms per table ${JSON.stringify(timing)}; FK checks ${fkSkipped ? 'skipped' : 'on'})`);
    const t1 = Date.now();
    await rebuildIndexes();
    if (large) log(`  secondary indexes rebuilt in ${((Date.now() - t1) / 1000).toFixed(1)} s`);
    if (fkSkipped) await sql`set local session_replication_role = origin`.execute(db);
    await syncSequences(db, TABLES);

    if (rich) {
      const hash = await (hashing ?? hashPassword(DEMO_PASSWORD));
      const userId = await insertUser(db, utilityId, { kind: 'customer', email: DEMO_CUSTOMER_EMAIL, name: rich.name, passwordHash: hash, customerIds: [rich.id] });
      logins.unshift({ utility: opts.slug, role: 'portal customer', email: DEMO_CUSTOMER_EMAIL, password: DEMO_PASSWORD });
      const [seat, ...villages] = profile.localities.map((l) => l.name);
      await insertNotices(db, utilityId, seat, villages, nowMs, staffIds.admin ?? null);
      counts.cases = await insertCases(db, utilityId, new Rng(profile.seed + 1), nowMs, { rich: { customerId: rich.id, userId }, sample, staffId: staffIds.customer_service ?? staffIds.admin ?? null });
    } else {
      counts.cases = await insertCases(db, utilityId, new Rng(profile.seed + 1), nowMs, { sample, staffId: staffIds.customer_service ?? staffIds.admin ?? null });
    }
    await insertDemoEinvoiceConsents(db, utilityId);
    return { utilityId, slug: opts.slug, created, logins, counts };
  });
  forgetUtilities();
  return result;
}

async function staffOf(db: Db, utilityId: number): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('staff_roles')
    .select(['role', (eb) => eb.fn.min('user_id').as('user_id')])
    .where('utility_id', '=', utilityId)
    .groupBy('role')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.role, Number(r.user_id)]));
}

async function existingPremises(db: Db, utilityId: number): Promise<{ houses: number; blocks: number }> {
  const r = await db
    .selectFrom('service_points')
    .select([
      (eb) => eb.fn.countAll<number>().as('all'),
      (eb) => eb.fn.countAll<number>().filterWhere('street', 'in', ESTATE_STREETS).as('blocks'),
    ])
    .where('utility_id', '=', utilityId)
    .executeTakeFirstOrThrow();
  return { houses: Number(r.all) - Number(r.blocks), blocks: Number(r.blocks) };
}
