/**
 * Route policies: pinned by a reviewed table, and enforced for every caller.
 *
 * src/http/route-policies.ts is the reviewed table (method, path, who may
 * call). This test fails when a route's declared policy (`config.access`, as
 * the app recorded it in app.routeTable) differs from the table, when a route
 * is missing from it or the table names a route that does not exist, or when
 * a public route has no reason. Then it calls every route as every kind of
 * caller (a guest, a portal customer, one staff user per role, a gateway)
 * and checks that exactly the callers the table names get past the access
 * check and every other one is refused (401 for a guest, 403 with an
 * `auth.*` code for a signed-in user of the wrong kind or role).
 *
 * It also names other people's records: a portal customer naming another
 * customer's ids (in the path and in the query string), and the
 * administrator of utility B naming utility A's ids from B's own address.
 * Neither ever gets data back, and nothing of A changes.
 *
 * A route whose path has a parameter this test cannot fill fails the test:
 * add the parameter to `victimIds` below.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Access } from '../src/http/access.ts';
import { STAFF_ROLES, type StaffRole } from '../src/http/access.ts';
import type { RouteInfo } from '../src/http/app.ts';
import { CALLERS, ROUTE_POLICIES, callersOf, policyMismatches, type Caller } from '../src/http/route-policies.ts';
import { client, createTestApp, type Client, type TestApp } from './support/app.ts';
import { TEST_PASSWORD, buildContract, buildCustomer, buildMeter, buildServicePoint, buildUser, buildUtility } from './support/factories.ts';

let t: TestApp;
let slugA = '';
let slugB = '';
/** Ids of utility A's records that belong to the victim (another customer of A). */
const victim: Record<string, number> = {};
/** Strings that appear only in the victim's records: no refused answer may contain one. */
const MARKS = ['Ofiara Sekretna', 'K-VICTIM-1', 'SNVICTIM01', 'Trasa Ofiary', 'Alarm Ofiary', '4242.424'];
let ownCustomerId = 0;
let gatewayToken = '';
const sessions: Partial<Record<Caller | 'adminB' | 'customerB', Client>> = {};
/** Signed-in callers: a portal customer and one staff user per role. */
const SIGNED_IN: Array<'customer' | StaffRole> = ['customer', ...STAFF_ROLES];
/** An id nobody has: allowed callers reach the handler and change nothing. */
const NOBODY = '987654321';
const ACCESS_CODES = ['auth.required', 'auth.customers_only', 'auth.staff_only', 'auth.role_missing'];

async function login(slug: string, email: string): Promise<Client> {
  const c = client(t.app, slug);
  const res = await c.post('/api/auth/login', { email, password: TEST_PASSWORD });
  expect(res.statusCode, `login of ${email}: ${res.body}`).toBe(200);
  return c;
}

beforeAll(async () => {
  t = await createTestApp();
  const db = t.database;
  const a = await buildUtility(db);
  const b = await buildUtility(db);
  slugA = a.slug;
  slugB = b.slug;

  // Utility A: customer 1 (the caller) and customer 2 (the victim) with records of every kind a route names.
  const c1 = await buildCustomer(db, a.id);
  ownCustomerId = c1.id;
  const c2 = await buildCustomer(db, a.id, { name: 'Ofiara Sekretna', customer_number: 'K-VICTIM-1' });
  const sp2 = await buildServicePoint(db, a.id);
  const contract2 = await buildContract(db, a.id, c2.id, sp2.id);
  const meter2 = await buildMeter(db, a.id, sp2.id, { serial_number: 'SNVICTIM01' });
  const photo = await db.db
    .insertInto('files')
    .values({ utility_id: a.id, name: 'licznik.png', content_type: 'image/png', size_bytes: 4, sha256: '00'.repeat(32), data: Buffer.from('PNG!') })
    .returning('id')
    .executeTakeFirstOrThrow();
  const reading2 = await db.db
    .insertInto('readings')
    .values({ utility_id: a.id, meter_id: meter2.id, read_at: new Date('2026-11-02T10:00:00Z'), value_m3: '4242.424', source: 'reader', photo_file_id: photo.id })
    .returning('id')
    .executeTakeFirstOrThrow();
  const invoice2 = await db.db
    .insertInto('invoices')
    .values({ utility_id: a.id, invoice_number: 'FV/2026/11/000001', kind: 'invoice', customer_id: c2.id, contract_id: contract2.id, issue_date: '2026-11-01', due_date: '2026-11-15', net_grosze: 10000, vat_grosze: 800, gross_grosze: 10800 })
    .returning('id')
    .executeTakeFirstOrThrow();
  const case2 = await db.db
    .insertInto('cases')
    .values({ utility_id: a.id, case_number: 'SP/2026/1', customer_id: c2.id, kind: 'complaint', subject: 'Ofiara Sekretna' })
    .returning('id')
    .executeTakeFirstOrThrow();

  // The victim's e-invoice consent, recorded from a paper form (its scan is the file above).
  const consent2 = await db.db
    .insertInto('einvoice_consents')
    .values({ utility_id: a.id, customer_id: c2.id, effective_from: '2026-12-01', source: 'paper_form', form_file_id: photo.id, by_email: false })
    .returning('id')
    .executeTakeFirstOrThrow();

  await buildUser(db, a.id, { kind: 'customer', email: 'customer-a@example.com', customerIds: [c1.id] });
  const staffA: Partial<Record<StaffRole, number>> = {};
  for (const role of STAFF_ROLES) staffA[role] = (await buildUser(db, a.id, { kind: 'staff', email: `${role}-a@example.com`, roles: [role] })).id;
  const route2 = await db.db.insertInto('reading_routes').values({ utility_id: a.id, name: 'Trasa Ofiary' }).returning('id').executeTakeFirstOrThrow();
  await db.db.insertInto('reading_route_stops').values({ utility_id: a.id, route_id: route2.id, position: 1, service_point_id: sp2.id }).execute();
  const assignment2 = await db.db
    .insertInto('reading_route_assignments')
    .values({ utility_id: a.id, route_id: route2.id, reader_id: staffA.meter_reader!, period_from: '2026-01-01', period_to: '2099-12-31' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const task2 = await db.db
    .insertInto('staff_tasks')
    .values({ utility_id: a.id, kind: 'leak', meter_id: meter2.id, customer_id: c2.id, title: 'Alarm Ofiary' })
    .returning('id')
    .executeTakeFirstOrThrow();
  // A data-change request of the victim (with a document): customer data, issue 13.
  const request2 = await db.db
    .insertInto('data_change_requests')
    .values({ utility_id: a.id, customer_id: c2.id, field: 'phone', old_value: '', new_value: '4242.424', patch: JSON.stringify({ phone: '4242.424' }), attachment_file_id: photo.id })
    .returning('id')
    .executeTakeFirstOrThrow();
  victim.requestId = request2.id;
  const notice2 = await db.db.insertInto('notices').values({ utility_id: a.id, kind: 'outage', title: 'Awaria', body: '', starts_at: new Date() }).returning('id').executeTakeFirstOrThrow();
  const document2 = await db.db.insertInto('documents').values({ utility_id: a.id, category: 'other', title: 'Druk', file_id: photo.id }).returning('id').executeTakeFirstOrThrow();
  // A failed background job of A (delivery of the victim's invoice): B's staff must neither see nor retry it.
  const job2 = await db.db
    .insertInto('jobs')
    .values({ utility_id: a.id, kind: 'invoice.deliver', payload: JSON.stringify({ invoiceId: invoice2.id }), status: 'failed', attempts: 5, last_error: 'Alarm Ofiary' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const run2 = await db.db.insertInto('billing_runs').values({ utility_id: a.id, period_from: '2026-09-01', period_to: '2026-10-31' }).returning('id').executeTakeFirstOrThrow();
  const tariff2 = await db.db.insertInto('tariffs').values({ utility_id: a.id, name: 'Taryfa', decision_number: 'RZT/1', valid_from: '2026-01-01' }).returning('id').executeTakeFirstOrThrow();
  const reminder2 = await db.db.insertInto('payment_reminders').values({ utility_id: a.id, customer_id: c2.id, number: 'WZ/VICTIM', as_of: '2026-11-20', open_grosze: 100, interest_grosze: 0, file_id: photo.id }).returning('id').executeTakeFirstOrThrow();
  // An unmatched statement line of A (payments, issue 15): B's staff must neither see nor assign it.
  const import2 = await db.db.insertInto('payment_imports').values({ utility_id: a.id, file_name: 'wyciag.sta', file_sha256: 'x' }).returning('id').executeTakeFirstOrThrow();
  const line2 = await db.db
    .insertInto('bank_statement_lines')
    .values({ utility_id: a.id, line_key: 'victim', import_id: import2.id, account: 'PL', statement: 'S', booking_date: '2026-11-02', value_date: '2026-11-02', amount_grosze: 100, title: 'Alarm Ofiary', status: 'unmatched' })
    .returning('id')
    .executeTakeFirstOrThrow();
  victim.lineId = line2.id;
  Object.assign(victim, {
    noticeId: notice2.id,
    documentId: document2.id,
    jobId: job2.id,
    customerId: c2.id,
    contractId: contract2.id,
    servicePointId: sp2.id,
    meterId: meter2.id,
    readingId: reading2.id,
    invoiceId: invoice2.id,
    caseId: case2.id,
    routeId: route2.id,
    assignmentId: assignment2.id,
    taskId: task2.id,
    consentId: consent2.id,
    userId: staffA.auditor!,
    fileId: photo.id,
    runId: run2.id,
    tariffId: tariff2.id,
    reminderId: reminder2.id,
  });

  const cb = await buildCustomer(db, b.id);
  await buildUser(db, b.id, { kind: 'customer', email: 'customer-b@example.com', customerIds: [cb.id] });
  await buildUser(db, b.id, { kind: 'staff', email: 'admin-b@example.com', roles: ['admin'] });

  sessions.customer = await login(slugA, 'customer-a@example.com');
  for (const role of STAFF_ROLES) sessions[role] = await login(slugA, `${role}-a@example.com`);
  sessions.customerB = await login(slugB, 'customer-b@example.com');
  sessions.adminB = await login(slugB, 'admin-b@example.com');
  const gw = await sessions.admin!.post('/api/staff/gateways', { name: 'Koncentrator testowy' });
  expect(gw.statusCode, gw.body).toBe(201);
  gatewayToken = gw.json().token;
});

afterAll(() => t?.close());

function fill(url: string, value: (name: string) => string | undefined): string {
  return url.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    const v = value(name);
    if (v === undefined) throw new Error(`route-access test: no value for parameter :${name} in ${url}; add it to victimIds()`);
    return v;
  });
}

/** The victim's record for each path parameter, so that ownership and tenancy checks are exercised. */
function victimIds(name: string): string | undefined {
  return victim[name] === undefined ? undefined : String(victim[name]);
}

/** A refused answer names nothing of the victim. */
function expectNoVictimData(body: string, what = '') {
  for (const m of MARKS) expect(body, what).not.toContain(m);
}

const policyOf = (r: RouteInfo) => ROUTE_POLICIES[`${r.method} ${r.url}`];
const bodyFor = (method: string) => (method === 'GET' || method === 'DELETE' ? undefined : {});
const codeOf = (body: string) => {
  try {
    return (JSON.parse(body) as { error?: { code?: string } }).error?.code;
  } catch {
    return undefined;
  }
};

/** Bodies valid enough to reach the handler, so that a refusal comes from the lookup of the id, not from validation. */
const VALID_BODIES: Record<string, unknown> = {
  'PATCH /api/staff/users/:userId': { name: 'Przejęty' },
  'POST /api/staff/meters/:meterId/exchange': { date: '2026-10-10', finalReading: '1,000', newSerial: 'PRZEJETY-1', newLegalizationValidUntil: '2031-10-10' },
  'POST /api/staff/customers/:customerId/portal-users': { email: 'napastnik@example.com' },
  'POST /api/staff/customers/:customerId/activation-letter': {},
  'POST /api/portal/customers/:customerId/change-requests': { field: 'phone', value: '500 600 700' },
  'POST /api/staff/change-requests/:requestId/reject': { reason: 'Brak dokumentu' },
  'POST /api/portal/account/close': { password: 'zle-haslo-123' },
  'POST /api/staff/routes/:routeId/assign': { readerId: 1, periodFrom: '2026-01-01', periodTo: '2026-01-31' },
  'POST /api/portal/customers/:customerId/einvoice': { termsVersionId: 1, accept: true, byEmail: false },
  'PATCH /api/portal/customers/:customerId/einvoice': { byEmail: false },
  'POST /api/staff/customers/:customerId/einvoice': { termsVersionId: 1, byEmail: false, signedOn: '2026-11-02', scan: Buffer.from('%PDF-1.4 formularz').toString('base64') },
  'POST /api/staff/invoices/:invoiceId/corrections': { reason: 'wrong_reading', note: 'Błędny odczyt', lines: [{ name: 'Dostawa wody', quantity: '1.000', unit: 'm3', unitPrice: '4.50', vatRate: 8 }] },
  'POST /api/staff/invoices/:invoiceId/corrections/preview': { reason: 'wrong_reading', note: 'Błędny odczyt' },
  'POST /api/staff/customers/:customerId/allocations': { paymentId: '1', kind: 'invoice', targetId: '1', amountGrosze: 100 },
  'POST /api/staff/customers/:customerId/refunds': { amountGrosze: 100, note: '' },
  'POST /api/staff/customers/:customerId/adjustments': { amountGrosze: 100, note: 'Przejęte' },
  'POST /api/staff/payments/lines/:lineId/assign': { customerId: '1' },
  'POST /api/staff/cases/:caseId/assign': { assigneeId: null },
  'POST /api/staff/cases/:caseId/status': { status: 'closed' },
  'POST /api/staff/cases/:caseId/messages': { body: 'Przejęte' },
  'PUT /api/staff/tariffs/:tariffId': {
    name: 'Taryfa', decisionNumber: 'RZT/2', decisionDate: '2026-01-01', validFrom: '2026-01-01',
    groups: [{ code: 'G1', name: 'Gospodarstwa', water: '5.00', sewage: '9.00', feePaper: '6.00', feeEinvoice: '3.60' }],
  },
  'POST /api/staff/tariffs/:tariffId/end': { validTo: '2026-12-31' },
  'POST /api/reader/routes/:routeId/readings': {
    readings: [{ clientId: '0b6f3c1e-5d1a-4a8e-9a51-3f3a3b3c3d3e', meterId: 1, valueM3: '1', readAt: '2026-11-03T10:00:00Z' }],
  },
  'POST /api/staff/readings/:readingId/verification': { decision: 'reject', reason: 'Przejęcie cudzego odczytu.' },
};

describe('the reviewed route table', () => {
  it('lists every registered route with exactly the callers its code declares, and no route that does not exist', () => {
    expect(t.app.routeTable.length).toBeGreaterThan(40);
    expect(policyMismatches(t.app.routeTable, ROUTE_POLICIES)).toEqual([]);
  });

  it('names a reason for every public route', () => {
    const pub = Object.entries(ROUTE_POLICIES).filter(([k, p]) => callersOf(k, p).includes('anyone'));
    expect(pub.length).toBeGreaterThan(0);
    for (const [key, p] of pub) expect(p.why?.trim().length ?? 0, `${key} is public without a reason`).toBeGreaterThan(10);
  });

  it('fails when one policy changes, in the table or in the code', () => {
    const key = 'GET /api/staff/customers/:customerId';
    expect(ROUTE_POLICIES[key]).toBeDefined();
    const opened = { ...ROUTE_POLICIES, [key]: { who: 'anyone', why: 'changed by the test' } };
    expect(policyMismatches(t.app.routeTable, opened)).toEqual([expect.stringContaining(key)]);
    const auditorCloses = { ...ROUTE_POLICIES, 'POST /api/staff/tasks/:taskId/close': { who: 'admin meter_reader auditor' } };
    expect(policyMismatches(t.app.routeTable, auditorCloses)).toEqual([expect.stringContaining('/close')]);
    const code = t.app.routeTable.map((r) => (`${r.method} ${r.url}` === key ? { ...r, access: 'public' as Access } : r));
    expect(policyMismatches(code, ROUTE_POLICIES)).toEqual([expect.stringContaining(key)]);
    const missing = { ...ROUTE_POLICIES };
    delete missing[key];
    expect(policyMismatches(t.app.routeTable, missing)).toEqual([expect.stringContaining('is not in the route table')]);
    const ghost = { ...ROUTE_POLICIES, 'GET /api/staff/ghost': { who: 'admin' } };
    expect(policyMismatches(t.app.routeTable, ghost)).toEqual([expect.stringContaining('no such route')]);
  });

  it('knows only the callers it can check', () => {
    expect([...CALLERS].sort()).toEqual(['anyone', 'gateway', 'customer', ...STAFF_ROLES].sort());
  });
});

describe('each caller gets past the access check exactly where the table allows', () => {
  const ownOrNobody = (name: string) => (name === 'customerId' ? String(ownCustomerId) : NOBODY);

  it('refuses guests on every route the table does not open to anyone, and lets them into the public ones', async () => {
    const anon = client(t.app, slugA);
    for (const r of t.app.routeTable) {
      const who = callersOf(`${r.method} ${r.url}`, policyOf(r));
      const res = await anon.request(r.method, fill(r.url, ownOrNobody), bodyFor(r.method));
      const what = `${r.method} ${r.url} as a guest: ${res.statusCode} ${res.body.slice(0, 160)}`;
      if (who.includes('anyone')) {
        expect(res.statusCode, what).not.toBe(401);
        expect(ACCESS_CODES, what).not.toContain(codeOf(res.body));
      } else {
        expect(res.statusCode, what).toBe(401);
      }
    }
  });

  // Routes the table makes public are left out here: the access check lets everyone
  // through them (the guest test above proves it), and calling logout would end the session.
  for (const caller of SIGNED_IN) {
    it(`lets ${caller} in where the table names them and refuses them with 403 elsewhere`, async () => {
      const c = sessions[caller]!;
      let allowed = 0;
      for (const r of t.app.routeTable.filter((r) => !callersOf(`${r.method} ${r.url}`, policyOf(r)).includes('anyone'))) {
        const who = callersOf(`${r.method} ${r.url}`, policyOf(r));
        const res = await c.request(r.method, fill(r.url, ownOrNobody), bodyFor(r.method));
        const what = `${r.method} ${r.url} as ${caller}: ${res.statusCode} ${res.body.slice(0, 160)}`;
        if (who.includes('gateway')) {
          // A session is no gateway token.
          expect(res.statusCode, what).toBe(401);
        } else if (who.includes(caller)) {
          allowed++;
          expect([401, 403], what).not.toContain(res.statusCode);
        } else {
          expect(res.statusCode, what).toBe(403);
          expect(codeOf(res.body), what).toMatch(/^auth\.(customers_only|staff_only|role_missing)$/);
        }
      }
      expect(allowed, `${caller} is allowed somewhere`).toBeGreaterThan(0);
    });
  }

  it('lets a gateway in with its token only', async () => {
    const gatewayRoutes = t.app.routeTable.filter((r) => callersOf(`${r.method} ${r.url}`, policyOf(r)).includes('gateway'));
    expect(gatewayRoutes.length).toBeGreaterThan(0);
    for (const r of gatewayRoutes) {
      const anon = client(t.app, slugA);
      const ok = await anon.request(r.method, r.url, { telegrams: [] }, { authorization: `Bearer ${gatewayToken}` });
      expect(ok.statusCode, `${r.method} ${r.url} with its token: ${ok.body}`).toBe(200);
      const wrong = await anon.request(r.method, r.url, { telegrams: [] }, { authorization: 'Bearer not-a-token' });
      expect(wrong.statusCode, `${r.method} ${r.url} with a wrong token`).toBe(401);
      // A's gateway token at B's address is no token of B.
      const elsewhere = await client(t.app, slugB).request(r.method, r.url, { telegrams: [] }, { authorization: `Bearer ${gatewayToken}` });
      expect(elsewhere.statusCode, `${r.method} ${r.url} with another utility's token`).toBe(401);
    }
  });
});

describe("other people's records", () => {
  it("refuses other utilities' sessions everywhere (a session is valid only at its own utility's address)", async () => {
    for (const r of t.app.routeTable.filter((r) => r.access !== 'public' && r.access !== 'gateway')) {
      for (const who of ['customerB', 'adminB'] as const) {
        const c = client(t.app, slugA);
        Object.assign(c.cookies, sessions[who]!.cookies);
        const res = await c.request(r.method, fill(r.url, victimIds), bodyFor(r.method));
        expect(res.statusCode, `${r.method} ${r.url} as ${who} of another utility`).toBe(401);
        expectNoVictimData(res.body);
      }
    }
  });

  it("gives utility B's administrator, at B's own address, nothing of utility A's records named by id", async () => {
    const before = await snapshotOfA();
    const adminB = sessions.adminB!;
    let named = 0;
    for (const r of t.app.routeTable.filter((r) => r.url.includes(':') && callersOf(`${r.method} ${r.url}`, policyOf(r)).includes('admin'))) {
      const key = `${r.method} ${r.url}`;
      const res = await adminB.request(r.method, fill(r.url, victimIds), key in VALID_BODIES ? VALID_BODIES[key] : bodyFor(r.method));
      const what = `${key} as B's admin with A's ids: ${res.statusCode} ${res.body.slice(0, 200)}`;
      // Bodies are valid (VALID_BODIES), so the answer comes from looking the id up: not found, or not yours.
      expect([403, 404], what).toContain(res.statusCode);
      expectNoVictimData(res.body, what);
      named++;
    }
    expect(named).toBeGreaterThan(10);
    expect(await snapshotOfA()).toEqual(before);
  });

  it("gives B's administrator and A's customer nothing of A's victim when they name its ids in a query string", async () => {
    const getRoutes = t.app.routeTable.filter((r) => r.method === 'GET' && r.access !== 'public' && r.access !== 'gateway');
    const idNames = Object.keys(victim);
    const askers: Array<[string, Client, string]> = [
      ["B's admin", sessions.adminB!, NOBODY],
      ["A's customer", sessions.customer!, String(ownCustomerId)],
    ];
    let asked = 0;
    for (const [label, c, fillWith] of askers) {
      for (const r of getRoutes) {
        const base = fill(r.url, (n) => (n === 'customerId' ? fillWith : NOBODY));
        for (const name of idNames) {
          const res = await c.get(`${base}?${name}=${victim[name]}`);
          const what = `${r.url}?${name}= as ${label}: ${res.statusCode} ${res.body.slice(0, 200)}`;
          expect(res.statusCode, what).toBeLessThan(500);
          expectNoVictimData(res.body, what);
          asked++;
        }
      }
      // The search names the victim outright.
      const search = await c.get(`/api/staff/customers?q=K-VICTIM-1`);
      expectNoVictimData(search.body, `search as ${label}`);
    }
    expect(asked).toBeGreaterThan(50);
    // The query string is read at all: A's customer asking for a meter of their own gets a 200 list.
    const own = await sessions.customer!.get(`/api/customers/${ownCustomerId}/readings?meterId=${victim.meterId}`);
    expect(own.statusCode, own.body).toBe(200);
    expect(own.json().items).toEqual([]);
  });

  it("refuses a portal customer naming another customer's records and never shows their data", async () => {
    const customerRoutes = t.app.routeTable.filter((r) => r.access === 'customer' && r.url.includes(':'));
    expect(customerRoutes.length).toBeGreaterThan(0);
    for (const r of customerRoutes) {
      const res = await sessions.customer!.request(r.method, fill(r.url, victimIds), bodyFor(r.method));
      const allowed = r.method === 'GET' ? [403, 404] : [400, 403, 404];
      expect(allowed, `${r.method} ${r.url} with another customer's ids gave ${res.statusCode}: ${res.body.slice(0, 200)}`).toContain(res.statusCode);
      expectNoVictimData(res.body);
    }
  });

  it('stops the app from starting when a route declares no policy', async () => {
    const { buildApp } = await import('../src/http/app.ts');
    const app = await buildApp({ config: t.config, database: t.database });
    expect(() => app.get('/api/forgotten', async () => ({}))).toThrow(/access policy/);
    await app.close();
  });
});

/** What B's administrator must not change of A: the victim's rows, read as the schema owner. */
async function snapshotOfA() {
  const q = async (text: string) => (await sql.raw<Record<string, unknown>>(text).execute(t.database.db)).rows;
  return {
    users: await q(`select id, name, disabled_at, totp_enabled from users where id = ${victim.userId}`),
    roles: await q(`select role from staff_roles where user_id = ${victim.userId}`),
    customer: await q(`select activation_code_hash, activation_code_issued_at from customers where id = ${victim.customerId}`),
    portalUsers: await q(`select user_id from user_customers where customer_id = ${victim.customerId}`),
    route: await q(`select id, name from reading_routes where id = ${victim.routeId}`),
    assignments: await q(`select id from reading_route_assignments where route_id = ${victim.routeId} order by id`),
    readings: await q(`select id, value_m3::text from readings where meter_id = ${victim.meterId} order by id`),
    task: await q(`select status, closed_by from staff_tasks where id = ${victim.taskId}`),
  };
}
