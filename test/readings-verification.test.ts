/**
 * Issue 13, contracts and readings: a customer submits readings (with a
 * photo, refused bad input, a jump confirmed and held), staff verify them in
 * the queue (accept, correct, reject, each audited), the customer sees the
 * result; the consumption analysis of a contract and its CSV. On PGlite and,
 * with TEST_DATABASE_URL, on PostgreSQL.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedUtility } from '../src/modules/demo/seed.ts';
import { client, createTestApp, type Client, type TestApp } from './support/app.ts';

const PASSWORD = 'Wodnik-Demo-2026';
let t: TestApp;
let zgk: number;
let anna: Client;
let bok: Client;
let customerId: number;
let house: { id: number; meters: { id: number; role: string; judgeBasis: { valueM3: string }; inService: boolean }[] };
let mainMeterId: number;

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(200)]);

function form(fields: Record<string, string>, file?: { name: string; bytes: Buffer; field?: string }) {
  const boundary = `----wodnik${randomBytes(8).toString('hex')}`;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  if (file) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${file.field ?? 'photo'}"; filename="${file.name}"\r\nContent-Type: image/jpeg\r\n\r\n`), file.bytes, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

async function login(email: string): Promise<Client> {
  const c = client(t.app, 'zgk-demo');
  const res = await c.post('/api/auth/login', { email, password: PASSWORD });
  expect(res.statusCode, res.body).toBe(200);
  return c;
}

const submit = (meterId: number, fields: Record<string, string>, file?: { name: string; bytes: Buffer; field?: string }) => {
  const f = form(fields, file);
  return anna.request('POST', `/api/customers/${customerId}/meters/${meterId}/readings`, f.body, f.headers);
};
const readingCount = async () => Number((await sql<{ n: string }>`select count(*)::text as n from readings where meter_id = ${mainMeterId}`.execute(t.database.db)).rows[0].n);
const plus = (m3: string, add: number) => (Number(m3) + add).toFixed(3);

beforeAll(async () => {
  t = await createTestApp();
  zgk = (await seedUtility(t.database, { slug: 'zgk-demo', customers: 30, config: t.config, now: new Date() })).utilityId;
  anna = await login('anna.kowalska@example.com');
  bok = await login('bok@zgk-demo.example');
  const res = await anna.get('/api/portal/contracts');
  expect(res.statusCode, res.body).toBe(200);
  const me = res.json().customers[0];
  customerId = me.id;
  house = me.contracts.find((k: { kind: string }) => k.kind === 'water_sewage');
  mainMeterId = house.meters.find((m) => m.role === 'main')!.id;
}, 180_000);

afterAll(() => t?.close());

describe('the contracts page', () => {
  it('lists contracts with service points and meters in full', async () => {
    const main = house.meters.find((m) => m.id === mainMeterId) as unknown as Record<string, unknown>;
    expect(main).toMatchObject({ role: 'main', radio: true, inService: true, serialNumber: expect.any(String), installedOn: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
    expect(main.legalizationValidUntil).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(main.avgDailyM3).toBeGreaterThan(0);
  });
});

describe('submitting a reading', () => {
  it('refuses letters, a value below the last reading, a wrong or too large photo, saving nothing', async () => {
    const before = await readingCount();
    const last = house.meters.find((m) => m.id === mainMeterId)!.judgeBasis.valueM3;
    let r = await submit(mainMeterId, { value: '12a' });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.code).toBe('readings.value_invalid');
    expect(r.json().error.messages.pl).toContain('samymi cyframi');
    r = await submit(mainMeterId, { value: plus(last, -1) });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.code).toBe('readings.below_last');
    r = await submit(mainMeterId, { value: plus(last, 0.5) }, { name: 'a.pdf', bytes: Buffer.from('%PDF-1.7 not a photo') });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.code).toBe('readings.photo_type');
    r = await submit(mainMeterId, { value: plus(last, 0.5) }, { name: 'big.jpg', bytes: Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(50 * 1024 * 1024)]) });
    expect(r.statusCode).toBe(413);
    expect(r.json().error.code).toBe('readings.photo_too_large');
    r = await anna.post(`/api/customers/${customerId}/meters/${mainMeterId}/readings`, { value: '1' });
    expect(r.statusCode).toBe(400);
    expect(await readingCount()).toBe(before);
  }, 60_000);

  it('stores a plausible reading with its photo as accepted, and audits it', async () => {
    const last = house.meters.find((m) => m.id === mainMeterId)!.judgeBasis.valueM3;
    const r = await submit(mainMeterId, { value: plus(last, 0.25).replace('.', ',') }, { name: 'licznik.png', bytes: PNG });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json()).toMatchObject({ status: 'accepted', valueM3: plus(last, 0.25), statusReason: null });
    const row = await sql<{ content_type: string; source: string }>`select f.content_type, r.source from readings r join files f on f.id = r.photo_file_id where r.id = ${r.json().id}`.execute(t.database.db);
    expect(row.rows[0]).toEqual({ content_type: 'image/png', source: 'customer' });
    const audit = await sql<{ n: string }>`select count(*)::text as n from audit_log where action = 'reading.submit' and entity_id = ${String(r.json().id)}`.execute(t.database.db);
    expect(audit.rows[0].n).toBe('1');
  });

  it('asks to confirm a jump, then holds it for verification', async () => {
    const basis = (await anna.get('/api/portal/contracts')).json().customers[0].contracts.find((k: { id: number }) => k.id === house.id).meters.find((m: { id: number }) => m.id === mainMeterId).judgeBasis.valueM3;
    let r = await submit(mainMeterId, { value: plus(basis, 900) });
    expect(r.statusCode).toBe(409);
    expect(r.json().error).toMatchObject({ code: 'readings.confirm_jump', details: { needsConfirmation: true } });
    r = await submit(mainMeterId, { value: plus(basis, 900), confirm: 'true' });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json().status).toBe('pending');
    expect(r.json().statusReason).toContain('czeka na weryfikację');
  });

  it("refuses a closed contract's meter (4xx) and another customer's meter (404)", async () => {
    const other = await sql<{ id: number }>`select m.id from meters m join contracts k on k.service_point_id = m.service_point_id
      where k.utility_id = ${zgk} and k.customer_id <> ${customerId} order by m.id limit 1`.execute(t.database.db);
    let r = await submit(other.rows[0].id, { value: '1' });
    expect(r.statusCode).toBe(404);
    const allot = (await anna.get('/api/portal/contracts')).json().customers[0].contracts.find((k: { id: number; kind: string }) => k.id !== house.id);
    await sql`update contracts set status = 'ended', valid_to = current_date - 1 where id = ${allot.id}`.execute(t.database.db);
    try {
      const meterId = allot.meters[0].id;
      r = await submit(meterId, { value: '99999' });
      expect(r.statusCode).toBe(409);
      expect(r.json().error.code).toBe('readings.contract_closed');
      const page = (await anna.get('/api/portal/contracts')).json().customers[0].contracts.find((k: { id: number }) => k.id === allot.id);
      expect(page).toMatchObject({ open: false });
      expect(page.meters[0].inService).toBe(false);
    } finally {
      await sql`update contracts set status = 'active', valid_to = null where id = ${allot.id}`.execute(t.database.db);
    }
  });
});

describe('the verification queue', () => {
  const pendingOfMeter = async () => {
    const r = await bok.get('/api/staff/verification?source=customer&limit=100');
    expect(r.statusCode, r.body).toBe(200);
    return r.json().items.filter((i: { meterId: number }) => i.meterId === mainMeterId);
  };

  it('is for customer service, billing and admin (the auditor reads), not meter readers', async () => {
    const reader = await login('inkasent@zgk-demo.example');
    expect((await reader.get('/api/staff/verification')).statusCode).toBe(403);
    const auditor = await login('audytor@zgk-demo.example');
    expect((await auditor.get('/api/staff/verification')).statusCode).toBe(200);
    const [item] = await pendingOfMeter();
    expect((await auditor.post(`/api/staff/readings/${item.id}/verification`, { decision: 'accept', reason: 'x' })).statusCode).toBe(403);
  });

  it('shows the held reading with the previous one and the customer; accepting needs a reason and is audited', async () => {
    const [item] = await pendingOfMeter();
    expect(item).toMatchObject({ source: 'customer', customer: { id: customerId }, previous: { valueM3: expect.any(String) } });
    let r = await bok.post(`/api/staff/readings/${item.id}/verification`, { decision: 'accept', reason: '   ' });
    expect(r.statusCode).toBe(400);
    r = await bok.post(`/api/staff/readings/${item.id}/verification`, { decision: 'accept', reason: 'Zdjęcie potwierdza stan; wyciek usunięty.' });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ status: 'accepted', newReadingId: null });
    r = await bok.post(`/api/staff/readings/${item.id}/verification`, { decision: 'reject', reason: 'drugi raz' });
    expect(r.statusCode).toBe(409);
    expect(r.json().error.code).toBe('verification.not_pending');
    const audit = await sql<{ data: { reason: string } }>`select data from audit_log where action = 'reading.accept' and entity_id = ${String(item.id)}`.execute(t.database.db);
    expect(audit.rows[0].data.reason).toBe('Zdjęcie potwierdza stan; wyciek usunięty.');
    // The customer sees the result with its reason.
    const list = (await anna.get(`/api/customers/${customerId}/readings?meterId=${mainMeterId}&limit=5`)).json().items;
    expect(list.find((x: { id: number }) => x.id === item.id)).toMatchObject({ status: 'accepted', statusReason: 'Zdjęcie potwierdza stan; wyciek usunięty.', verifiedAt: expect.any(String) });
  });

  it('corrects a held reading with a new one (the old kept as rejected), and rejects another', async () => {
    const basis = (await anna.get('/api/portal/contracts')).json().customers[0].contracts.find((k: { id: number }) => k.id === house.id).meters.find((m: { id: number }) => m.id === mainMeterId).judgeBasis.valueM3;
    const held = (await submit(mainMeterId, { value: plus(basis, 2000), confirm: 'true' })).json();
    expect(held.status).toBe('pending');
    let r = await bok.post(`/api/staff/readings/${held.id}/verification`, { decision: 'correct', reason: 'Klient pomylił cyfry.', valueM3: 'abc' });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.code).toBe('readings.value_invalid');
    r = await bok.post(`/api/staff/readings/${held.id}/verification`, { decision: 'correct', reason: 'Klient pomylił cyfry.', valueM3: plus(basis, 2) });
    expect(r.statusCode, r.body).toBe(200);
    const { newReadingId } = r.json();
    const rows = await sql<{ id: number; status: string; source: string; value_m3: string; corrects_reading_id: number | null }>`
      select id, status, source, value_m3::text as value_m3, corrects_reading_id from readings where id in (${held.id}, ${newReadingId}) order by id`.execute(t.database.db);
    expect(rows.rows.map((x) => [x.status, x.source, x.value_m3, x.corrects_reading_id === null ? null : Number(x.corrects_reading_id)])).toEqual([
      ['rejected', 'customer', plus(basis, 2000), null],
      ['accepted', 'staff', plus(basis, 2), held.id],
    ]);
    const list = (await anna.get(`/api/customers/${customerId}/readings?meterId=${mainMeterId}&limit=10`)).json().items;
    expect(list.find((x: { id: number }) => x.id === held.id)).toMatchObject({ status: 'rejected', statusReason: expect.stringContaining('Poprawiono na') });
    expect(list.find((x: { id: number }) => x.id === newReadingId)).toMatchObject({ status: 'accepted', source: 'staff' });

    const again = (await submit(mainMeterId, { value: plus(plus(basis, 2), 3000), confirm: 'true' })).json();
    r = await bok.post(`/api/staff/readings/${again.id}/verification`, { decision: 'reject', reason: 'Stan niemożliwy.' });
    expect(r.statusCode).toBe(200);
    expect((await pendingOfMeter()).length).toBe(0);
  });
});

describe('consumption analysis', () => {
  it('gives months, the daily average, the year before and the cost; refuses a reversed range and others’ contracts', async () => {
    const y = new Date().getFullYear() - 1;
    const r = await anna.get(`/api/customers/${customerId}/consumption?contractId=${house.id}&from=${y}-01-01&to=${y}-12-31`);
    expect(r.statusCode, r.body).toBe(200);
    const a = r.json();
    expect(a.months).toHaveLength(12);
    const sum = a.months.reduce((s: number, m: { usedM3: string }) => s + Math.round(Number(m.usedM3) * 1000), 0);
    expect(sum).toBe(Math.round(Number(a.totalM3) * 1000));
    expect(Number(a.totalM3)).toBeGreaterThan(10);
    expect(a.previousYear).toMatchObject({ from: `${y - 1}-01-01`, to: `${y - 1}-12-31` });
    expect(a.cost.lines.map((l: { item: string }) => l.item)).toEqual(['water', 'sewage']);
    expect(a.cost.grossGrosze).toBe(a.cost.netGrosze + a.cost.vatGrosze);
    const csv = await anna.get(`/api/customers/${customerId}/consumption/csv?contractId=${house.id}&from=${y}-01-01&to=${y}-12-31`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.startsWith('\uFEFFMiesiąc;Zużycie [m³]')).toBe(true);
    expect(csv.body.split('\r\n')).toHaveLength(12 + 3);
    expect((await anna.get(`/api/customers/${customerId}/consumption?contractId=${house.id}&from=${y}-12-31&to=${y}-01-01`)).statusCode).toBe(400);
    const other = await sql<{ id: number }>`select id from contracts where utility_id = ${zgk} and customer_id <> ${customerId} limit 1`.execute(t.database.db);
    expect((await anna.get(`/api/customers/${customerId}/consumption?contractId=${other.rows[0].id}&from=${y}-01-01&to=${y}-12-31`)).statusCode).toBe(404);
  });
});
