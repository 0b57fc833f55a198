/**
 * withTenant called with a transaction withTenant opened joins it: Kysely's
 * `isTransaction` is false on that handle, and a second `begin` there would
 * commit the caller's work early (the payments ledger's functions take
 * "the database or a transaction").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { Database } from '../src/db/connection.ts';
import { isOpenTransaction, withTenant } from '../src/db/tenant.ts';
import { createTestDatabase } from './support/db.ts';
import { buildUtility } from './support/factories.ts';

let database: Database;
let utilityId: number;

beforeAll(async () => {
  database = await createTestDatabase();
  utilityId = (await buildUtility(database)).id;
});
afterAll(async () => database?.close());

describe('a tenant transaction passed on', () => {
  it('is recognised as open, and nested work joins it and is rolled back with it', async () => {
    expect(isOpenTransaction(database.db)).toBe(false);
    const failure = new Error('the outer work fails after the inner work');
    await expect(
      withTenant(database.db, { utilityId }, async (tx) => {
        expect(isOpenTransaction(tx)).toBe(true);
        await withTenant(tx as never, { utilityId }, async (inner) => {
          expect(inner).toBe(tx);
          const done = await sql`update utilities set phone = '+48 111 222 333' where id = ${utilityId}`.execute(inner);
          expect(Number(done.numAffectedRows)).toBe(1);
        });
        throw failure;
      }),
    ).rejects.toBe(failure);
    const row = await database.db.selectFrom('utilities').select('phone').where('id', '=', utilityId).executeTakeFirstOrThrow();
    expect(row.phone).not.toBe('+48 111 222 333');
  });
});
