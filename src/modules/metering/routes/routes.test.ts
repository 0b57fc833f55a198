/**
 * Reading routes through the HTTP API: building in walking order,
 * assignment rules, progress after readings appear, the reader's own view,
 * idempotent re-sends, photo checks and bad input (PL/EN). Each test builds
 * its own utility (streets, meters, staff) and the routes it needs, so any
 * test runs alone or in any order.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../../db/tenant.ts';
import { createSession } from '../../identity/sessions.ts';
import { client, createTestApp, type Client, type TestApp } from '../../../../test/support/app.ts';
import { buildMeter, buildServicePoint, buildUser, buildUtility } from '../../../../test/support/factories.ts';
import { addDays, localDate } from './period.ts';

let t: TestApp;
const today = localDate(new Date());
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(200, 7)]);

beforeAll(async () => {
  t = await createTestApp();
});

afterAll(() => t?.close());

/** One utility of a test's own: its ids, and signed-in clients of its staff. */
interface World {
  utilityId: number;
  ids: Record<string, number>;
  admin: Client;
  reader1: Client;
  reader2: Client;
  billing: Client;
}

/**
 * A fresh utility: in Wodnikowo, ul. Lipowa (numbers out of insertion order,
 * route_order along the street) and ul. Akacjowa (7 has no meter: not a
 * stop); ul. Lipowa 3 in Kołowo; lip2's meter has a radio module; lip30 also
 * has an old, removed meter. Staff: an admin, two meter readers, a billing clerk.
 */
async function world(): Promise<World> {
  const db = t.database;
  const u = await buildUtility(db);
  const ids: Record<string, number> = {};
  const sp = async (key: string, street: string, building: string, routeOrder: number, locality = 'Wodnikowo') => {
    ids[key] = (await buildServicePoint(db, u.id, { street, building, route_order: routeOrder, locality })).id;
  };
  await sp('lip10', 'ul. Lipowa', '10', 1);
  await sp('lip2', 'ul. Lipowa', '2', 1);
  await sp('lip10a', 'ul. Lipowa', '10A', 1);
  await sp('lip30', 'ul. Lipowa', '30', 0);
  await sp('aka5', 'ul. Akacjowa', '5', 0);
  await sp('empty', 'ul. Akacjowa', '7', 1);
  await sp('far', 'ul. Lipowa', '3', 0, 'Kołowo');
  const radio = await db.db.insertInto('radio_modules').values({ utility_id: u.id, manufacturer: 'APA', radio_id: '12345678' }).returning('id').executeTakeFirstOrThrow();
  for (const key of ['lip10', 'lip2', 'lip10a', 'lip30', 'aka5', 'far']) {
    const m = await buildMeter(db, u.id, ids[key]!, { initial_reading: '100.000', installed_on: '2024-01-01', radio_module_id: key === 'lip2' ? radio.id : null });
    ids[`m_${key}`] = m.id;
  }
  await buildMeter(db, u.id, ids.lip30!, { installed_on: '2020-01-01', removed_on: '2023-12-31' });
  const staff = {
    admin: await buildUser(db, u.id, { kind: 'staff', roles: ['admin'] }),
    reader1: await buildUser(db, u.id, { kind: 'staff', roles: ['meter_reader'] }),
    reader2: await buildUser(db, u.id, { kind: 'staff', roles: ['meter_reader'] }),
    billing: await buildUser(db, u.id, { kind: 'staff', roles: ['billing'] }),
  };
  for (const [k, user] of Object.entries(staff)) ids[k] = user.id;
  /** A logged-in browser-like client for a user (sessions made directly: login is another module's). */
  const sessionFor = async (userId: number): Promise<Client> => {
    const s = await withTenant(db.db, { utilityId: u.id }, (tx) => createSession(tx, { utilityId: u.id, userId, mfaPassed: true }));
    const c = client(t.app, u.slug);
    c.cookies.wodnik_session = s.token;
    c.cookies.wodnik_csrf = s.csrfToken;
    return c;
  };
  return {
    utilityId: u.id,
    ids,
    admin: await sessionFor(staff.admin.id),
    reader1: await sessionFor(staff.reader1.id),
    reader2: await sessionFor(staff.reader2.id),
    billing: await sessionFor(staff.billing.id),
  };
}

/** The route 'Lipowa i Akacjowa' (5 stops: Lipowa 30, 2, 10, 10A, Akacjowa 5), made by the admin. */
async function lipowaRoute(w: World): Promise<number> {
  const res = await w.admin.post('/api/staff/routes', { name: 'Lipowa i Akacjowa', locality: 'Wodnikowo', streets: ['ul. Lipowa', 'ul. Akacjowa'] });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

/** The one-stop route 'Reszta' (Kołowo). */
async function otherRoute(w: World): Promise<number> {
  const res = await w.admin.post('/api/staff/routes', { name: 'Reszta', servicePointIds: [w.ids.far] });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

/** Assigns a route to a reader from two days ago to five days ahead (or the period given). */
async function assign(w: World, routeId: number, reader: 'reader1' | 'reader2', from = addDays(today, -2), to = addDays(today, 5)): Promise<number> {
  const res = await w.admin.post(`/api/staff/routes/${routeId}/assign`, { readerId: w.ids[reader], periodFrom: from, periodTo: to });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

/** The route 'Lipowa i Akacjowa' assigned to the first reader for today. */
async function assignedRoute(w: World): Promise<{ route: number; assignment: number }> {
  const route = await lipowaRoute(w);
  return { route, assignment: await assign(w, route, 'reader1') };
}

const reading = (meterId: number, valueM3: string, over: Record<string, unknown> = {}) => ({
  clientId: randomUUID(),
  meterId,
  valueM3,
  readAt: new Date().toISOString(),
  ...over,
});

const readerReadings = (w: World) => t.database.db.selectFrom('readings').selectAll().where('utility_id', '=', w.utilityId).where('source', '=', 'reader').orderBy('id').execute();

describe('building routes', () => {
  it('offers localities and streets', async () => {
    const w = await world();
    const res = await w.billing.get('/api/staff/routes/streets');
    expect(res.statusCode).toBe(200);
    const localities = res.json().localities;
    expect(localities.map((l: { locality: string }) => l.locality).sort()).toEqual(['Kołowo', 'Wodnikowo']);
    const wodnikowo = localities.find((l: { locality: string }) => l.locality === 'Wodnikowo');
    expect(wodnikowo.streets.map((s: { street: string }) => s.street)).toEqual(['ul. Akacjowa', 'ul. Lipowa']);
  });

  it('previews the stops of named streets in walking order', async () => {
    const { admin, ids } = await world();
    const res = await admin.post('/api/staff/routes/preview', { locality: 'wodnikowo', streets: ['ul. Lipowa', 'ul. Akacjowa'] });
    expect(res.statusCode, res.body).toBe(200);
    const stops = res.json().stops;
    // Lipowa by route_order (30 first: position 0), then 2, 10, 10A; then Akacjowa 5 (7 has no meter); Kołowo not included.
    expect(stops.map((s: { servicePointId: number }) => s.servicePointId)).toEqual([ids.lip30, ids.lip2, ids.lip10, ids.lip10a, ids.aka5]);
    expect(stops[0].meters).toEqual([{ id: ids.m_lip30, serialNumber: expect.any(String), radio: false }]);
    expect(stops[1].meters[0].radio).toBe(true);
  });

  it('keeps only radio meters when asked, and an explicit list in its own order', async () => {
    const { admin, ids } = await world();
    const radioOnly = await admin.post('/api/staff/routes/preview', { locality: 'Wodnikowo', onlyRadio: true });
    expect(radioOnly.json().stops.map((s: { servicePointId: number }) => s.servicePointId)).toEqual([ids.lip2]);
    const list = await admin.post('/api/staff/routes/preview', { servicePointIds: [ids.far, ids.aka5, ids.lip30] });
    expect(list.json().stops.map((s: { servicePointId: number }) => s.servicePointId)).toEqual([ids.far, ids.aka5, ids.lip30]);
  });

  it('creates a route and shows it with stops and empty progress', async () => {
    const w = await world();
    // A meter reader may build routes too.
    const res = await w.reader1.post('/api/staff/routes', { name: 'Lipowa i Akacjowa', locality: 'Wodnikowo', streets: ['ul. Lipowa', 'ul. Akacjowa'] });
    expect(res.statusCode, res.body).toBe(201);
    const route = res.json();
    expect(route.stops).toHaveLength(5);
    expect(route.stops.map((s: { position: number }) => s.position)).toEqual([1, 2, 3, 4, 5]);
    expect(route.progress).toEqual({ total: 5, read: 0, missing: 5, alarm: 0 });
    const list = await w.billing.get('/api/staff/routes');
    expect(list.json().items).toEqual([expect.objectContaining({ id: route.id, name: 'Lipowa i Akacjowa', stopCount: 5, currentAssignment: null })]);
  });

  it('refuses bad selections with clear errors in Polish and English', async () => {
    const w = await world();
    const { admin, ids } = w;
    await lipowaRoute(w);
    const cases: [unknown, number, string][] = [
      [{ name: 'X' }, 400, 'route.selection_missing'],
      [{ name: 'X', locality: 'Wodnikowo', servicePointIds: [ids.lip30] }, 400, 'route.selection_ambiguous'],
      [{ name: 'X', locality: 'Wodnikowo', streets: ['ul. Nieznana'] }, 400, 'route.unknown_street'],
      [{ name: 'X', servicePointIds: [ids.lip30, 999999] }, 400, 'route.unknown_service_point'],
      [{ name: 'X', servicePointIds: [ids.empty] }, 400, 'route.stop_without_meter'],
      [{ name: 'X', servicePointIds: [ids.lip30, ids.lip30] }, 400, 'route.duplicate_stop'],
      [{ name: 'X', locality: 'Atlantyda' }, 400, 'route.no_stops'],
      [{ name: 'lipowa I AKACJOWA', locality: 'Wodnikowo' }, 409, 'route.name_taken'],
      [{ name: 'X', locality: 'Wodnikowo', colour: 'red' }, 400, 'request.unknown_field'],
      [{ name: '', locality: 'Wodnikowo' }, 400, 'request.invalid'],
    ];
    for (const [body, status, code] of cases) {
      const res = await admin.post('/api/staff/routes', body);
      expect(res.statusCode, `${JSON.stringify(body)}: ${res.body}`).toBe(status);
      const err = res.json().error;
      expect(err.code).toBe(code);
      expect(err.messages.pl.length).toBeGreaterThan(5);
      expect(err.messages.en.length).toBeGreaterThan(5);
      expect(err.message).toBe(err.messages.pl);
    }
    const en = await admin.request('POST', '/api/staff/routes', { name: 'X', locality: 'Wodnikowo', streets: ['ul. Nieznana'] }, { 'accept-language': 'en' });
    expect(en.json().error.message).toContain('No service points in Wodnikowo');
    // Nothing refused was stored.
    const names = (await admin.get('/api/staff/routes')).json().items.map((r: { name: string }) => r.name);
    expect(names).toEqual(['Lipowa i Akacjowa']);
  });

  it('lets only admins and meter readers edit', async () => {
    const { billing } = await world();
    const res = await billing.post('/api/staff/routes', { name: 'Billing', locality: 'Wodnikowo' });
    expect(res.statusCode).toBe(403);
    expect((await billing.get('/api/staff/routes')).json().items).toEqual([]);
  });
});

describe('assignments', () => {
  it('assigns only to active meter readers for a valid period', async () => {
    const w = await world();
    const { admin, ids } = w;
    const route = await lipowaRoute(w);
    const other = await otherRoute(w);
    const url = `/api/staff/routes/${route}/assign`;
    const bad: [unknown, number, string][] = [
      [{ readerId: ids.billing, periodFrom: today, periodTo: today }, 400, 'route.not_a_reader'],
      [{ readerId: 999999, periodFrom: today, periodTo: today }, 400, 'route.not_a_reader'],
      [{ readerId: ids.reader1, periodFrom: addDays(today, 3), periodTo: today }, 400, 'route.period_reversed'],
      [{ readerId: ids.reader1, periodFrom: '2026-02-30', periodTo: '2026-03-02' }, 400, 'request.invalid'], // refused by the schema's strict date format
      [{ readerId: ids.reader1, periodFrom: addDays(today, -40), periodTo: addDays(today, -10) }, 400, 'route.period_past'],
      [{ readerId: ids.reader1, periodFrom: today, periodTo: addDays(today, 400) }, 400, 'route.period_too_long'],
      [{ readerId: ids.reader1, periodFrom: 'jutro', periodTo: today }, 400, 'request.invalid'],
    ];
    for (const [body, status, code] of bad) {
      const res = await admin.post(url, body);
      expect(res.statusCode, `${JSON.stringify(body)}: ${res.body}`).toBe(status);
      expect(res.json().error.code).toBe(code);
    }
    const ok = await admin.post(url, { readerId: ids.reader1, periodFrom: addDays(today, -2), periodTo: addDays(today, 5) });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json()).toMatchObject({ readerId: ids.reader1, periodFrom: addDays(today, -2), periodTo: addDays(today, 5) });
    const overlap = await admin.post(url, { readerId: ids.reader2, periodFrom: addDays(today, 5), periodTo: addDays(today, 9) });
    expect(overlap.statusCode).toBe(409);
    expect(overlap.json().error.code).toBe('route.assignment_overlap');
    const later = await admin.post(url, { readerId: ids.reader2, periodFrom: addDays(today, 6), periodTo: addDays(today, 9) });
    expect(later.statusCode).toBe(201);
    const missing = await admin.post('/api/staff/routes/999999/assign', { readerId: ids.reader1, periodFrom: today, periodTo: today });
    expect(missing.statusCode).toBe(404);
    const second = await admin.post(`/api/staff/routes/${other}/assign`, { readerId: ids.reader2, periodFrom: today, periodTo: today });
    expect(second.statusCode).toBe(201);
  });

  it('lists the meter readers to choose from', async () => {
    const { billing, ids } = await world();
    const res = await billing.get('/api/staff/routes/readers');
    expect(res.json().items.map((r: { id: number }) => r.id).sort((a: number, b: number) => a - b)).toEqual([ids.reader1!, ids.reader2!].sort((a, b) => a - b));
  });
});

describe("the reader's view", () => {
  it("shows a reader only today's own routes", async () => {
    const w = await world();
    const { route, assignment } = await assignedRoute(w);
    const other = await otherRoute(w);
    await assign(w, other, 'reader2', today, today);
    const mine = await w.reader1.get('/api/reader/routes');
    expect(mine.statusCode).toBe(200);
    expect(mine.json().items).toEqual([expect.objectContaining({ id: route, assignmentId: assignment, progress: { total: 5, read: 0, missing: 5, alarm: 0 } })]);
    const theirs = await w.reader2.get('/api/reader/routes');
    expect(theirs.json().items.map((r: { id: number }) => r.id)).toEqual([other]);
    const refused = await w.reader2.get(`/api/reader/routes/${route}`);
    expect(refused.statusCode).toBe(404);
    expect(refused.json().error.code).toBe('route.not_assigned');
    const post = await w.reader2.post(`/api/reader/routes/${route}/readings`, { readings: [reading(w.ids.m_lip30!, '101')] });
    expect(post.statusCode).toBe(400);
    expect(post.json().error.code).toBe('reader.outside_assignment');
    expect((await w.billing.get('/api/reader/routes')).statusCode).toBe(403);
  });

  it('lists stops in order with serials, last readings and heard flags', async () => {
    const w = await world();
    const { ids } = w;
    const { route } = await assignedRoute(w);
    // The radio meter was heard yesterday; another meter read remotely long ago.
    await t.database.db
      .insertInto('readings')
      .values([
        { utility_id: w.utilityId, meter_id: ids.m_lip2!, read_at: new Date(Date.now() - 86_400_000), value_m3: '120.500', source: 'remote' },
        { utility_id: w.utilityId, meter_id: ids.m_lip10!, read_at: new Date('2025-01-10T10:00:00Z'), value_m3: '110.000', source: 'remote' },
      ])
      .execute();
    const res = await w.reader1.get(`/api/reader/routes/${route}`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.stops.map((s: { servicePointId: number }) => s.servicePointId)).toEqual([ids.lip30, ids.lip2, ids.lip10, ids.lip10a, ids.aka5]);
    const [first, second, third] = body.stops;
    expect(first.meters).toHaveLength(1); // the removed meter is not listed
    expect(first.meters[0]).toMatchObject({ id: ids.m_lip30, heard: false, read: false, lastReading: null });
    expect(second.meters[0]).toMatchObject({ heard: true, read: true, radio: true, radioId: '12345678', lastReading: { valueM3: '120.500', source: 'remote' } });
    expect(second.status).toBe('read');
    expect(third.meters[0]).toMatchObject({ heard: false, read: false, lastReading: { valueM3: '110.000' } });
    expect(body.progress).toEqual({ total: 5, read: 1, missing: 4, alarm: 0 });
  });

  it('stores manual readings once, however often a batch is re-sent', async () => {
    const w = await world();
    const { ids } = w;
    const { route } = await assignedRoute(w);
    const batch = [reading(ids.m_lip30!, '101,25'), reading(ids.m_lip10!, '112.5', { photo: `data:image/jpeg;base64,${JPEG.toString('base64')}` })];
    const first = await w.reader1.post(`/api/reader/routes/${route}/readings`, { readings: batch });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json().results.map((r: { status: string; duplicate: boolean }) => [r.status, r.duplicate])).toEqual([
      ['accepted', false],
      ['accepted', false],
    ]);
    const again = await w.reader1.post(`/api/reader/routes/${route}/readings`, { readings: [...batch, reading(ids.m_lip10a!, '100.001')] });
    expect(again.statusCode, again.body).toBe(200);
    const results = again.json().results;
    expect(results.map((r: { duplicate: boolean }) => r.duplicate)).toEqual([true, true, false]);
    expect(results[0].readingId).toBe(first.json().results[0].readingId);
    const stored = await readerReadings(w);
    expect(stored.map((r) => [r.meter_id, r.value_m3, r.submitted_by])).toEqual([
      [ids.m_lip30, '101.250', ids.reader1],
      [ids.m_lip10, '112.500', ids.reader1],
      [ids.m_lip10a, '100.001', ids.reader1],
    ]);
    const photo = await t.database.db.selectFrom('files').selectAll().where('id', '=', stored[1]!.photo_file_id!).executeTakeFirstOrThrow();
    expect(photo.content_type).toBe('image/jpeg');
    expect(Buffer.from(photo.data).equals(JPEG)).toBe(true);
    // Staff verifying the reading see the photo; a reading without one has none.
    const shown = await w.billing.get(`/api/staff/readings/${stored[1]!.id}/photo`);
    expect(shown.statusCode).toBe(200);
    expect(shown.headers['content-type']).toBe('image/jpeg');
    expect(shown.rawPayload.equals(JPEG)).toBe(true);
    expect((await w.billing.get(`/api/staff/readings/${stored[0]!.id}/photo`)).json().error.code).toBe('reading.photo_not_found');
    const detail = (await w.billing.get(`/api/staff/routes/${route}`)).json();
    const lip10 = detail.stops.find((x: { servicePointId: number }) => x.servicePointId === ids.lip10);
    expect(lip10.meters[0].lastReading).toMatchObject({ id: stored[1]!.id, valueM3: '112.500', source: 'reader', photo: true });
    // Another user cannot claim the same client id for something else.
    const stolen = await w.admin.post(`/api/reader/routes/${route}/readings`, { readings: [{ ...batch[0] }] });
    expect(stolen.statusCode).toBe(409);
    expect(stolen.json().error.code).toBe('reader.client_id_reused');
  });

  it('holds a lower or far-too-high reading for verification', async () => {
    const w = await world();
    const { ids } = w;
    const { route } = await assignedRoute(w);
    // lip2 was heard yesterday at 120.500; lip10a used almost nothing over the last month: 100.000 a month ago, 100.001 an hour ago.
    await t.database.db
      .insertInto('readings')
      .values([
        { utility_id: w.utilityId, meter_id: ids.m_lip2!, read_at: new Date(Date.now() - 86_400_000), value_m3: '120.500', source: 'remote' },
        { utility_id: w.utilityId, meter_id: ids.m_lip10a!, read_at: new Date(Date.now() - 30 * 86_400_000), value_m3: '100.000', source: 'remote' },
        { utility_id: w.utilityId, meter_id: ids.m_lip10a!, read_at: new Date(Date.now() - 3_600_000), value_m3: '100.001', source: 'remote' },
      ])
      .execute();
    const res = await w.reader1.post(`/api/reader/routes/${route}/readings`, {
      readings: [
        reading(ids.m_lip2!, '119.000'),
        reading(ids.m_aka5!, '99.5'),
        reading(ids.m_lip10a!, '150'),
        // A moment later (one reading per meter, time and source).
        reading(ids.m_lip10a!, '100.2', { readAt: new Date(Date.now() + 1000).toISOString() }),
      ],
    });
    expect(res.statusCode, res.body).toBe(200);
    const results = res.json().results;
    expect(results.map((r: { status: string }) => r.status)).toEqual(['pending', 'pending', 'pending', 'accepted']);
    expect(results[0].reason).toMatch(/lower than the last reading \(120\.500/);
    expect(results[1].reason).toMatch(/lower than the last reading \(100\.000/);
    expect(results[2].reason).toMatch(/more than 10× the usual/);
  });

  it('counts a stop with an open alarm task or an active alarm flag', async () => {
    const w = await world();
    const { route } = await assignedRoute(w);
    await t.database.db.insertInto('staff_tasks').values({ utility_id: w.utilityId, kind: 'leak', meter_id: w.ids.m_lip2!, title: 'Wyciek' }).execute();
    await t.database.db.insertInto('alarm_states').values({ utility_id: w.utilityId, meter_id: w.ids.m_aka5!, kind: 'tamper', active: true, changed_at: new Date() }).execute();
    // Closed tasks and cleared flags do not count.
    await t.database.db.insertInto('staff_tasks').values({ utility_id: w.utilityId, kind: 'leak', meter_id: w.ids.m_lip30!, title: 'Stary wyciek', status: 'closed', closed_at: new Date() }).execute();
    await t.database.db.insertInto('alarm_states').values({ utility_id: w.utilityId, meter_id: w.ids.m_lip10!, kind: 'tamper', active: false, changed_at: new Date() }).execute();
    const body = (await w.reader1.get(`/api/reader/routes/${route}`)).json();
    expect(body.stops.map((s: { alarm: boolean }) => s.alarm)).toEqual([false, true, false, false, true]);
    expect(body.progress.alarm).toBe(2);
  });

  it('shows the staff the progress after readings appear', async () => {
    const w = await world();
    const { ids } = w;
    const { route } = await assignedRoute(w);
    // Every stop read in the period: four by the reader today, the radio meter heard yesterday.
    await t.database.db
      .insertInto('readings')
      .values({ utility_id: w.utilityId, meter_id: ids.m_lip2!, read_at: new Date(Date.now() - 86_400_000), value_m3: '120.500', source: 'remote' })
      .execute();
    const sent = await w.reader1.post(`/api/reader/routes/${route}/readings`, {
      readings: [reading(ids.m_lip30!, '101'), reading(ids.m_lip10!, '102'), reading(ids.m_lip10a!, '103'), reading(ids.m_aka5!, '104')],
    });
    expect(sent.statusCode, sent.body).toBe(200);
    const res = await w.billing.get(`/api/staff/routes/${route}`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.period).toEqual({ from: addDays(today, -2), to: addDays(today, 5) });
    expect(body.progress).toEqual({ total: 5, read: 5, missing: 0, alarm: 0 });
    // An earlier period shows nothing read.
    const before = await w.billing.get(`/api/staff/routes/${route}?periodFrom=2025-12-01&periodTo=2025-12-31`);
    expect(before.json().progress).toEqual({ total: 5, read: 0, missing: 5, alarm: 0 });
    const list = await w.billing.get('/api/staff/routes');
    expect(list.json().items[0]).toMatchObject({ progress: { read: 5, missing: 0 }, currentAssignment: { readerId: ids.reader1 } });
    const half = await w.billing.get(`/api/staff/routes/${route}?periodFrom=2025-12-01`);
    expect(half.json().error.code).toBe('route.period_incomplete');
  });

  it('refuses bad readings whole, saying which one and why (PL/EN)', async () => {
    const w = await world();
    const { ids } = w;
    const { route } = await assignedRoute(w);
    const url = `/api/reader/routes/${route}/readings`;
    const good = reading(ids.m_lip30!, '130');
    const cases: [unknown, number, string][] = [
      [{ readings: [good, reading(ids.m_lip30!, '12,3456')] }, 400, 'reader.value_invalid'],
      [{ readings: [good, reading(ids.m_lip30!, '-5')] }, 400, 'reader.value_invalid'],
      [{ readings: [good, reading(ids.m_far!, '130')] }, 400, 'reader.meter_not_on_route'],
      [{ readings: [good, reading(ids.m_lip30!, '130', { readAt: new Date(Date.now() + 3_600_000).toISOString() })] }, 400, 'reader.read_at_future'],
      [{ readings: [good, reading(ids.m_lip30!, '130', { readAt: 'wczoraj rano' })] }, 400, 'reader.read_at_invalid'],
      [{ readings: [good, reading(ids.m_lip30!, '130', { readAt: '2025-01-01T10:00:00Z' })] }, 400, 'reader.outside_assignment'],
      [{ readings: [good, reading(ids.m_lip30!, '130', { photo: Buffer.from('GIF89a....').toString('base64') })] }, 400, 'reader.photo_type'],
      [{ readings: [good, reading(ids.m_lip30!, '130', { photo: '@@@' })] }, 400, 'reader.photo_encoding'],
      [{ readings: [good, { ...good }] }, 400, 'reader.client_id_repeated'],
      [{ readings: [good, reading(ids.m_lip30!, '130.001', { readAt: good.readAt })] }, 409, 'reader.same_time'],
      [{ readings: [{ ...good, clientId: 'abc' }] }, 400, 'request.invalid'],
      [{ readings: [] }, 400, 'request.invalid'],
      [{ readings: [{ ...good, extra: 1 }] }, 400, 'request.unknown_field'],
    ];
    for (const [body, status, code] of cases) {
      const res = await w.reader1.request('POST', url, body, { 'accept-language': 'en' });
      expect(res.statusCode, `${code}: ${res.body}`).toBe(status);
      const err = res.json().error;
      expect(err.code).toBe(code);
      expect(err.message).toBe(err.messages.en);
      expect(err.messages.pl).not.toBe(err.messages.en);
      if (code.startsWith('reader.') && code !== 'reader.client_id_repeated') expect(err.messages.en).toMatch(/^Reading 2: /);
    }
    // Nothing of any refused batch was stored: no reading, not even the good one, and no photo.
    expect(await t.database.db.selectFrom('readings').select('id').where('utility_id', '=', w.utilityId).execute()).toEqual([]);
    expect(await t.database.db.selectFrom('files').select('id').where('utility_id', '=', w.utilityId).execute()).toEqual([]);
  });

  it('refuses a photo over 5 MB', async () => {
    const w = await world();
    const { route } = await assignedRoute(w);
    const big = Buffer.concat([JPEG, Buffer.alloc(5 * 1024 * 1024)]);
    const res = await w.reader1.post(`/api/reader/routes/${route}/readings`, { readings: [reading(w.ids.m_lip30!, '131', { photo: big.toString('base64') })] });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('reader.photo_too_large');
    expect(await readerReadings(w)).toEqual([]);
  });

  it('keeps a route with readings and lets an unused one go', async () => {
    const w = await world();
    const { route, assignment } = await assignedRoute(w);
    const sent = await w.reader1.post(`/api/reader/routes/${route}/readings`, { readings: [reading(w.ids.m_lip30!, '101')] });
    expect(sent.statusCode, sent.body).toBe(200);
    const other = await otherRoute(w);
    await assign(w, other, 'reader2', today, today);
    const del = await w.admin.request('DELETE', `/api/staff/routes/${route}`);
    expect(del.statusCode).toBe(409);
    expect(del.json().error.code).toBe('route.has_readings');
    const unassign = await w.admin.request('DELETE', `/api/staff/routes/${route}/assignments/${assignment}`);
    expect(unassign.statusCode).toBe(409);
    expect((await w.admin.get(`/api/staff/routes/${route}`)).statusCode).toBe(200);
    const gone = await w.admin.request('DELETE', `/api/staff/routes/${other}`);
    expect(gone.statusCode).toBe(204);
    expect((await w.admin.get(`/api/staff/routes/${other}`)).statusCode).toBe(404);
  });
});
