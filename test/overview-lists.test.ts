/**
 * The staff overview's tiles lead to lists of what they count: every list's
 * total is its tile's figure (meters in service, with a radio module, with
 * legal verification ending within 90 days, readings of the last 30 days),
 * the rows are the right ones, a meter removed or a reading older than 30
 * days is in neither, and a filter that does not exist is a 400.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, createTestApp, type Client, type TestApp } from './support/app.ts';
import { TEST_PASSWORD, buildMeter, buildServicePoint, buildUser, buildUtility } from './support/factories.ts';

let t: TestApp;
let reader: Client;

const daysFromNow = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  t = await createTestApp();
  const u = await buildUtility(t.database);
  const db = t.database.db;
  const radio = await db.insertInto('radio_modules').values({ utility_id: u.id, manufacturer: 'TST', radio_id: '12345678' }).returning('id').executeTakeFirstOrThrow();
  const sp1 = await buildServicePoint(t.database, u.id, { street: 'ul. Lipowa', building: '12', apartment: '3' });
  const sp2 = await buildServicePoint(t.database, u.id, { street: 'ul. Klonowa', building: '4' });
  const soon = await buildMeter(t.database, u.id, sp1.id, { serial_number: 'SOON0001', legalization_valid_until: daysFromNow(30) });
  await buildMeter(t.database, u.id, sp2.id, { serial_number: 'RADIO001', radio_module_id: radio.id, legalization_valid_until: daysFromNow(400) });
  await buildMeter(t.database, u.id, sp2.id, { serial_number: 'GONE0001', removed_on: daysFromNow(-10), legalization_valid_until: daysFromNow(10) });
  await db
    .insertInto('readings')
    .values([
      { utility_id: u.id, meter_id: soon.id, read_at: new Date(Date.now() - 2 * 86_400_000), value_m3: '120.500', source: 'customer' },
      { utility_id: u.id, meter_id: soon.id, read_at: new Date(Date.now() - 60 * 86_400_000), value_m3: '110.000', source: 'reader' },
    ])
    .execute();
  await buildUser(t.database, u.id, { kind: 'staff', email: 'inkasent@test.example', roles: ['meter_reader'] });
  reader = client(t.app, u.slug);
  expect((await reader.post('/api/auth/login', { email: 'inkasent@test.example', password: TEST_PASSWORD })).statusCode).toBe(200);
}, 120_000);

afterAll(() => t?.close());

describe('staff overview lists', () => {
  it('list exactly what each tile counts', async () => {
    const o = (await reader.get('/api/staff/overview')).json();
    const all = (await reader.get('/api/staff/overview/meters')).json();
    const radio = (await reader.get('/api/staff/overview/meters?filter=radio')).json();
    const due = (await reader.get('/api/staff/overview/meters?filter=legalization')).json();
    const readings = (await reader.get('/api/staff/overview/readings')).json();
    expect([all.total, radio.total, due.total, readings.total]).toEqual([o.meters, o.radioMeters, o.legalizationDueIn90Days, o.readingsLast30Days]);
    expect(all.items.map((m: { serialNumber: string }) => m.serialNumber)).toEqual(['RADIO001', 'SOON0001']);
    expect(radio.items).toEqual([expect.objectContaining({ serialNumber: 'RADIO001', radio: true })]);
    expect(due.items).toEqual([
      expect.objectContaining({ serialNumber: 'SOON0001', legalizationValidUntil: daysFromNow(30), servicePoint: expect.objectContaining({ address: 'ul. Lipowa 12/3, 00-001 Wodnikowo' }) }),
    ]);
    expect(readings.items).toEqual([expect.objectContaining({ meterSerial: 'SOON0001', valueM3: '120.500', source: 'customer' })]);
  });

  it('pages, and refuses a filter that does not exist', async () => {
    const first = (await reader.get('/api/staff/overview/meters?limit=1')).json();
    const second = (await reader.get('/api/staff/overview/meters?limit=1&offset=1')).json();
    const past = (await reader.get('/api/staff/overview/meters?limit=1&offset=5')).json();
    expect([first.total, second.total, past.total]).toEqual([2, 2, 2]);
    expect([first.items[0].serialNumber, second.items[0].serialNumber, past.items.length]).toEqual(['RADIO001', 'SOON0001', 0]);
    const bad = await reader.get('/api/staff/overview/meters?filter=broken');
    expect(bad.statusCode).toBe(400);
  });

  it('gives the whole list as CSV for a spreadsheet, and refuses a filter that does not exist', async () => {
    const res = await reader.get('/api/staff/overview/meters/csv?filter=legalization');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="wodomierze-legalization.csv"');
    const pl = (iso: string) => iso.split('-').reverse().join('.');
    const [soon] = (await reader.get('/api/staff/overview/meters?filter=legalization')).json().items;
    expect(res.body).toBe(
      '\uFEFFNumer wodomierza;Rodzaj;Nakładka radiowa;Legalizacja ważna do;Zamontowany;Punkt poboru;Adres\r\n' +
        `SOON0001;główny;nie;${pl(daysFromNow(30))};${pl(soon.installedOn)};${soon.servicePoint.code};ul. Lipowa 12/3, 00-001 Wodnikowo\r\n`,
    );
    const all = await reader.get('/api/staff/overview/meters/csv');
    expect(all.body.split('\r\n').filter(Boolean).length).toBe(3); // the header and the two meters in service
    expect((await reader.get('/api/staff/overview/meters/csv?filter=broken')).statusCode).toBe(400);
  });
});
