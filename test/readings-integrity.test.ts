/**
 * A reading's meter and photo are checked per statement (not by a foreign-key
 * trigger per row, see the readings migration): the rules must still hold on
 * every insert and update, and a meter or file that readings name cannot be
 * deleted. Runs on PGlite, and on PostgreSQL when TEST_DATABASE_URL is set.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../src/db/tenant.ts';
import { createTestApp, type TestApp } from './support/app.ts';
import { buildMeter, buildServicePoint, buildUtility } from './support/factories.ts';

let t: TestApp;
let A: { id: number };
let B: { id: number };

const reading = (utilityId: number, meterId: number, at: string, photo: number | null = null) => ({
  utility_id: utilityId,
  meter_id: meterId,
  read_at: new Date(at),
  value_m3: '10.000',
  source: 'staff',
  photo_file_id: photo,
});

/** A meter of its own for each test (no test leans on what another stored). */
async function newMeter(utilityId: number, over: { role?: 'main' | 'sub' } = {}): Promise<number> {
  const sp = await buildServicePoint(t.database, utilityId);
  return (await buildMeter(t.database, utilityId, sp.id, over)).id;
}

const readingsOf = async (meterId: number) =>
  (await sql<{ meter_id: number; value_m3: string }>`select meter_id, value_m3 from readings where meter_id = ${meterId}`.execute(t.database.db)).rows;

beforeAll(async () => {
  t = await createTestApp();
  A = await buildUtility(t.database);
  B = await buildUtility(t.database);
});

afterAll(() => t?.close());

describe("a reading's references", () => {
  it('accepts a reading of an existing meter of its utility, and stores it', async () => {
    const meter = await newMeter(A.id);
    await withTenant(t.database.db, { utilityId: A.id }, (tx) => tx.insertInto('readings').values(reading(A.id, meter, '2026-11-01T00:00:00Z')).execute());
    expect(await readingsOf(meter)).toEqual([{ meter_id: meter, value_m3: '10.000' }]);
  });

  it('refuses a reading of a meter that does not exist, or of another utility, in one statement with good rows too', async () => {
    const meter = await newMeter(A.id);
    const meterB = await newMeter(B.id);
    for (const bad of [meter + 10_000, meterB]) {
      await expect(
        withTenant(t.database.db, { utilityId: A.id }, (tx) =>
          tx.insertInto('readings').values([reading(A.id, meter, '2026-11-02T00:00:00Z'), reading(A.id, bad, '2026-11-02T00:00:00Z')]).execute(),
        ),
      ).rejects.toMatchObject({ code: '23503' });
    }
    // The good row of each refused statement was not stored either.
    expect(await readingsOf(meter)).toEqual([]);
    expect(await readingsOf(meterB)).toEqual([]);
  });

  it('refuses moving a reading to a meter that does not exist', async () => {
    const meter = await newMeter(A.id);
    await withTenant(t.database.db, { utilityId: A.id }, (tx) => tx.insertInto('readings').values(reading(A.id, meter, '2026-11-01T00:00:00Z')).execute());
    await expect(
      withTenant(t.database.db, { utilityId: A.id }, (tx) => tx.updateTable('readings').set({ meter_id: meter + 10_000 }).where('meter_id', '=', meter).execute()),
    ).rejects.toMatchObject({ code: '23503' });
    expect(await readingsOf(meter)).toHaveLength(1);
  });

  it('refuses a photo that does not exist and keeps a photo that a reading names', async () => {
    const meter = await newMeter(A.id);
    await expect(
      withTenant(t.database.db, { utilityId: A.id }, (tx) => tx.insertInto('readings').values(reading(A.id, meter, '2026-11-03T00:00:00Z', 999_999)).execute()),
    ).rejects.toMatchObject({ code: '23503' });
    expect(await readingsOf(meter)).toEqual([]);
    const file = await t.database.db
      .insertInto('files')
      .values({ utility_id: A.id, name: 'odczyt.jpg', content_type: 'image/jpeg', size_bytes: 3, sha256: 'x', data: Buffer.from('abc') })
      .returning('id')
      .executeTakeFirstOrThrow();
    await withTenant(t.database.db, { utilityId: A.id }, (tx) => tx.insertInto('readings').values(reading(A.id, meter, '2026-11-03T00:00:00Z', file.id)).execute());
    await expect(t.database.db.deleteFrom('files').where('id', '=', file.id).execute()).rejects.toMatchObject({ code: '23503' });
    expect(await t.database.db.selectFrom('files').select('id').where('id', '=', file.id).execute()).toHaveLength(1);
  });

  it('refuses deleting a meter that has readings, and deletes one that has none', async () => {
    const meter = await newMeter(A.id);
    const spare = await newMeter(A.id, { role: 'sub' });
    await withTenant(t.database.db, { utilityId: A.id }, (tx) => tx.insertInto('readings').values(reading(A.id, meter, '2026-11-01T00:00:00Z')).execute());
    await expect(t.database.db.deleteFrom('meters').where('id', '=', meter).execute()).rejects.toMatchObject({ code: '23503' });
    const gone = await t.database.db.deleteFrom('meters').where('id', '=', spare).executeTakeFirst();
    expect(Number(gone.numDeletedRows)).toBe(1);
    expect(await t.database.db.selectFrom('meters').select('id').where('id', 'in', [meter, spare]).execute()).toEqual([{ id: meter }]);
  });
});
