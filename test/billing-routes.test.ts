/**
 * Tariffs and billing runs over HTTP, as staff use them: billing writes,
 * others read; an overlapping tariff is refused with 409; a clerk previews,
 * approves and issues a run, and watches its progress to the end; a billed
 * tariff can no longer be edited, only ended after its last billed day.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PASSWORD, buildUser } from './support/factories.ts';
import { client, createTestApp, type Client, type TestApp } from './support/app.ts';
import { buildBillingWorld, type World } from './support/billing-world.ts';

let t: TestApp;
let w: World;
let billing: Client;
let auditor: Client;

async function login(email: string, roles: ('billing' | 'auditor')[]) {
  await buildUser(t.database, w.utilityId, { kind: 'staff', email, roles });
  const c = client(t.app, w.slug);
  const r = await c.post('/api/auth/login', { email, password: TEST_PASSWORD });
  expect(r.statusCode, r.body).toBe(200);
  return c;
}

beforeAll(async () => {
  t = await createTestApp();
  w = await buildBillingWorld(t.database, 6);
  billing = await login('billing@example.com', ['billing']);
  auditor = await login('auditor@example.com', ['auditor']);
}, 60_000);
afterAll(() => t?.close());

const group = { code: 'G2', name: 'Pozostali odbiorcy', water: '6.10', sewage: '10.20', feePaper: '6.00', feeEinvoice: '3.60' };
const tariff = { name: 'Taryfa G2', decisionNumber: 'WA.RZT.70.1.2026', decisionDate: '2026-04-22', validFrom: '2026-06-01', validTo: null, groups: [group] };

describe('tariffs', () => {
  it('are created by billing, read by everyone on the staff, refused when overlapping (409)', async () => {
    const created = await billing.post('/api/staff/tariffs', tariff);
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ decisionNumber: 'WA.RZT.70.1.2026', validTo: null, vatRate: 8, billedTo: null, groups: [{ code: 'G2', feePaper: '6.00', feeEinvoice: '3.60' }] });
    expect((await auditor.post('/api/staff/tariffs', { ...tariff, validFrom: '2030-01-01' })).statusCode).toBe(403);
    const overlap = await billing.post('/api/staff/tariffs', { ...tariff, decisionNumber: 'X/2', validFrom: '2027-01-01' });
    expect(overlap.statusCode).toBe(409);
    expect(overlap.json().error.code).toBe('tariff.overlap');
    // Ended, the next one may start the day after.
    const id = created.json().id;
    const ended = await billing.post(`/api/staff/tariffs/${id}/end`, { validTo: '2026-12-31' });
    expect(ended.statusCode, ended.body).toBe(200);
    expect(ended.json().validTo).toBe('2026-12-31');
    expect((await billing.post('/api/staff/tariffs', { ...tariff, decisionNumber: 'X/3', validFrom: '2027-01-01' })).statusCode).toBe(201);
    const list = await auditor.get('/api/staff/tariffs');
    expect(list.statusCode).toBe(200);
    expect(list.json().items.filter((x: { groups: { code: string }[] }) => x.groups[0].code === 'G2').map((x: { validFrom: string }) => x.validFrom)).toEqual(['2027-01-01', '2026-06-01']);
    const bad = await billing.post('/api/staff/tariffs', { ...tariff, validFrom: '2035-01-01', validTo: '2034-01-01' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('tariff.bad_validity');
  });
});

describe('a billing run over HTTP', () => {
  it('is previewed, approved and issued by billing, read by the auditor, and its progress reaches the end', async () => {
    const preview = await billing.post('/api/staff/billing-runs', { periodFrom: '2026-09', periodTo: '2026-10' });
    expect(preview.statusCode, preview.body).toBe(201);
    const run = preview.json();
    expect(run).toMatchObject({ status: 'preview', periodFrom: '2026-09-01', periodTo: '2026-10-31', billed: w.billable });
    expect(run.heldByCode).toEqual(expect.arrayContaining([{ code: 'customer.no_address', count: 1 }]));
    const held = await auditor.get(`/api/staff/billing-runs/${run.id}/lines?status=held`);
    expect(held.statusCode).toBe(200);
    expect(held.json().items.map((l: { holdCode: string }) => l.holdCode).sort()).toEqual(Object.keys(w.held).sort());
    expect((await auditor.post(`/api/staff/billing-runs/${run.id}/approve`)).statusCode).toBe(403);
    const early = await billing.post(`/api/staff/billing-runs/${run.id}/issue`);
    expect(early.statusCode).toBe(409);
    expect(early.json().error.code).toBe('billing_run.not_approved');
    expect((await billing.post(`/api/staff/billing-runs/${run.id}/approve`)).json().status).toBe('approved');
    const issuing = await billing.post(`/api/staff/billing-runs/${run.id}/issue`);
    expect(issuing.statusCode).toBe(202);
    let now = issuing.json();
    for (let i = 0; i < 200 && now.status !== 'issued'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      now = (await auditor.get(`/api/staff/billing-runs/${run.id}`)).json();
    }
    expect(now).toMatchObject({ status: 'issued', issued: w.billable, lastError: null });
    const lines = (await auditor.get(`/api/staff/billing-runs/${run.id}/lines?status=issued`)).json();
    expect(lines.items[0].invoiceNumber).toMatch(/^FV\/\d{4}\/\d{2}\/000001$/);
    expect((await auditor.get('/api/staff/billing-runs')).json().items[0].id).toBe(run.id);
    expect((await auditor.get('/api/staff/billing-runs/987654321')).statusCode).toBe(404);
  });

  it('leaves a billed tariff closed to edits: it can only be ended after its last billed day', async () => {
    const list = (await billing.get('/api/staff/tariffs')).json().items as { id: number; validFrom: string; billedTo: string | null; groups: { code: string }[] }[];
    const current = list.find((x) => x.groups[0].code === 'G1' && x.validFrom === '2026-10-01')!;
    expect(current.billedTo).toBe('2026-10-31');
    const edit = await billing.request('PUT', `/api/staff/tariffs/${current.id}`, { ...tariff, groups: [{ ...group, code: 'G1' }], validFrom: '2026-10-01' });
    expect(edit.statusCode).toBe(409);
    expect(edit.json().error.code).toBe('tariff.billed');
    const tooEarly = await billing.post(`/api/staff/tariffs/${current.id}/end`, { validTo: '2026-10-15' });
    expect(tooEarly.statusCode).toBe(409);
    expect(tooEarly.json().error.code).toBe('tariff.billed_after');
    expect((await billing.post(`/api/staff/tariffs/${current.id}/end`, { validTo: '2026-12-31' })).statusCode).toBe(200);
  });
});
