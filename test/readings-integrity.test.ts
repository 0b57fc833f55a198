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
let meterA: number;
let spareA: number;
let meterB: number;

const reading = (utilityId: number, meterId: number, at: string, photo: number | null = null) => ({
  utility_id: utilityId,
  meter_id: meterId,
  read_at: new Date(at),
  value_m3: '10.000',
  source: 'staff',
  photo_file_id: photo,
});

beforeAll(async () => {
  t = await createTestApp();
  A = await buildUtility(t.database);
  B = await buildUtility(t.database);
  const spA = await buildServicePoint(t.database, A.id);
  const spB = await buildServicePoint(t.database, B.id);
  meterA = (await buildMeter(t.database, A.id, spA.id)).id;
  spareA = (await buildMeter(t.database, A.id, spA.id, { role: 'sub' })).id;
  meterB = (await buildMeter(t.database, B.id, spB.id)).id;
});

afterAll(() => t?.close());

describe("a reading's references", () => {
  it('accepts a reading of an existing meter of its utility', async () => {
    await withTenant(t.database.db, { utilityId: A.id }, (tx) => tx.insertInto('readings').values(reading(A.id, meterA, '2026-11-01T00:00:00Z')).execute());
  });

  it('refuses a reading of a meter that does not exist, or of another utility, in one statement with good rows too', async () => {
    for (const bad of [meterA + 10_000, meterB]) {
      await expect(
        withTenant(t.database.db, { utilityId: A.id }, (tx) =>
          tx.insertInto('readings').values([reading(A.id, meterA, '2026-11-02T00:00:00Z'), reading(A.id, bad, '2026-11-02T00:00:00Z')]).execute(),
        ),
      ).rejects.toMatchObject({ code: '23503' });
    }
    const n = await sql<{ n: number }>`select count(*)::int as n from readings where meter_id = ${meterA}`.execute(t.database.db);
    expect(n.rows[0].n).toBe(1);
  });

  it('refuses moving a reading to a meter that does not exist', async () => {
    await expect(
      withTenant(t.database.db, { utilityId: A.id }, (tx) => tx.updateTable('readings').set({ meter_id: meterA + 10_000 }).where('meter_id', '=', meterA).execute()),
    ).rejects.toMatchObject({ code: '23503' });
  });

  it('refuses a photo that does not exist and keeps a photo that a reading names', async () => {
    await expect(
      withTenant(t.database.db, { utilityId: A.id }, (tx) => tx.insertInto('readings').values(reading(A.id, meterA, '2026-11-03T00:00:00Z', 999_999)).execute()),
    ).rejects.toMatchObject({ code: '23503' });
    const file = await t.database.db
      .insertInto('files')
      .values({ utility_id: A.id, name: 'odczyt.jpg', content_type: 'image/jpeg', size_bytes: 3, sha256: 'x', data: Buffer.from('abc') })
      .returning('id')
      .executeTakeFirstOrThrow();
    await withTenant(t.database.db, { utilityId: A.id }, (tx) => tx.insertInto('readings').values(reading(A.id, meterA, '2026-11-03T00:00:00Z', file.id)).execute());
    await expect(t.database.db.deleteFrom('files').where('id', '=', file.id).execute()).rejects.toMatchObject({ code: '23503' });
  });

  it('refuses deleting a meter that has readings, and deletes one that has none', async () => {
    await expect(t.database.db.deleteFrom('meters').where('id', '=', meterA).execute()).rejects.toMatchObject({ code: '23503' });
    const gone = await t.database.db.deleteFrom('meters').where('id', '=', spareA).executeTakeFirst();
    expect(Number(gone.numDeletedRows)).toBe(1);
  });
});
