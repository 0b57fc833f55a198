/**
 * The interest rate table on a real database: the migration's statutory rates
 * are what the law announced, every utility reads them, a utility's own rows
 * stay its own (row-level security), and the calculator on the stored table
 * gives hand-computed interest. Runs on PGlite, and on PostgreSQL with TEST_DATABASE_URL.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/connection.ts';
import { withTenant } from '../src/db/tenant.ts';
import { AppError } from '../src/lib/errors.ts';
import { lateInterest } from '../src/modules/payments/arrears/interest.ts';
import { addRate, loadRates } from '../src/modules/payments/arrears/rates-repo.ts';
import { createTestDatabase } from './support/db.ts';
import { buildUtility } from './support/factories.ts';

let database: Database;
let A: number;
let B: number;
beforeAll(async () => {
  database = await createTestDatabase();
  A = Number((await buildUtility(database)).id);
  B = Number((await buildUtility(database)).id);
});
afterAll(async () => database?.close());

const rateOn = (table: { validFrom: string; basisPoints: number }[], day: string) => table.filter((r) => r.validFrom <= day).at(-1)?.basisPoints;

describe('statutory interest rates', () => {
  it('has the announced civil-code and commercial rates since 2016, readable in any utility', async () => {
    const [consumer, commercial] = await withTenant(database.db, { utilityId: A }, async (tx) => [await loadRates(tx, A, 'consumer'), await loadRates(tx, A, 'commercial')]);
    // Spot checks against the announcements (M.P.) and the NBP reference rate + 5.5 / + 10 points.
    expect([['2016-06-01', 700], ['2020-04-01', 650], ['2020-05-28', 600], ['2020-05-29', 560], ['2021-10-07', 600], ['2022-07-08', 1200], ['2023-10-05', 1125], ['2025-12-04', 950], ['2026-12-07', 925]].map(([d]) => [d, rateOn(consumer, d as string)])).toEqual([
      ['2016-06-01', 700], ['2020-04-01', 650], ['2020-05-28', 600], ['2020-05-29', 560], ['2021-10-07', 600], ['2022-07-08', 1200], ['2023-10-05', 1125], ['2025-12-04', 950], ['2026-12-07', 925],
    ]);
    expect(consumer).toHaveLength(24);
    expect([['2019-12-31', 950], ['2020-01-01', 1150], ['2021-03-01', 1010], ['2022-08-01', 1600], ['2024-03-01', 1575], ['2025-07-01', 1525], ['2026-12-07', 1375]].map(([d]) => [d, rateOn(commercial, d as string)])).toEqual([
      ['2019-12-31', 950], ['2020-01-01', 1150], ['2021-03-01', 1010], ['2022-08-01', 1600], ['2024-03-01', 1575], ['2025-07-01', 1525], ['2026-12-07', 1375],
    ]);
    // The calculator on the stored table: 1,000.00 zł due 30 June 2022, until 31 July 2022.
    // Consumer: 1–7 July at 11.50 % (7 days: 2.2055 → 2.21) and 8–31 July at 12.00 % (24 days: 7.8904 → 7.89) = 10.10 zł.
    expect(lateInterest({ amount: 100_000, dueDate: '2022-06-30', payments: [], until: '2022-07-31', rates: consumer }).total).toBe(1010);
    // Commercial: the second half of 2022 at 16.00 % for 31 days: 13.5890 → 13.59 zł.
    expect(lateInterest({ amount: 100_000, dueDate: '2022-06-30', payments: [], until: '2022-07-31', rates: commercial }).total).toBe(1359);
  });

  it("keeps a utility's own rates to itself; the law's rows cannot be changed from a utility", async () => {
    await withTenant(database.db, { utilityId: A }, (tx) => addRate(tx, A, { kind: 'consumer', validFrom: '2026-12-10', ratePercent: '9,00', source: 'uchwała RPP' }, null));
    const seenA = await withTenant(database.db, { utilityId: A }, (tx) => loadRates(tx, A, 'consumer'));
    const seenB = await withTenant(database.db, { utilityId: B }, (tx) => loadRates(tx, B, 'consumer'));
    expect(rateOn(seenA, '2026-12-10')).toBe(900);
    expect(rateOn(seenB, '2026-12-10')).toBe(925);
    // B asks for A's rows by name: row-level security still hides them.
    expect(await withTenant(database.db, { utilityId: B }, (tx) => loadRates(tx, A, 'consumer'))).toEqual(seenB);
    const changed = await withTenant(database.db, { utilityId: B }, async (tx) => (await sql<{ n: number }>`with u as (update interest_rates set rate_percent = 1 where utility_id is null or utility_id = ${A} returning 1) select count(*)::int as n from u`.execute(tx)).rows[0].n);
    expect(changed).toBe(0);
    await expect(withTenant(database.db, { utilityId: B }, (tx) => sql`insert into interest_rates (utility_id, kind, valid_from, rate_percent) values (${A}, 'consumer', '2027-01-01', 1)`.execute(tx))).rejects.toThrow(/row-level security/);
    await expect(withTenant(database.db, { utilityId: B }, (tx) => sql`insert into interest_rates (utility_id, kind, valid_from, rate_percent) values (null, 'consumer', '2027-01-01', 1)`.execute(tx))).rejects.toThrow(/row-level security/);
  });

  it('refuses a bad kind, date or rate and a second rate for the same day, writing nothing', async () => {
    const code = async (input: { kind: string; validFrom: string; ratePercent: string }) =>
      withTenant(database.db, { utilityId: B }, (tx) => addRate(tx, B, input, null)).then(
        () => null,
        (e) => (e instanceof AppError ? e.code : String(e)),
      );
    expect(await code({ kind: 'vat', validFrom: '2026-12-01', ratePercent: '9' })).toBe('arrears.rate.bad_kind');
    expect(await code({ kind: 'consumer', validFrom: '2026-02-30', ratePercent: '9' })).toBe('arrears.rate.bad_date');
    expect(await code({ kind: 'consumer', validFrom: '2026-12-01', ratePercent: '9.125' })).toBe('arrears.rate.bad_rate');
    expect(await code({ kind: 'consumer', validFrom: '2026-12-01', ratePercent: '100' })).toBe('arrears.rate.bad_rate');
    expect(await code({ kind: 'commercial', validFrom: '2026-12-01', ratePercent: '13.5' })).toBeNull();
    expect(await code({ kind: 'commercial', validFrom: '2026-12-01', ratePercent: '13.5' })).toBe('arrears.rate.exists');
    const own = await database.db.selectFrom('interest_rates').select(['kind', 'valid_from', 'rate_percent']).where('utility_id', '=', B).execute();
    expect(own.map((r) => [r.kind, String(r.valid_from).slice(0, 10), Number(r.rate_percent)])).toEqual([['commercial', '2026-12-01', 13.5]]);
  });
});
