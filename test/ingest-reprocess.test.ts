/**
 * Quarantined telegrams and radio-key imports: an import reads again the
 * telegrams that waited for a key (no key, wrong key, unknown module), and
 * never takes a telegram out of the quarantine unless it became a reading.
 * Runs on both engines (TEST_DATABASE_URL for PostgreSQL): PGlite returns
 * bytea as a plain Uint8Array, pg as a Buffer.
 *
 * Each test has its own utility, so the tests have no order.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTelegram, toHex } from '../src/modules/metering/ingest/testing/telegram-builder.ts';
import { multipartFile } from '../src/modules/metering/ingest/testing/multipart.ts';
import { secretBox, serverKey } from '../src/lib/secret-box.ts';
import { client, createTestApp, type Client, type TestApp } from './support/app.ts';
import { TEST_PASSWORD, buildMeter, buildServicePoint, buildUser, buildUtility } from './support/factories.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t?.close());

interface Fixture {
  utilityId: number;
  staff: Client;
  meterId: number;
}

/** A utility with an administrator and one meter WM-1 (no radio module yet). */
async function fixture(): Promise<Fixture> {
  const u = await buildUtility(t.database);
  const sp = await buildServicePoint(t.database, u.id);
  const meterId = (await buildMeter(t.database, u.id, sp.id, { serial_number: `WM-${u.id}` })).id;
  const email = `admin-${u.id}@r.example`;
  await buildUser(t.database, u.id, { kind: 'staff', email, roles: ['admin'] });
  const staff = client(t.app, u.slug);
  expect((await staff.post('/api/auth/login', { email, password: TEST_PASSWORD })).statusCode).toBe(200);
  return { utilityId: u.id, staff, meterId };
}

async function upload(c: Client, url: string, name: string, content: string) {
  const { body, headers } = multipartFile(name, content);
  return c.request('POST', url, body, headers);
}

/** Three telegrams of module 87654321 (days 1-3 of November), encrypted with key. */
const three = (key: Buffer) =>
  [1, 2, 3].map((d) => toHex(buildTelegram({ manufacturer: 'APA', id: '87654321', totalM3: 10 + d, meterDatetime: { y: 2026, mo: 11, d, h: 8, mi: 0 }, key, accessNumber: d })));

async function state(f: Fixture) {
  const q = (await f.staff.get('/api/staff/quarantine')).json() as { total: number; items: Array<{ reason: string }> };
  const readings = await t.database.db.selectFrom('readings').select('value_m3').where('meter_id', '=', f.meterId).orderBy('read_at').execute();
  return { quarantined: q.total, reasons: q.items.map((i) => i.reason).sort(), readings: readings.map((r) => r.value_m3) };
}

const keyLine = (key: Buffer, f: Fixture) => `87654321;${key.toString('hex')};APA;WM-${f.utilityId}`;

describe('a radio-key import and the quarantine', () => {
  it('keeps all 3 telegrams of module 87654321 quarantined after a key file with a wrong key, and reads them after the right one', async () => {
    const f = await fixture();
    const right = randomBytes(16);
    const walk = await upload(f.staff, '/api/staff/walkby-uploads', 'walk.txt', three(right).join('\n'));
    expect(walk.statusCode, walk.body).toBe(200);
    expect(await state(f)).toEqual({ quarantined: 3, reasons: Array(3).fill('ingest.unknown_module'), readings: [] });

    const wrongImport = await upload(f.staff, '/api/staff/radio-keys', 'keys.csv', keyLine(randomBytes(16), f));
    expect(wrongImport.statusCode, wrongImport.body).toBe(200);
    expect(wrongImport.json().reprocessed).toEqual({ telegrams: 3, readings: 0, released: 0 });
    // Still there, with the reason brought up to date.
    expect(await state(f)).toEqual({ quarantined: 3, reasons: Array(3).fill('wmbus.wrong_key'), readings: [] });

    const rightImport = await upload(f.staff, '/api/staff/radio-keys', 'keys.csv', keyLine(right, f));
    expect(rightImport.json().reprocessed).toEqual({ telegrams: 3, readings: 3, released: 3 });
    expect(await state(f)).toEqual({ quarantined: 0, reasons: [], readings: ['11.000', '12.000', '13.000'] });
  });

  it('reads a no_key telegram again after its key is imported', async () => {
    const f = await fixture();
    const key = randomBytes(16);
    // The module is registered and fitted, but without its key.
    const m = await t.database.db.insertInto('radio_modules').values({ utility_id: f.utilityId, manufacturer: 'APA', radio_id: '87654321', key_enc: null }).returning('id').executeTakeFirstOrThrow();
    await t.database.db.updateTable('meters').set({ radio_module_id: m.id }).where('id', '=', f.meterId).execute();
    await upload(f.staff, '/api/staff/walkby-uploads', 'walk.txt', three(key)[0]);
    expect(await state(f)).toEqual({ quarantined: 1, reasons: ['wmbus.no_key'], readings: [] });
    const r = await upload(f.staff, '/api/staff/radio-keys', 'keys.csv', keyLine(key, f));
    expect(r.json().reprocessed).toEqual({ telegrams: 1, readings: 1, released: 1 });
    expect(await state(f)).toEqual({ quarantined: 0, reasons: [], readings: ['11.000'] });
  });

  it('reads a wrong_key telegram again after the right key replaces the stored one', async () => {
    const f = await fixture();
    const key = randomBytes(16);
    const box = secretBox(serverKey(t.config));
    const m = await t.database.db
      .insertInto('radio_modules')
      .values({ utility_id: f.utilityId, manufacturer: 'APA', radio_id: '87654321', key_enc: box.seal(randomBytes(16)) })
      .returning('id')
      .executeTakeFirstOrThrow();
    await t.database.db.updateTable('meters').set({ radio_module_id: m.id }).where('id', '=', f.meterId).execute();
    await upload(f.staff, '/api/staff/walkby-uploads', 'walk.txt', three(key).slice(0, 2).join('\n'));
    expect(await state(f)).toEqual({ quarantined: 2, reasons: ['wmbus.wrong_key', 'wmbus.wrong_key'], readings: [] });
    const r = await upload(f.staff, '/api/staff/radio-keys', 'keys.csv', keyLine(key, f));
    expect(r.json()).toMatchObject({ updated: 1, reprocessed: { telegrams: 2, readings: 2, released: 2 } });
    expect(await state(f)).toEqual({ quarantined: 0, reasons: [], readings: ['11.000', '12.000'] });
  });

  it('never removes a telegram from the quarantine unless its reading is stored: mixed right and wrong keys', async () => {
    const f = await fixture();
    const key = randomBytes(16);
    const other = randomBytes(16);
    // Two telegrams under the module's real key, one sent under another key (a module swapped in the field).
    const lines = [...three(key).slice(0, 2), three(other)[2]];
    await upload(f.staff, '/api/staff/walkby-uploads', 'walk.txt', lines.join('\n'));
    const r = await upload(f.staff, '/api/staff/radio-keys', 'keys.csv', keyLine(key, f));
    expect(r.json().reprocessed).toEqual({ telegrams: 3, readings: 2, released: 2 });
    expect(await state(f)).toEqual({ quarantined: 1, reasons: ['wmbus.wrong_key'], readings: ['11.000', '12.000'] });
    // Every telegram received is either a reading or still in the quarantine.
    const left = await sql<{ hex: string }>`select upper(encode(raw, 'hex')) as hex from quarantine where utility_id = ${f.utilityId}`.execute(t.database.db);
    expect(left.rows.map((x) => x.hex)).toEqual([lines[2]]);
  });
});
