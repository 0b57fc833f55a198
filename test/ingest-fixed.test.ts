/**
 * Fixed networks: gateways pushing over HTTP with their token, the MQTT
 * worker against the real local broker, and alarms (tasks, one e-mail per
 * episode). A telegram heard by two gateways is one reading.
 */
import { randomBytes } from 'node:crypto';
import mqtt from 'mqtt';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMqttIngestion, type MqttIngest } from '../src/modules/metering/ingest/mqtt.ts';
import { buildKamstrupTelegram, buildTelegram, toHex } from '../src/modules/metering/ingest/testing/telegram-builder.ts';
import { secretBox, serverKey } from '../src/lib/secret-box.ts';
import { client, createTestApp, type Client, type TestApp } from './support/app.ts';
import { TEST_PASSWORD, buildContract, buildCustomer, buildMeter, buildServicePoint, buildUser, buildUtility } from './support/factories.ts';

const MQTT_URL = process.env.MQTT_TEST_URL ?? 'mqtt://127.0.0.1:1883';

let t: TestApp;
let slug: string;
let utilityId: number;
let staff: Client;
let portal: Client;
let customerId: number;
let meterId: number;
let kamMeterId: number;
const key = randomBytes(16);

async function readingsOf(id: number) {
  return t.database.db.selectFrom('readings').select(['value_m3', 'read_at', 'status']).where('meter_id', '=', id).orderBy('read_at').execute();
}

async function push(token: string | null, telegrams: unknown[]) {
  return client(t.app, slug).request('POST', '/api/gateways/telegrams', { telegrams }, token ? { authorization: `Bearer ${token}` } : {});
}

beforeAll(async () => {
  t = await createTestApp();
  const u = await buildUtility(t.database);
  slug = u.slug;
  utilityId = u.id;
  const c = await buildCustomer(t.database, u.id, { email: 'anna@example.com' });
  customerId = c.id;
  const sp = await buildServicePoint(t.database, u.id, { street: 'ul. Wodna', building: '7', apartment: '3', postal_code: '12-345', locality: 'Rzeczka' });
  await buildContract(t.database, u.id, c.id, sp.id);
  const box = secretBox(serverKey(t.config));
  const m1 = await t.database.db.insertInto('radio_modules').values({ utility_id: u.id, manufacturer: 'DME', radio_id: '20000001', key_enc: box.seal(key) }).returning('id').executeTakeFirstOrThrow();
  meterId = (await buildMeter(t.database, u.id, sp.id, { serial_number: 'SN-FIX-1', radio_module_id: m1.id })).id;
  const sp2 = await buildServicePoint(t.database, u.id);
  await buildContract(t.database, u.id, c.id, sp2.id);
  const m2 = await t.database.db.insertInto('radio_modules').values({ utility_id: u.id, manufacturer: 'KAM', radio_id: '30000001', key_enc: null }).returning('id').executeTakeFirstOrThrow();
  kamMeterId = (await buildMeter(t.database, u.id, sp2.id, { serial_number: 'SN-KAM-1', radio_module_id: m2.id })).id;
  await buildUser(t.database, u.id, { kind: 'staff', email: 'admin@f.example', roles: ['admin'] });
  await buildUser(t.database, u.id, { kind: 'customer', email: 'anna-portal@example.com', customerIds: [c.id] });
  staff = client(t.app, slug);
  expect((await staff.post('/api/auth/login', { email: 'admin@f.example', password: TEST_PASSWORD })).statusCode).toBe(200);
  portal = client(t.app, slug);
  expect((await portal.post('/api/auth/login', { email: 'anna-portal@example.com', password: TEST_PASSWORD })).statusCode).toBe(200);
});

afterAll(() => t?.close());

describe('gateway push', () => {
  let tokenA = '';
  let tokenB = '';

  it('staff create gateways and see each token once', async () => {
    const a = await staff.post('/api/staff/gateways', { name: 'Wieża ciśnień' });
    expect(a.statusCode, a.body).toBe(201);
    tokenA = a.json().token;
    expect(tokenA).toMatch(/^wgw_/);
    tokenB = (await staff.post('/api/staff/gateways', { name: 'Oczyszczalnia' })).json().token;
    const list = await staff.get('/api/staff/gateways');
    expect(list.json().items.map((g: { name: string }) => g.name)).toEqual(['Wieża ciśnień', 'Oczyszczalnia']);
    expect(list.body).not.toContain(tokenA);
    const stored = await t.database.db.selectFrom('gateways').select('token_hash').execute();
    for (const s of stored) expect(s.token_hash).not.toContain(tokenA.slice(4));
  });

  it('refuses a missing or wrong token before reading the body', async () => {
    expect((await push(null, [])).statusCode).toBe(401);
    expect((await push('wgw_' + 'x'.repeat(43), [])).statusCode).toBe(401);
    const bad = await client(t.app, slug).request('POST', '/api/gateways/telegrams', { nonsense: true }, { authorization: 'Bearer nope' });
    expect(bad.statusCode).toBe(401);
    expect(bad.json().error.code).toBe('gateways.bad_token');
  });

  it('turns pushed telegrams into one reading even when two gateways hear it', async () => {
    const hex = toHex(buildTelegram({ manufacturer: 'DME', id: '20000001', totalM3: 42.5, meterDatetime: { y: 2026, mo: 11, d: 25, h: 6, mi: 30 }, key, accessNumber: 10 }));
    const first = await push(tokenA, [{ hex, rssi: -80, receivedAt: '2026-11-25T05:30:05Z' }]);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ accepted: 1, readings: 1, duplicates: 0, quarantined: 0 });
    const second = await push(tokenB, [{ hex: hex.toLowerCase(), rssi: -95 }]);
    expect(second.json()).toMatchObject({ accepted: 1, readings: 0, duplicates: 1 });
    expect(await readingsOf(meterId)).toEqual([{ value_m3: '42.500', read_at: expect.anything(), status: 'accepted' }]);
  });

  it('validates the body after the token', async () => {
    const r = await push(tokenA, [{ hex: 'xyz' }]);
    expect(r.statusCode).toBe(400);
  });

  describe('alarms', () => {
    const kam = (d: number, h: number, total: number, alarms: number) =>
      ({ hex: toHex(buildKamstrupTelegram({ id: '30000001', totalM3: total, alarms, meterDatetime: { y: 2026, mo: 11, d, h, mi: 0 } })) });
    const mails = () => t.database.db.selectFrom('email_outbox').select(['to_address', 'subject', 'text_body', 'template']).where('template', 'like', '%alarm').execute();

    it('opens one task and sends one e-mail per leak episode', async () => {
      // Leak starts, persists (heard twice), ends, starts again.
      expect((await push(tokenA, [kam(20, 1, 10, 0x04), kam(20, 2, 10.1, 0x04)])).json()).toMatchObject({ readings: 2 });
      await push(tokenB, [kam(20, 3, 10.2, 0x04)]);
      let m = await mails();
      expect(m).toHaveLength(1);
      expect(m[0]).toMatchObject({ to_address: 'anna@example.com', template: 'leak_alarm' });
      expect(m[0].subject).toContain('wyciek');
      expect(m[0].text_body).toContain('SN-KAM-1');
      const tasks = await staff.get('/api/staff/tasks?status=open');
      expect(tasks.json().items).toEqual([
        expect.objectContaining({ kind: 'leak', meterId: kamMeterId, customerId, status: 'open', title: expect.stringContaining('Wyciek') }),
      ]);
      // The episode ends; an old telegram with the flag (heard late) changes nothing.
      await push(tokenA, [kam(20, 4, 10.3, 0)]);
      await push(tokenA, [kam(20, 0, 9.9, 0x04)]);
      expect(await mails()).toHaveLength(1);
      // A new episode: a new e-mail, but the open task is not duplicated.
      await push(tokenA, [kam(21, 1, 10.5, 0x04)]);
      m = await mails();
      expect(m).toHaveLength(2);
      expect((await staff.get('/api/staff/tasks?status=open')).json().items).toHaveLength(1);
    });

    it('opens a burst task with its own e-mail, and staff close tasks', async () => {
      await push(tokenA, [kam(22, 1, 11, 0x08)]);
      const m = await mails();
      expect(m.map((x) => x.template)).toContain('burst_alarm');
      const open = (await staff.get('/api/staff/tasks?status=open')).json().items as Array<{ id: number; kind: string }>;
      expect(open.map((x) => x.kind).sort()).toEqual(['burst', 'leak']);
      const closed = await staff.post(`/api/staff/tasks/${open[0].id}/close`);
      expect(closed.statusCode, closed.body).toBe(200);
      expect(closed.json().status).toBe('closed');
      expect((await staff.get('/api/staff/tasks?status=open')).json().items).toHaveLength(1);
      expect((await staff.post('/api/staff/tasks/999999/close')).statusCode).toBe(404);
    });
  });
});

describe('MQTT', () => {
  let ingest: MqttIngest;
  const run = randomBytes(4).toString('hex');
  const pattern = `wodnik-test-${run}/{utility}/gateways/{gateway}/telegrams`;

  beforeAll(async () => {
    ingest = await startMqttIngestion({ config: t.config, database: t.database }, { url: MQTT_URL, topic: pattern, log: () => {} });
    await ingest.connected;
  });
  afterAll(() => ingest?.stop());

  async function publish(topic: string, payload: string) {
    const c = await mqtt.connectAsync(MQTT_URL);
    await c.publishAsync(topic, payload, { qos: 1 });
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
    const hex = toHex(buildTelegram({ manufacturer: 'DME', id: '20000001', totalM3: 43.25, meterDatetime: { y: 2026, mo: 11, d: 25, h: 9, mi: 0 }, key, accessNumber: 11 }));
    await publish(`wodnik-test-${run}/${slug}/gateways/gw-1/telegrams`, hex);
    const rows = await waitFor(() => readingsOf(meterId), (r) => r.length === 2);
    expect(rows.map((r) => r.value_m3)).toEqual(['42.500', '43.250']);
    const seen = await portal.get(`/api/customers/${customerId}/readings?meterId=${meterId}`);
    expect(seen.json().items[0]).toMatchObject({ valueM3: '43.250', source: 'remote', serialNumber: 'SN-FIX-1' });

    await publish(`wodnik-test-${run}/${slug}/gateways/gw-2/telegrams`, JSON.stringify({ hex, rssi: -88 }));
    await new Promise((r) => setTimeout(r, 500));
    await ingest.idle();
    expect(await readingsOf(meterId)).toHaveLength(2);
    // Both receptions are logged (what a network's coverage is judged by); the reading is one.
    const stored = await sql<{ source: string; source_detail: string; rssi: number | null }>`
      select source, source_detail, rssi from telegrams where meter_id = ${meterId} and source = 'mqtt' order by source_detail`.execute(t.database.db);
    expect(stored.rows).toEqual([
      { source: 'mqtt', source_detail: `wodnik-test-${run}/${slug}/gateways/gw-1/telegrams`, rssi: null },
      { source: 'mqtt', source_detail: `wodnik-test-${run}/${slug}/gateways/gw-2/telegrams`, rssi: -88 },
    ]);
  });

  it('quarantines an undecodable telegram from MQTT', async () => {
    const hex = toHex(buildTelegram({ manufacturer: 'DME', id: '20000001', totalM3: 44, key: randomBytes(16), accessNumber: 12 }));
    await publish(`wodnik-test-${run}/${slug}/gateways/gw-1/telegrams`, JSON.stringify([{ hex }]));
    const q = await waitFor(
      () => t.database.db.selectFrom('quarantine').select(['reason', 'source']).where('utility_id', '=', utilityId).where('source', '=', 'mqtt').execute(),
      (r) => r.length === 1,
    );
    expect(q).toEqual([{ reason: 'wmbus.wrong_key', source: 'mqtt' }]);
  });
});
