/**
 * Walk-by end to end through the API: a key file and a walk-by file uploaded
 * by staff end as readings in the customer's history; a re-upload adds none;
 * bad telegrams land in quarantine with their reason; keys never leave.
 *
 * Each test builds its own utility (fixture(), and session() for one with
 * the keys imported and the session file uploaded), so the tests have no order.
 */
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTelegram, toHex } from '../src/modules/metering/ingest/testing/telegram-builder.ts';
import { multipartFile, multipartFiles } from '../src/modules/metering/ingest/testing/multipart.ts';
import { client, createTestApp, type Client, type TestApp } from './support/app.ts';
import { TEST_PASSWORD, buildContract, buildCustomer, buildMeter, buildServicePoint, buildUser, buildUtility } from './support/factories.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t?.close());

const keyA = randomBytes(16);
const keyB = randomBytes(16);
const keyD = randomBytes(16);
const wrong = randomBytes(16);
const keyHexes = [keyA, keyB, keyD].flatMap((k) => [k.toString('hex'), k.toString('hex').toUpperCase()]);

const at = (d: number, h: number) => ({ y: 2026, mo: 11, d, h, mi: 0 });

interface Fixture {
  slug: string;
  utilityId: number;
  customerId: number;
  meterA: number;
  staff: Client;
  reader: Client;
  portal: Client;
  /** Every answer body seen (checked for keys). */
  responses: string[];
}

async function login(slug: string, email: string): Promise<Client> {
  const c = client(t.app, slug);
  const r = await c.post('/api/auth/login', { email, password: TEST_PASSWORD });
  expect(r.statusCode, r.body).toBe(200);
  return c;
}

/** A utility with meters WM-A-001 (the customer's) and WM-B-002, an administrator, a meter reader and the customer signed in. */
async function fixture(): Promise<Fixture> {
  const u = await buildUtility(t.database);
  const customer = await buildCustomer(t.database, u.id);
  const sp = await buildServicePoint(t.database, u.id);
  await buildContract(t.database, u.id, customer.id, sp.id);
  const meterA = (await buildMeter(t.database, u.id, sp.id, { serial_number: 'WM-A-001' })).id;
  const sp2 = await buildServicePoint(t.database, u.id);
  await buildMeter(t.database, u.id, sp2.id, { serial_number: 'WM-B-002' });
  const n = u.id;
  await buildUser(t.database, u.id, { kind: 'staff', email: `admin${n}@w.example`, roles: ['admin'] });
  await buildUser(t.database, u.id, { kind: 'staff', email: `reader${n}@w.example`, roles: ['meter_reader'] });
  await buildUser(t.database, u.id, { kind: 'customer', email: `jan${n}@w.example`, customerIds: [customer.id] });
  return {
    slug: u.slug,
    utilityId: u.id,
    customerId: customer.id,
    meterA,
    staff: await login(u.slug, `admin${n}@w.example`),
    reader: await login(u.slug, `reader${n}@w.example`),
    portal: await login(u.slug, `jan${n}@w.example`),
    responses: [],
  };
}

async function upload(f: Fixture, c: Client, url: string, name: string, content: string | Buffer) {
  const { body, headers } = multipartFile(name, content);
  const r = await c.request('POST', url, body, headers);
  f.responses.push(r.body);
  return r;
}

async function count(f: Fixture, table: 'telegrams' | 'readings' | 'quarantine' | 'walkby_uploads'): Promise<number> {
  return (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)} where utility_id = ${f.utilityId}`.execute(t.database.db)).rows[0].n;
}

const keysCsv = [
  'radio_id;key;manufacturer;meter_serial',
  `10000001;${keyA.toString('hex').toUpperCase()};APA;WM-A-001`,
  `10000002;${keyB.toString('hex')};APA;WM-B-002`,
  `10000004;${keyD.toString('hex')};APA;`,
].join('\n');

const tA1 = toHex(buildTelegram({ manufacturer: 'APA', id: '10000001', totalM3: 123.456, meterDatetime: at(20, 8), key: keyA, accessNumber: 1 }));
const tA2 = toHex(buildTelegram({ manufacturer: 'APA', id: '10000001', totalM3: 124.001, meterDatetime: at(24, 8), key: keyA, accessNumber: 2 }));
const tB = toHex(buildTelegram({ manufacturer: 'APA', id: '10000002', totalM3: 5, key: keyB, accessNumber: 3 }));
const unknown = toHex(buildTelegram({ manufacturer: 'APA', id: '19999999', totalM3: 1, key: keyA }));
const wrongKey = toHex(buildTelegram({ manufacturer: 'APA', id: '10000002', totalM3: 6, key: wrong, accessNumber: 9 }));
const noMeter = toHex(buildTelegram({ manufacturer: 'APA', id: '10000004', totalM3: 2, key: keyD }));
const truncated = tB.slice(0, 40);
const file = [
  '# handheld session 2026-11-24',
  `2026-11-24T09:00:00Z;-71;${tA1}`,
  `T1;1;1;2026-11-24 10:01:00.000;97;148;10000001;0x${tA2.toLowerCase()}`,
  `(wmbus) telegram=|${tB.slice(0, 22)}_${tB.slice(22)}|`,
  tA1, // heard twice in the session
  unknown,
  wrongKey,
  noMeter,
  truncated,
  'this is not a telegram',
  '2E44ZZ',
].join('\n');

/** A fixture with the key file imported and the session file uploaded by the meter reader. */
async function session(): Promise<Fixture> {
  const f = await fixture();
  expect((await upload(f, f.staff, '/api/staff/radio-keys', 'keys.csv', keysCsv)).statusCode).toBe(200);
  const r = await upload(f, f.reader, '/api/staff/walkby-uploads', 'session.txt', file);
  expect(r.statusCode, r.body).toBe(200);
  return f;
}

describe('keys import', () => {
  it('refuses a file with a bad line and writes nothing of it', async () => {
    const f = await fixture();
    const r = await upload(f, f.staff, '/api/staff/radio-keys', 'keys.csv', `radio_id,key\n11111111,${keyA.toString('hex')}\n2222,${keyB.toString('hex')}\n`);
    expect(r.statusCode).toBe(400);
    expect(r.json().error.code).toBe('keys.bad_file');
    expect(r.json().error.details.lines).toEqual([{ line: 3, code: 'keys.radio_id', message: expect.any(String) }]);
    expect((await sql<{ n: number }>`select count(*)::int as n from radio_modules where utility_id = ${f.utilityId}`.execute(t.database.db)).rows[0].n).toBe(0);
  });

  it('stores keys sealed, creates modules and fits them to meters by serial number', async () => {
    const f = await fixture();
    const csv = keysCsv;
    const r = await upload(f, f.staff, '/api/staff/radio-keys', 'keys.csv', csv);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toEqual({ created: 3, updated: 0, linkedMeters: 2, warnings: [], reprocessed: { telegrams: 0, readings: 0, released: 0 } });
    const stored = await t.database.db.selectFrom('radio_modules').select(['radio_id', 'key_enc']).where('utility_id', '=', f.utilityId).orderBy('radio_id').execute();
    expect(stored.map((s) => s.radio_id)).toEqual(['10000001', '10000002', '10000004']);
    for (const s of stored) for (const k of keyHexes) expect(s.key_enc).not.toContain(k);
    const again = await upload(f, f.staff, '/api/staff/radio-keys', 'keys.csv', csv);
    expect(again.json()).toMatchObject({ created: 0, updated: 3 });
  });

  it('is refused to a meter reader', async () => {
    const f = await fixture();
    const r = await upload(f, f.reader, '/api/staff/radio-keys', 'keys.csv', `10000009,${keyA.toString('hex')}`);
    expect(r.statusCode).toBe(403);
  });
});

describe('walk-by upload', () => {
  it('turns the file into readings, counts duplicates and quarantines the rest', async () => {
    const f = await fixture();
    await upload(f, f.staff, '/api/staff/radio-keys', 'keys.csv', keysCsv);
    const r = await upload(f, f.reader, '/api/staff/walkby-uploads', 'session.txt', file);
    expect(r.statusCode, r.body).toBe(200);
    const s = r.json();
    expect(s).toMatchObject({ lines: 11, telegrams: 8, readings: 3, pending: 0, duplicates: 1, quarantined: 4, badLines: 2 });
    expect(s.byReason).toEqual({ 'ingest.unknown_module': 1, 'wmbus.wrong_key': 1, 'ingest.no_meter': 1, 'wmbus.truncated': 1 });
    expect(s.badLineSamples.map((b: { line: number }) => b.line)).toEqual([10, 11]);
  });

  it('shows the readings in the customer history, with the meter clock as the time', async () => {
    const f = await session();
    const { meterA } = f;
    const r = await f.portal.get(`/api/customers/${f.customerId}/readings`);
    f.responses.push(r.body);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().items).toEqual([
      { id: expect.any(Number), meterId: meterA, serialNumber: 'WM-A-001', readAt: '2026-11-24T07:00:00.000Z', valueM3: '124.001', source: 'remote', status: 'accepted', statusReason: null, verifiedAt: null },
      { id: expect.any(Number), meterId: meterA, serialNumber: 'WM-A-001', readAt: '2026-11-20T07:00:00.000Z', valueM3: '123.456', source: 'remote', status: 'accepted', statusReason: null, verifiedAt: null },
    ]);
    const staffView = await f.staff.get(`/api/staff/meters/${meterA}/readings?from=2026-11-21`);
    f.responses.push(staffView.body);
    expect(staffView.json().items.map((i: { valueM3: string }) => i.valueM3)).toEqual(['124.001']);
  });

  it('refuses the same file uploaded again, packed or not, and stores nothing', async () => {
    const f = await session();
    const counts = async () => ({ readings: await count(f, 'readings'), telegrams: await count(f, 'telegrams'), quarantine: await count(f, 'quarantine'), uploads: await count(f, 'walkby_uploads') });
    const before = await counts();
    for (const [name, body] of [
      ['session-again.txt', file],
      ['session-again.txt.gz', gzipSync(file)],
    ] as const) {
      const r = await upload(f, f.staff, '/api/staff/walkby-uploads', name, body);
      expect(r.statusCode, r.body).toBe(409);
      expect(r.json().error).toMatchObject({
        code: 'walkby.already_imported',
        messages: { pl: expect.stringContaining('już zaimportowany'), en: expect.stringContaining('imported before') },
        details: { uploadId: expect.any(Number) },
      });
    }
    expect(await counts()).toEqual(before);
  });

  it('adds only what is new from a file that overlaps an earlier one', async () => {
    const f = await session();
    const before = { readings: await count(f, 'readings'), quarantine: await count(f, 'quarantine') };
    const r = await upload(f, f.staff, '/api/staff/walkby-uploads', 'session-again.txt', `# the same walk, exported again\n${file}`);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ telegrams: 8, readings: 0, duplicates: 8, quarantined: 0 });
    expect({ readings: await count(f, 'readings'), quarantine: await count(f, 'quarantine') }).toEqual(before);
    const list = await f.staff.get('/api/staff/walkby-uploads');
    f.responses.push(list.body);
    expect(list.json().items.map((u: { fileName: string; readings: number }) => [u.fileName, u.readings])).toEqual([
      ['session-again.txt', 0],
      ['session.txt', 3],
    ]);
  });

  it('lists the quarantine with reasons, identities and the raw telegram', async () => {
    const f = await session();
    const r = await f.staff.get('/api/staff/quarantine');
    f.responses.push(r.body);
    expect(r.json().total).toBe(4);
    const byReason = Object.fromEntries(r.json().items.map((i: { reason: string }) => [i.reason, i]));
    expect(byReason['ingest.unknown_module']).toMatchObject({ source: 'walkby', manufacturer: 'APA', radioId: '19999999', hex: unknown });
    expect(byReason['wmbus.wrong_key']).toMatchObject({ radioId: '10000002', hex: wrongKey });
    expect(byReason['wmbus.truncated'].hex).toBe(truncated);
    const only = await f.staff.get('/api/staff/quarantine?reason=wmbus.wrong_key');
    expect(only.json()).toMatchObject({ total: 1, items: [{ reason: 'wmbus.wrong_key' }] });
  });

  it('holds a reading lower than the last one for verification', async () => {
    const f = await session();
    const { meterA } = f;
    const lower = toHex(buildTelegram({ manufacturer: 'APA', id: '10000001', totalM3: 120, meterDatetime: at(25, 8), key: keyA, accessNumber: 4 }));
    const r = await upload(f, f.staff, '/api/staff/walkby-uploads', 'lower.txt', `${lower}\n`);
    expect(r.json()).toMatchObject({ readings: 1, pending: 1 });
    const h = await f.staff.get(`/api/staff/meters/${meterA}/readings?limit=1`);
    expect(h.json().items[0]).toMatchObject({ valueM3: '120.000', status: 'pending' });
  });

  it('refuses a file without telegrams and stores nothing', async () => {
    const f = await fixture();
    const before = await count(f, 'walkby_uploads');
    const garbage = randomBytes(3 * 1024 * 1024).toString('base64');
    const r = await upload(f, f.staff, '/api/staff/walkby-uploads', 'garbage.bin', garbage);
    expect(r.statusCode).toBe(400);
    expect(r.json().error).toMatchObject({ code: 'walkby.no_telegrams', messages: { pl: expect.stringContaining('Nic nie zapisano'), en: expect.any(String) } });
    expect(await count(f, 'walkby_uploads')).toBe(before);
  });

  it('refuses a form with two files whole: neither the walk-by file nor the keys file is half stored', async () => {
    const f = await fixture();
    const keys = multipartFiles([{ filename: 'keys.csv', content: keysCsv }, { filename: 'more.csv', content: 'radio_id,key\n' }]);
    const refusedKeys = await f.staff.request('POST', '/api/staff/radio-keys', keys.body, keys.headers);
    expect(refusedKeys.statusCode).toBe(413);
    expect(refusedKeys.json().error.code).toBe('request.multipart_too_many_parts');
    expect((await sql<{ n: number }>`select count(*)::int as n from radio_modules where utility_id = ${f.utilityId}`.execute(t.database.db)).rows[0].n).toBe(0);
    await upload(f, f.staff, '/api/staff/radio-keys', 'keys.csv', keysCsv);
    const before = { uploads: await count(f, 'walkby_uploads'), telegrams: await count(f, 'telegrams'), readings: await count(f, 'readings') };
    const two = multipartFiles([{ filename: 'monday.txt', content: `${tA1}\n` }, { filename: 'tuesday.txt', content: `${tB}\n` }]);
    const refused = await f.staff.request('POST', '/api/staff/walkby-uploads', two.body, two.headers);
    expect(refused.statusCode).toBe(413);
    expect(refused.json().error.code).toBe('request.multipart_too_many_parts');
    expect({ uploads: await count(f, 'walkby_uploads'), telegrams: await count(f, 'telegrams'), readings: await count(f, 'readings') }).toEqual(before);
  });

  it('reads a gzip file', async () => {
    const f = await fixture();
    await upload(f, f.staff, '/api/staff/radio-keys', 'keys.csv', keysCsv);
    const t5 = toHex(buildTelegram({ manufacturer: 'APA', id: '10000002', totalM3: 5.5, meterDatetime: at(25, 9), key: keyB, accessNumber: 5 }));
    const r = await upload(f, f.staff, '/api/staff/walkby-uploads', 'session.txt.gz', gzipSync(`${t5}\n`));
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ telegrams: 1, readings: 1 });
  });

  it('refuses an upload that is not multipart', async () => {
    const f = await fixture();
    const r = await f.staff.post('/api/staff/walkby-uploads', { file: 'x' });
    expect(r.statusCode).toBe(415);
  });

  it('reads quarantined telegrams again when their keys arrive and their modules are fitted', async () => {
    const f = await session();
    const { utilityId, staff } = f;
    const sp = await buildServicePoint(t.database, utilityId);
    const meterC = (await buildMeter(t.database, utilityId, sp.id, { serial_number: 'WM-C-003' })).id;
    const sp4 = await buildServicePoint(t.database, utilityId);
    const meterD = (await buildMeter(t.database, utilityId, sp4.id, { serial_number: 'WM-D-004' })).id;
    const before = (await staff.get('/api/staff/quarantine')).json();
    expect(before.items.map((i: { radioId: string }) => i.radioId).sort()).toEqual(expect.arrayContaining(['19999999', '10000004']));
    const logged = async () =>
      (await sql<{ n: number }>`select count(*)::int as n from telegrams where utility_id = ${utilityId} and radio_id in ('19999999', '10000004')`.execute(t.database.db)).rows[0].n;
    const loggedBefore = await logged();
    // The module nobody had registered arrives with its key; module 10000004 is fitted to a meter.
    const csv = [`19999999;${keyA.toString('hex')};APA;WM-C-003`, `10000004;${keyD.toString('hex')};APA;WM-D-004`].join('\n');
    const r = await upload(f, staff, '/api/staff/radio-keys', 'keys-late.csv', csv);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ linkedMeters: 2, reprocessed: { telegrams: 2, readings: 2, released: 2 } });
    const after = (await staff.get('/api/staff/quarantine')).json();
    expect(after.total).toBe(before.total - 2);
    expect(after.items.map((i: { radioId: string }) => i.radioId)).not.toContain('19999999');
    const c = await staff.get(`/api/staff/meters/${meterC}/readings`);
    expect(c.json().items).toEqual([expect.objectContaining({ valueM3: '1.000', source: 'remote' })]);
    const d = await staff.get(`/api/staff/meters/${meterD}/readings`);
    expect(d.json().items).toEqual([expect.objectContaining({ valueM3: '2.000', source: 'remote' })]);
    // Read again, not received again: the reception log did not grow.
    expect(await logged()).toBe(loggedBefore);
    // The wrong-key telegram stays: its module's key did not change.
    expect(after.items.map((i: { reason: string }) => i.reason)).toContain('wmbus.wrong_key');
  });
});

describe('key secrecy', () => {
  it('no staff or customer API answer of a whole session (keys, upload, lists, history) contains a key', async () => {
    const f = await session();
    await upload(f, f.staff, '/api/staff/radio-keys', 'keys.csv', keysCsv);
    for (const url of ['/api/staff/quarantine', '/api/staff/walkby-uploads', '/api/staff/gateways', '/api/staff/tasks', `/api/staff/meters/${f.meterA}/readings`]) f.responses.push((await f.staff.get(url)).body);
    f.responses.push((await f.portal.get(`/api/customers/${f.customerId}/readings`)).body);
    expect(f.responses).toHaveLength(9);
    for (const body of f.responses) for (const k of keyHexes) expect(body).not.toContain(k);
  });
});
