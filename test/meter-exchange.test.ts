/**
 * A meter exchange by staff (POST /api/staff/meters/:meterId/exchange): the
 * old meter removed with its final register, the new one installed at the same
 * point with its initial register and the radio module, in one transaction;
 * every bad input refused with its code and nothing written; and the next
 * billing run bills the period across the exchange as the engine's rule says
 * (old final − opening + new closing − initial).
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../src/db/tenant.ts';
import { nrbFromBban } from '../src/lib/check-digits.ts';
import type { InvoiceDocument } from '../src/modules/billing/invoice-document.ts';
import { createPreviewRun } from '../src/modules/billing/runs/service.ts';
import { client, createTestApp, type Client, type TestApp } from './support/app.ts';
import { PERIOD, buildBillingWorld } from './support/billing-world.ts';
import { TEST_PASSWORD, buildCustomer, buildMeter, buildServicePoint, buildUser } from './support/factories.ts';

let t: TestApp;
let utilityId: number;
let clerk: Client;
let billing: Client;
let meterId: number;
let contractId: number;
let radioId: number;

async function login(slug: string, email: string): Promise<Client> {
  const c = client(t.app, slug);
  expect((await c.post('/api/auth/login', { email, password: TEST_PASSWORD })).statusCode).toBe(200);
  return c;
}

const counts = async () => {
  const { rows } = await sql<{ meters: number; readings: number; audit: number }>`
    select (select count(*)::int from meters where utility_id = ${utilityId}) as meters,
           (select count(*)::int from readings where utility_id = ${utilityId}) as readings,
           (select count(*)::int from audit_log where utility_id = ${utilityId} and action = 'meter.exchange') as audit`.execute(t.database.db);
  return rows[0];
};

const good = { date: '2026-10-10', finalReading: '104,250', newSerial: 'nw-2026-001', newLegalizationValidUntil: '2031-10-10' };

beforeAll(async () => {
  t = await createTestApp();
  const w = await buildBillingWorld(t.database, 1);
  utilityId = w.utilityId;
  const customer = await buildCustomer(t.database, utilityId, { customer_number: 'K900001', payment_account: nrbFromBban('109010140000000000900001') });
  const sp = await buildServicePoint(t.database, utilityId, { code: 'PP-WYM-1', street: 'ul. Ogrodowa', building: '3' });
  contractId = (
    await t.database.db
      .insertInto('contracts')
      .values({ utility_id: utilityId, contract_number: 'UM/WYM/1', customer_id: customer.id, service_point_id: sp.id, kind: 'water_sewage', tariff_group_code: 'G1', valid_from: '2025-01-01' })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
  radioId = (await t.database.db.insertInto('radio_modules').values({ utility_id: utilityId, manufacturer: 'APA', radio_id: '55501234' }).returning('id').executeTakeFirstOrThrow()).id;
  const m = await buildMeter(t.database, utilityId, sp.id, { serial_number: 'OLD-0001', radio_module_id: radioId, diameter_mm: 15 });
  meterId = m.id;
  await t.database.db
    .insertInto('readings')
    .values([
      { utility_id: utilityId, meter_id: m.id, read_at: '2026-08-31T12:00:00+02:00', value_m3: '100.000', source: 'reader' },
      { utility_id: utilityId, meter_id: m.id, read_at: '2026-09-30T12:00:00+02:00', value_m3: '103.000', source: 'reader' },
    ])
    .execute();
  const slug = (await t.database.db.selectFrom('utilities').select('slug').where('id', '=', utilityId).executeTakeFirstOrThrow()).slug;
  await buildUser(t.database, utilityId, { kind: 'staff', email: 'bok@example.com', roles: ['customer_service'] });
  await buildUser(t.database, utilityId, { kind: 'staff', email: 'ksiegowa@example.com', roles: ['billing'] });
  clerk = await login(slug, 'bok@example.com');
  billing = await login(slug, 'ksiegowa@example.com');
}, 120_000);

afterAll(() => t?.close());

describe('meter exchange', () => {
  it('refuses every bad input with its code and writes nothing', async () => {
    const before = await counts();
    const cases: [Record<string, unknown>, number, string][] = [
      [{ ...good, date: '2026-02-30' }, 400, 'meter.exchange_date_invalid'],
      [{ ...good, date: '2099-01-01' }, 400, 'meter.exchange_in_future'],
      [{ ...good, date: '2023-12-31' }, 400, 'meter.exchange_before_installation'],
      [{ ...good, date: '2026-09-29' }, 400, 'meter.exchange_before_last_reading'],
      [{ ...good, finalReading: '104.2501' }, 400, 'meter.final_reading_invalid'],
      [{ ...good, finalReading: '102,999' }, 400, 'meter.final_reading_lower'],
      [{ ...good, newInitialReading: '-1' }, 400, 'meter.initial_reading_invalid'],
      [{ ...good, newSerial: ' ' }, 400, 'meter.serial_invalid'],
      [{ ...good, newSerial: 'old-0001' }, 409, 'meter.serial_taken'],
      [{ ...good, newLegalizationValidUntil: '2026-10-10' }, 400, 'meter.legalization_invalid'],
      [{ ...good, extra: 1 }, 400, 'request.unknown_field'],
    ];
    for (const [body, status, code] of cases) {
      const res = await clerk.post(`/api/staff/meters/${meterId}/exchange`, body);
      expect([res.statusCode, res.json().error?.code], JSON.stringify(body)).toEqual([status, code]);
      expect(res.json().error.messages.pl).toBeTruthy();
    }
    expect((await clerk.post('/api/staff/meters/999999/exchange', good)).statusCode).toBe(404);
    expect((await billing.post(`/api/staff/meters/${meterId}/exchange`, good)).statusCode).toBe(403);
    expect(await counts()).toEqual(before);
  });

  it('removes the old meter with its final register and installs the new one with the radio module', async () => {
    const before = await counts();
    const res = await clerk.post(`/api/staff/meters/${meterId}/exchange`, good);
    expect(res.statusCode, res.body).toBe(201);
    const newId = res.json().newMeterId;
    expect(await counts()).toEqual({ meters: before.meters + 1, readings: before.readings + 2, audit: before.audit + 1 });
    const old = (await clerk.get(`/api/staff/meters/${meterId}`)).json();
    expect(old).toMatchObject({ serialNumber: 'OLD-0001', removedOn: '2026-10-10', finalReading: '104.250', radio: false, replacedBy: { id: newId, serialNumber: 'NW-2026-001' } });
    const fresh = (await clerk.get(`/api/staff/meters/${newId}`)).json();
    expect(fresh).toMatchObject({ serialNumber: 'NW-2026-001', role: 'main', installedOn: '2026-10-10', removedOn: null, legalizationValidUntil: '2031-10-10', diameterMm: 15, radio: true, lastReading: { day: '2026-10-10', valueM3: '0.000' } });
    expect(fresh.servicePoint).toEqual(old.servicePoint);
    const radioOn = await t.database.db.selectFrom('meters').select('id').where('radio_module_id', '=', radioId).execute();
    expect(radioOn.map((r) => Number(r.id))).toEqual([newId]);
    const history = (await clerk.get(`/api/staff/meters/${meterId}/readings`)).json().items;
    expect(history[0]).toMatchObject({ valueM3: '104.250', source: 'removal' });
    // Done once: the same meter again is a conflict.
    const again = await clerk.post(`/api/staff/meters/${meterId}/exchange`, { ...good, newSerial: 'NW-2026-002' });
    expect([again.statusCode, again.json().error.code]).toEqual([409, 'meter.already_removed']);
  });

  it('bills the period across the exchange: old final − opening + new closing − initial', async () => {
    const fresh = await t.database.db.selectFrom('meters').select('id').where('serial_number', '=', 'NW-2026-001').executeTakeFirstOrThrow();
    await t.database.db.insertInto('readings').values({ utility_id: utilityId, meter_id: fresh.id, read_at: '2026-10-31T12:00:00+01:00', value_m3: '2.500', source: 'reader' }).execute();
    const runId = await withTenant(t.database.db, { utilityId }, (tx) => createPreviewRun(tx, utilityId, { period: PERIOD, selection: {} }));
    const item = await t.database.db
      .selectFrom('billing_run_items')
      .select(['status', 'hold_code', sql<string>`draft::text`.as('draft')])
      .where('run_id', '=', runId)
      .where('contract_id', '=', contractId)
      .executeTakeFirstOrThrow();
    expect([item.status, item.hold_code]).toEqual(['billable', null]);
    const draft = JSON.parse(item.draft) as InvoiceDocument;
    // 104.250 − 100.000 on the old meter + 2.500 − 0 on the new one = 6.750 m³, split by the tariff change on 1 October.
    const water = draft.lines.filter((l) => l.name.startsWith('Dostawa wody')).reduce((s, l) => s + l.quantity, 0);
    expect(water).toBe(6_750);
    expect(draft.readings.map((r) => [r.meterSerial, r.opening.value, r.closing.value])).toEqual([
      ['OLD-0001', 100_000, 104_250],
      ['NW-2026-001', 0, 2_500],
    ]);
  });
});
