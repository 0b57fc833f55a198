/**
 * Fixed networks: gateways pushing over HTTP with their token, the MQTT
 * worker against the real local broker, and alarms (tasks, one e-mail per
 * episode). A telegram heard by two gateways is one reading. Times outside
 * the sane window (more than a day ahead, before the meter's installation)
 * never become readings. A utility's remote ingestion runs one batch at a time.
 *
 * Each test builds its own utility (fixture()), so the tests have no order.
 */
import { randomBytes } from 'node:crypto';
import mqtt from 'mqtt';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withCopyTx } from '../src/db/bulk.ts';
import { IngestSession } from '../src/modules/metering/ingest/ingest.ts';
import { startMqttIngestion, type MqttIngest } from '../src/modules/metering/ingest/mqtt.ts';
import { buildKamstrupTelegram, buildTelegram, toHex } from '../src/modules/metering/ingest/testing/telegram-builder.ts';
import { secretBox, serverKey } from '../src/lib/secret-box.ts';
import { client, createTestApp, type Client, type TestApp } from './support/app.ts';
import { testDatabaseKind } from './support/db.ts';
import { TEST_PASSWORD, buildContract, buildCustomer, buildMeter, buildServicePoint, buildUser, buildUtility } from './support/factories.ts';

const MQTT_URL = process.env.MQTT_TEST_URL ?? 'mqtt://127.0.0.1:1883';
/** README: a time "more than a day in the future" is refused. */
const DAY = 86_400_000;

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t?.close());

interface Fixture {
  slug: string;
  utilityId: number;
  customerId: number;
  /** DME module 20000001 (AES key) on meter SN-FIX-1, installed 2024-01-01. */
  meterId: number;
  key: Buffer;
  /** KAM module 30000001 (no encryption) on meter SN-KAM-1. */
  kamMeterId: number;
  staff: Client;
  portal: Client;
  email: string;
}

async function fixture(): Promise<Fixture> {
  const u = await buildUtility(t.database);
  const email = `anna-${u.id}@example.com`;
  const c = await buildCustomer(t.database, u.id, { email });
  const sp = await buildServicePoint(t.database, u.id, { street: 'ul. Wodna', building: '7', apartment: '3', postal_code: '12-345', locality: 'Rzeczka' });
  await buildContract(t.database, u.id, c.id, sp.id);
  const key = randomBytes(16);
  const box = secretBox(serverKey(t.config));
  const m1 = await t.database.db.insertInto('radio_modules').values({ utility_id: u.id, manufacturer: 'DME', radio_id: '20000001', key_enc: box.seal(key) }).returning('id').executeTakeFirstOrThrow();
  const meterId = (await buildMeter(t.database, u.id, sp.id, { serial_number: 'SN-FIX-1', radio_module_id: m1.id, installed_on: '2024-01-01' })).id;
  const sp2 = await buildServicePoint(t.database, u.id);
  await buildContract(t.database, u.id, c.id, sp2.id);
  const m2 = await t.database.db.insertInto('radio_modules').values({ utility_id: u.id, manufacturer: 'KAM', radio_id: '30000001', key_enc: null }).returning('id').executeTakeFirstOrThrow();
  const kamMeterId = (await buildMeter(t.database, u.id, sp2.id, { serial_number: 'SN-KAM-1', radio_module_id: m2.id })).id;
  await buildUser(t.database, u.id, { kind: 'staff', email: `admin-${u.id}@f.example`, roles: ['admin'] });
  await buildUser(t.database, u.id, { kind: 'customer', email: `portal-${u.id}@example.com`, customerIds: [c.id] });
  const staff = client(t.app, u.slug);
  expect((await staff.post('/api/auth/login', { email: `admin-${u.id}@f.example`, password: TEST_PASSWORD })).statusCode).toBe(200);
  const portal = client(t.app, u.slug);
  expect((await portal.post('/api/auth/login', { email: `portal-${u.id}@example.com`, password: TEST_PASSWORD })).statusCode).toBe(200);
  return { slug: u.slug, utilityId: u.id, customerId: c.id, meterId, key, kamMeterId, staff, portal, email };
}

async function gateway(f: Fixture, name: string): Promise<string> {
  const r = await f.staff.post('/api/staff/gateways', { name });
  expect(r.statusCode, r.body).toBe(201);
  return r.json().token;
}

async function readingsOf(id: number) {
  return t.database.db.selectFrom('readings').select(['value_m3', 'read_at', 'status']).where('meter_id', '=', id).orderBy('read_at').execute();
}

async function quarantineOf(utilityId: number) {
  return t.database.db.selectFrom('quarantine').select(['reason', 'message', 'source', 'received_at']).where('utility_id', '=', utilityId).orderBy('id').execute();
}

function push(f: Fixture, token: string | null, telegrams: unknown[]) {
  return client(t.app, f.slug).request('POST', '/api/gateways/telegrams', { telegrams }, token ? { authorization: `Bearer ${token}` } : {});
}

const dme = (f: Fixture, totalM3: number, accessNumber: number, meterDatetime?: { y: number; mo: number; d: number; h: number; mi: number }) =>
  toHex(buildTelegram({ manufacturer: 'DME', id: '20000001', totalM3, meterDatetime, key: f.key, accessNumber }));

describe('gateway push', () => {
  it('staff create gateways and see each token once', async () => {
    const f = await fixture();
    const a = await f.staff.post('/api/staff/gateways', { name: 'Wieża ciśnień' });
    expect(a.statusCode, a.body).toBe(201);
    const tokenA = a.json().token;
    expect(tokenA).toMatch(/^wgw_/);
    await gateway(f, 'Oczyszczalnia');
    const list = await f.staff.get('/api/staff/gateways');
    expect(list.json().items.map((g: { name: string }) => g.name)).toEqual(['Wieża ciśnień', 'Oczyszczalnia']);
    expect(list.body).not.toContain(tokenA);
    const stored = await t.database.db.selectFrom('gateways').select('token_hash').where('utility_id', '=', f.utilityId).execute();
    for (const s of stored) expect(s.token_hash).not.toContain(tokenA.slice(4));
  });

  it('refuses a missing or wrong token before reading the body', async () => {
    const f = await fixture();
    expect((await push(f, null, [])).statusCode).toBe(401);
    expect((await push(f, 'wgw_' + 'x'.repeat(43), [])).statusCode).toBe(401);
    const bad = await client(t.app, f.slug).request('POST', '/api/gateways/telegrams', { nonsense: true }, { authorization: 'Bearer nope' });
    expect(bad.statusCode).toBe(401);
    expect(bad.json().error.code).toBe('gateways.bad_token');
  });

  it('turns pushed telegrams into one reading even when two gateways hear it', async () => {
    const f = await fixture();
    const [tokenA, tokenB] = [await gateway(f, 'Wieża'), await gateway(f, 'Oczyszczalnia')];
    const hex = dme(f, 42.5, 10, { y: 2026, mo: 11, d: 25, h: 6, mi: 30 });
    const first = await push(f, tokenA, [{ hex, rssi: -80, receivedAt: '2026-11-25T05:30:05Z' }]);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ accepted: 1, readings: 1, duplicates: 0, quarantined: 0 });
    const second = await push(f, tokenB, [{ hex: hex.toLowerCase(), rssi: -95 }]);
    expect(second.json()).toMatchObject({ accepted: 1, readings: 0, duplicates: 1 });
    expect(await readingsOf(f.meterId)).toEqual([{ value_m3: '42.500', read_at: expect.anything(), status: 'accepted' }]);
  });

  it('validates the body after the token', async () => {
    const f = await fixture();
    const r = await push(f, await gateway(f, 'Wieża'), [{ hex: 'xyz' }]);
    expect(r.statusCode).toBe(400);
  });
});

describe('times outside the sane window', () => {
  it('refuses a gateway batch with a receive time more than a day ahead (400 gateways.time_in_future) and stores nothing of it', async () => {
    const f = await fixture();
    const token = await gateway(f, 'Wieża');
    const soon = new Date(Date.now() + DAY - 3_600_000).toISOString();
    const ahead = new Date(Date.now() + DAY + 3_600_000).toISOString();
    const r = await push(f, token, [
      { hex: dme(f, 50, 20), receivedAt: soon },
      { hex: dme(f, 51, 21), receivedAt: ahead },
    ]);
    expect(r.statusCode, r.body).toBe(400);
    expect(r.json().error).toMatchObject({
      code: 'gateways.time_in_future',
      messages: { pl: expect.stringContaining('zegar bramki'), en: expect.stringContaining("gateway's clock") },
      details: { indexes: [1] },
    });
    expect(await readingsOf(f.meterId)).toEqual([]);
    const logged = await sql<{ n: number }>`select count(*)::int as n from telegrams where utility_id = ${f.utilityId}`.execute(t.database.db);
    expect(logged.rows[0].n).toBe(0);
    // 23 hours ahead is within the window: the same first telegram alone is read.
    const ok = await push(f, token, [{ hex: dme(f, 50, 20), receivedAt: soon }]);
    expect(ok.json()).toMatchObject({ readings: 1 });
  });

  it('quarantines, never reads, a gateway telegram timed before the meter was installed (a clock reset to 2001)', async () => {
    const f = await fixture();
    const token = await gateway(f, 'Wieża');
    const resetClock = dme(f, 60, 30, { y: 2001, mo: 1, d: 1, h: 0, mi: 5 });
    const noClockOld = dme(f, 61, 31);
    const r = await push(f, token, [{ hex: resetClock }, { hex: noClockOld, receivedAt: '2001-01-01T00:10:00Z' }]);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ accepted: 2, readings: 0, quarantined: 2, byReason: { 'ingest.time_out_of_range': 2 } });
    expect(await readingsOf(f.meterId)).toEqual([]);
    const q = await quarantineOf(f.utilityId);
    expect(q).toHaveLength(2);
    for (const e of q) expect(e).toMatchObject({ reason: 'ingest.time_out_of_range', source: 'gateway', message: expect.stringContaining("before the meter's installation (2024-01-01)") });
    // The raw telegrams are kept in the reception log too.
    const logged = await sql<{ n: number }>`select count(*)::int as n from telegrams where utility_id = ${f.utilityId}`.execute(t.database.db);
    expect(logged.rows[0].n).toBe(2);
  });
});

describe('one batch at a time per utility (the advisory lock)', () => {
  /** Opens an ingestion session of the utility (taking its lock) and keeps it open until released. */
  async function holdIngestSession(utilityId: number): Promise<{ release: () => void; holder: Promise<void> }> {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let opened!: () => void;
    const isOpen = new Promise<void>((r) => (opened = r));
    const holder = withCopyTx(t.database, { utilityId }, async (tx, copy) => {
      await IngestSession.open(tx, copy, { utilityId, source: 'walkby', detail: 'test', uploadId: null });
      opened();
      await held;
    });
    await isOpen;
    return { release, holder };
  }

  // On PostgreSQL this is the advisory lock; on PGlite the single connection serialises everything anyway.
  it('makes a gateway batch wait while another ingestion session of the utility is open, and stores it after', async () => {
    const f = await fixture();
    const token = await gateway(f, 'Wieża');
    const { release, holder } = await holdIngestSession(f.utilityId);
    let done = false;
    const pushed = push(f, token, [{ hex: dme(f, 70, 40, { y: 2026, mo: 11, d: 26, h: 8, mi: 0 }) }]).then((r) => {
      done = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 500));
    // (No query here: on PGlite, one connection, it would wait behind the holder too.)
    expect(done).toBe(false);
    release();
    await holder;
    const r = await pushed;
    expect(r.json()).toMatchObject({ readings: 1 });
  });

  // Only on PostgreSQL: PGlite has one connection, so everything waits there. Not declared
  // (rather than skipped) on PGlite, since CI refuses skipped tests.
  if (testDatabaseKind !== 'pglite') it("does not make another utility's batch wait", async () => {
    const f = await fixture();
    const g = await fixture();
    const token = await gateway(g, 'Wieża');
    const { release, holder } = await holdIngestSession(f.utilityId);
    try {
      const r = await push(g, token, [{ hex: dme(g, 70, 40, { y: 2026, mo: 11, d: 26, h: 8, mi: 0 }) }]);
      expect(r.json()).toMatchObject({ readings: 1 });
    } finally {
      release();
      await holder;
    }
  });
});

describe('alarms', () => {
  const kam = (d: number, h: number, total: number, alarms: number, status32?: number) => ({
    hex: toHex(buildKamstrupTelegram({ id: '30000001', totalM3: total, alarms, status32, meterDatetime: { y: 2026, mo: 11, d, h, mi: 0 } })),
  });
  const mails = (f: Fixture) =>
    t.database.db.selectFrom('email_outbox').select(['to_address', 'subject', 'text_body', 'template']).where('utility_id', '=', f.utilityId).where('template', 'like', '%alarm').execute();
  const openTasks = async (f: Fixture) => (await f.staff.get('/api/staff/tasks?status=open')).json().items as Array<{ id: number; kind: string; meterId: number; customerId: number }>;

  it('opens one task and sends one e-mail per leak episode', async () => {
    const f = await fixture();
    const [tokenA, tokenB] = [await gateway(f, 'Wieża'), await gateway(f, 'Oczyszczalnia')];
    // Leak starts, persists (heard twice), ends, starts again.
    expect((await push(f, tokenA, [kam(20, 1, 10, 0x04), kam(20, 2, 10.1, 0x04)])).json()).toMatchObject({ readings: 2 });
    await push(f, tokenB, [kam(20, 3, 10.2, 0x04)]);
    let m = await mails(f);
    expect(m).toHaveLength(1);
    expect(m[0]).toMatchObject({ to_address: f.email, template: 'leak_alarm' });
    expect(m[0].subject).toContain('wyciek');
    expect(m[0].text_body).toContain('SN-KAM-1');
    const tasks = await f.staff.get('/api/staff/tasks?status=open');
    expect(tasks.json().items).toEqual([expect.objectContaining({ kind: 'leak', meterId: f.kamMeterId, customerId: f.customerId, status: 'open', title: expect.stringContaining('Wyciek') })]);
    // The episode ends; an old telegram with the flag (heard late) changes nothing.
    await push(f, tokenA, [kam(20, 4, 10.3, 0)]);
    await push(f, tokenA, [kam(20, 0, 9.9, 0x04)]);
    expect(await mails(f)).toHaveLength(1);
    // A new episode: a new e-mail, but the open task is not duplicated.
    await push(f, tokenA, [kam(21, 1, 10.5, 0x04)]);
    m = await mails(f);
    expect(m).toHaveLength(2);
    expect(await openTasks(f)).toHaveLength(1);
  });

  it('opens a burst task with its own e-mail, and staff close tasks', async () => {
    const f = await fixture();
    const token = await gateway(f, 'Wieża');
    await push(f, token, [kam(21, 1, 10.5, 0x04)]);
    await push(f, token, [kam(22, 1, 11, 0x08)]);
    expect((await mails(f)).map((x) => x.template).sort()).toEqual(['burst_alarm', 'leak_alarm']);
    const open = await openTasks(f);
    expect(open.map((x) => x.kind).sort()).toEqual(['burst', 'leak']);
    const closed = await f.staff.post(`/api/staff/tasks/${open[0].id}/close`);
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json().status).toBe('closed');
    expect(await openTasks(f)).toHaveLength(1);
    expect((await f.staff.post('/api/staff/tasks/999999/close')).statusCode).toBe(404);
  });

  it('opens a task for a backflow alarm and one for a tamper alarm, without e-mailing the customer', async () => {
    const f = await fixture();
    const token = await gateway(f, 'Wieża');
    // Kamstrup: 0x02 of record 02 FF 20 is reverse flow (backflow); 0x10 of record 04 FF 23 is tamper.
    const r = await push(f, token, [kam(23, 1, 12, 0x02), kam(23, 2, 12.1, 0, 0x10)]);
    expect(r.json()).toMatchObject({ readings: 2 });
    const open = await openTasks(f);
    expect(open.map((x) => x.kind).sort()).toEqual(['backflow', 'tamper']);
    for (const task of open) expect(task).toMatchObject({ meterId: f.kamMeterId, customerId: f.customerId });
    expect(await mails(f)).toEqual([]);
  });
});

describe('MQTT', () => {
  let ingest: MqttIngest;
  const run = randomBytes(4).toString('hex');
  const pattern = `wodnik-test-${run}/{utility}/gateways/{gateway}/telegrams`;
  const logged: string[] = [];

  beforeAll(async () => {
    ingest = await startMqttIngestion({ config: t.config, database: t.database }, { url: MQTT_URL, topic: pattern, log: (level, msg) => logged.push(`${level} ${msg}`) });
    await ingest.connected;
  });
  afterAll(() => ingest?.stop());

  const topic = (f: Fixture, gw: string) => `wodnik-test-${run}/${f.slug}/gateways/${gw}/telegrams`;

  async function publish(to: string, payload: string) {
    const c = await mqtt.connectAsync(MQTT_URL);
    await c.publishAsync(to, payload, { qos: 1 });
    await c.endAsync();
  }

  async function waitFor<T>(fn: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
    for (let i = 0; i < 100; i++) {
      const v = await fn();
      if (ok(v)) return v;
      await new Promise((r) => setTimeout(r, 100));
    }
    return fn();
  }

  it('stores a published telegram as a reading the customer sees; the same from a second gateway is logged but adds no reading', async () => {
    const f = await fixture();
    const hex = dme(f, 43.25, 11, { y: 2026, mo: 11, d: 25, h: 9, mi: 0 });
    await publish(topic(f, 'gw-1'), hex);
    const rows = await waitFor(() => readingsOf(f.meterId), (r) => r.length === 1);
    expect(rows.map((r) => r.value_m3)).toEqual(['43.250']);
    const seen = await f.portal.get(`/api/customers/${f.customerId}/readings?meterId=${f.meterId}`);
    expect(seen.json().items[0]).toMatchObject({ valueM3: '43.250', source: 'remote', serialNumber: 'SN-FIX-1' });

    await publish(topic(f, 'gw-2'), JSON.stringify({ hex, rssi: -88 }));
    await new Promise((r) => setTimeout(r, 500));
    await ingest.idle();
    expect(await readingsOf(f.meterId)).toHaveLength(1);
    // Both receptions are logged (what a network's coverage is judged by); the reading is one.
    const stored = await sql<{ source: string; source_detail: string; rssi: number | null }>`
      select source, source_detail, rssi from telegrams where meter_id = ${f.meterId} and source = 'mqtt' order by source_detail`.execute(t.database.db);
    expect(stored.rows).toEqual([
      { source: 'mqtt', source_detail: topic(f, 'gw-1'), rssi: null },
      { source: 'mqtt', source_detail: topic(f, 'gw-2'), rssi: -88 },
    ]);
  });

  it('quarantines an undecodable telegram from MQTT', async () => {
    const f = await fixture();
    const hex = toHex(buildTelegram({ manufacturer: 'DME', id: '20000001', totalM3: 44, key: randomBytes(16), accessNumber: 12 }));
    await publish(topic(f, 'gw-1'), JSON.stringify([{ hex }]));
    const q = await waitFor(() => quarantineOf(f.utilityId), (r) => r.length === 1);
    expect(q.map((x) => [x.reason, x.source])).toEqual([['wmbus.wrong_key', 'mqtt']]);
  });

  it('quarantines with ingest.time_out_of_range, and logs, MQTT telegrams timed in 2001 or more than a day ahead; none becomes a reading', async () => {
    const f = await fixture();
    const before = Date.now();
    const ahead = new Date(before + 2 * DAY).toISOString();
    await publish(
      topic(f, 'gw-1'),
      JSON.stringify([
        { hex: dme(f, 80, 50), received_at: '2001-01-01T00:00:00Z' },
        { hex: dme(f, 81, 51), received_at: ahead },
        { hex: dme(f, 82, 52, { y: 2001, mo: 1, d: 1, h: 0, mi: 0 }) },
      ]),
    );
    const q = await waitFor(() => quarantineOf(f.utilityId), (r) => r.length === 3);
    expect(q.map((x) => [x.reason, x.source])).toEqual(Array(3).fill(['ingest.time_out_of_range', 'mqtt']));
    expect(q[1].message).toContain(`${ahead} is more than a day in the future`);
    // Kept at the time the server received it, not at the gateway's claimed time.
    expect(new Date(q[1].received_at).getTime()).toBeLessThan(before + 60_000);
    expect(await readingsOf(f.meterId)).toEqual([]);
    expect(logged.some((l) => l.startsWith('warn') && l.includes(topic(f, 'gw-1')) && l.includes('3 telegram(s) quarantined as ingest.time_out_of_range'))).toBe(true);
  });
});
