/**
 * The staff routes of invoice documents over HTTP: the print batch streamed
 * as one PDF in route and address order (404 for a day without paper
 * invoices), and the failed-jobs list with its retry action.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { withTenant } from '../src/db/tenant.ts';
import { defineJob, enqueue, runDueJobs } from '../src/jobs/queue.ts';
import * as S from '../src/modules/billing/fa3/testing/sample-documents.ts';
import { createTestApp, client, type Client, type TestApp } from './support/app.ts';
import { buildContract, buildCustomer, buildServicePoint, buildUser, buildUtility, TEST_PASSWORD } from './support/factories.ts';
import { insertInvoice } from './support/invoices.ts';
import { pdfText } from './support/pdf.ts';

let t: TestApp;
let slug: string;
let utilityId: number;
let clerk: Client;
let reader: Client;
let n = 0;

async function login(email: string): Promise<Client> {
  const c = client(t.app, slug);
  const res = await c.request('POST', '/api/auth/login', { email, password: TEST_PASSWORD }, { 'x-forwarded-for': `10.9.0.${++n}` });
  expect(res.statusCode, res.body).toBe(200);
  return c;
}

beforeAll(async () => {
  t = await createTestApp();
  const u = await buildUtility(t.database, { nip: S.SELLER.nip });
  slug = u.slug;
  utilityId = Number(u.id);
  await buildUser(t.database, utilityId, { kind: 'staff', email: 'billing@zgk.example', roles: ['billing'] });
  await buildUser(t.database, utilityId, { kind: 'staff', email: 'reader@zgk.example', roles: ['meter_reader'] });
  clerk = await login('billing@zgk.example');
  reader = await login('reader@zgk.example');
});
afterAll(async () => {
  await t?.close();
});

describe('print batch', () => {
  it('streams the paper invoices of a day in route and address order; e-invoices are left out', async () => {
    // Three service points: two on a reading route (stop 2 before stop 1 in address order), one off any route.
    const spB = await buildServicePoint(t.database, utilityId, { locality: 'Pruszków', street: 'Brzozowa', building: '10' });
    const spA = await buildServicePoint(t.database, utilityId, { locality: 'Pruszków', street: 'Akacjowa', building: '2' });
    const spC = await buildServicePoint(t.database, utilityId, { locality: 'Pruszków', street: 'Akacjowa', building: '9' });
    const route = await t.database.db.insertInto('reading_routes').values({ utility_id: utilityId, name: 'Trasa 1' }).returning('id').executeTakeFirstOrThrow();
    await t.database.db
      .insertInto('reading_route_stops')
      .values([
        { utility_id: utilityId, route_id: route.id, position: 1, service_point_id: spB.id },
        { utility_id: utilityId, route_id: route.id, position: 2, service_point_id: spA.id },
      ])
      .execute();
    const make = async (sp: { id: number }, number: string, delivery: 'paper' | 'einvoice' = 'paper') => {
      const c = await buildCustomer(t.database, utilityId);
      const contract = await buildContract(t.database, utilityId, Number(c.id), Number(sp.id));
      await insertInvoice(t.database, utilityId, Number(c.id), { ...S.householdInvoice(), number }, { delivery, contractId: Number(contract.id) });
    };
    await make(spC, 'FV/2026/03/000501');
    await make(spA, 'FV/2026/03/000502');
    await make(spB, 'FV/2026/03/000503');
    await make(spB, 'FV/2026/03/000504', 'einvoice');

    const res = await clerk.get('/api/staff/print-batch?issued=2026-03-02');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toContain('faktury-papierowe-2026-03-02.pdf');
    const text = await pdfText(res.rawPayload);
    const order = ['000503', '000502', '000501'].map((x) => text.indexOf(`nr FV/2026/03/${x}`));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(text).not.toContain('FV/2026/03/000504');

    const none = await clerk.get('/api/staff/print-batch?issued=2026-01-01');
    expect(none.statusCode).toBe(404);
    expect(none.json().error.code).toBe('print.empty');
    expect((await clerk.get('/api/staff/print-batch?issued=2026-02-30')).statusCode).toBe(400);
    expect((await reader.get('/api/staff/print-batch?issued=2026-03-02')).statusCode).toBe(403);
  });
});

describe('failed jobs', () => {
  it('lists the failed jobs of the utility and runs one again', async () => {
    defineJob('test.route-fails', async () => {
      throw new Error('serwer poczty odrzucił wiadomość');
    });
    const id = (await withTenant(t.database.db, { utilityId }, (tx) => enqueue(tx, 'test.route-fails', { invoiceId: 1 }, { maxAttempts: 1 })))!;
    expect(await runDueJobs(t.database, t.config, { kinds: ['test.route-fails'] })).toEqual({ done: 0, retrying: 0, failed: 1 });

    const list = await clerk.get('/api/staff/jobs');
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json().items).toEqual([expect.objectContaining({ id, kind: 'test.route-fails', status: 'failed', attempts: 1, lastError: 'serwer poczty odrzucił wiadomość' })]);
    expect((await reader.get('/api/staff/jobs')).statusCode).toBe(403);

    const retry = await clerk.post(`/api/staff/jobs/${id}/retry`);
    expect(retry.statusCode, retry.body).toBe(200);
    expect(retry.json()).toEqual({ id, status: 'pending' });
    const again = await clerk.post(`/api/staff/jobs/${id}/retry`);
    expect(again.statusCode).toBe(404);
    expect(again.json().error.code).toBe('job.not_failed');
    const status = (await sql<{ status: string; attempts: number }>`select status, attempts from jobs where id = ${id}`.execute(t.database.db)).rows[0];
    expect(status).toEqual({ status: 'pending', attempts: 0 });
    expect((await clerk.get('/api/staff/jobs?status=pending')).json().items.map((j: { id: number }) => j.id)).toContain(id);
    expect((await clerk.get('/api/staff/jobs?status=nonsense')).statusCode).toBe(400);
  });
});
