/**
 * The KSeF client against the local KSeF simulator (test/support/ksef-sim):
 * a billing run's invoices in batch sessions → KSeF numbers and UPOs; a
 * correction through an interactive session; a job killed mid-batch and run
 * again → exactly one number per invoice; a 429 waited out; a rejection;
 * KSeF away → offline, then sent. Both database engines.
 */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import type { Database } from '../src/db/connection.ts';
import { withTenant } from '../src/db/tenant.ts';
import { drainJobs } from '../src/jobs/queue.ts';
import { issueCorrection } from '../src/modules/einvoice/correction.ts';
import type { InvoiceDocument } from '../src/modules/billing/invoice-document.ts';
import { approveRun, createPreviewRun, issueRun } from '../src/modules/billing/runs/service.ts';
import { boxOf, requestSend, sendOptions, SEND_JOB } from '../src/modules/ksef/service.ts';
import { saveSettings } from '../src/modules/ksef/settings.ts';
import { PERIOD, buildBillingWorld, type World } from './support/billing-world.ts';
import { createTestDatabase } from './support/db.ts';
import { fastSend, resetSendOptions } from './support/ksef-send-options.ts';
import { buildUser } from './support/factories.ts';
import { isValidKsefNumber, startKsefSimulator, type KsefSimulator } from './support/ksef-sim/index.ts';

const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', WODNIK_SECRET_KEY: '22'.repeat(32) });
const NOW = () => new Date('2026-11-03T09:00:00Z');

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
}, 180_000);
afterAll(() => database?.close());
afterEach(resetSendOptions);

const tenant = <T,>(w: World, fn: Parameters<typeof withTenant<T>>[2]) => withTenant(database.db, { utilityId: w.utilityId }, fn);

async function sellerNip(w: World): Promise<string> {
  const r = await sql<{ nip: string }>`select nip from utilities where id = ${w.utilityId}`.execute(database.db);
  return r.rows[0]!.nip;
}

/** A utility with an issued billing run (14 invoices: 12 households, a business, a housing community). */
async function issuedWorld(): Promise<{ w: World; runId: number; nip: string }> {
  const w = await buildBillingWorld(database);
  const runId = await tenant(w, (tx) => createPreviewRun(tx, w.utilityId, { period: PERIOD, selection: {} }));
  await tenant(w, (tx) => approveRun(tx, w.utilityId, runId, null));
  await issueRun(database, w.utilityId, runId, { now: NOW, batchSize: 50 });
  return { w, runId, nip: await sellerNip(w) };
}

async function configure(w: World, sim: KsefSimulator, nip: string, o: { includeConsumers?: boolean; offline24?: boolean } = {}) {
  const token = sim.control.addKsefToken(nip);
  await tenant(w, (tx) =>
    saveSettings(tx, boxOf(config), { environment: 'test', sellerNip: nip, authMethod: 'token', token, includeConsumers: o.includeConsumers ?? true, offline24: o.offline24 ?? false, apiUrlOverride: sim.url }),
  );
}

async function runJobsNow(w: World) {
  await sql`update jobs set run_at = now() where utility_id = ${w.utilityId} and kind = ${SEND_JOB} and status = 'pending'`.execute(database.db);
  return drainJobs(database, config, { kinds: [SEND_JOB], maxRounds: 10 });
}

async function ksefRows(w: World) {
  const { rows } = await sql<{ invoice_id: number; invoice_number: string; state: string; ksef_number: string | null; inv_number: string | null; upo: Uint8Array | null; status_code: number | null; status_text: string | null; offline: boolean }>`
    select k.invoice_id, i.invoice_number, k.state, k.ksef_number, i.ksef_number as inv_number, k.upo, k.status_code, k.status_text, k.offline
      from ksef_invoices k join invoices i on i.utility_id = k.utility_id and i.id = k.invoice_id
     where k.utility_id = ${w.utilityId} order by i.invoice_number`.execute(database.db);
  return rows;
}

function expectAllAccepted(rows: Awaited<ReturnType<typeof ksefRows>>, sim: KsefSimulator) {
  const held = new Map(sim.control.accepted().map((a) => [a.invoiceNumber, a.ksefNumber]));
  for (const r of rows) {
    expect(r.state, r.invoice_number).toBe('accepted');
    expect(isValidKsefNumber(r.ksef_number!)).toBe(true);
    expect(r.inv_number).toBe(r.ksef_number);
    // The number KSeF holds for this invoice number is ours: one number per invoice.
    expect(held.get(r.invoice_number)).toBe(r.ksef_number);
    const upo = Buffer.from(r.upo!).toString('utf8');
    expect(upo).toContain(r.ksef_number!);
  }
  expect(new Set(rows.map((r) => r.ksef_number)).size).toBe(rows.length);
}


describe('a billing run in batch sessions', () => {
  let sim: KsefSimulator;
  let world: { w: World; runId: number; nip: string };
  beforeAll(async () => {
    world = await issuedWorld();
    sim = await startKsefSimulator({ rateLimitScale: 0 });
    await configure(world.w, sim, world.nip);
  }, 180_000);
  afterAll(() => sim?.close());

  it('sends the run in sessions of at most the limit; every invoice gets a KSeF number and its UPO', async () => {
    fastSend();
    const { w, runId } = world;
    const r = await tenant(w, (tx) => requestSend(tx, { runId }));
    expect(r.queued).toBe(14);
    const rep = await drainJobs(database, config, { kinds: [SEND_JOB] });
    expect(rep).toMatchObject({ done: 1, failed: 0 });
    const rows = await ksefRows(w);
    expect(rows).toHaveLength(14);
    expectAllAccepted(rows, sim);
    const sessions = await sql<{ kind: string; state: string; invoice_count: number }>`select kind, state, invoice_count from ksef_sessions where utility_id = ${w.utilityId} order by id`.execute(database.db);
    expect(sessions.rows.map((s) => [s.kind, s.state, s.invoice_count])).toEqual([
      ['batch', 'processed', 5],
      ['batch', 'processed', 5],
      ['batch', 'processed', 4],
    ]);
    // The parts went to the upload addresses KSeF gave, without our access token.
    expect(sim.control.requests().filter((q) => q.method === 'PUT').length).toBe(3);
  });

  it('sends a correction in an interactive session once the corrected invoice has its number', async () => {
    fastSend();
    const { w, nip } = world;
    const staff = await buildUser(database, w.utilityId, { kind: 'staff', roles: ['billing'] });
    const { rows } = await sql<{ id: number; document: InvoiceDocument; ksef_number: string }>`
      select id, document, ksef_number from invoices where utility_id = ${w.utilityId} and buyer_kind = 'business'`.execute(database.db);
    const inv = rows[0]!;
    const lines = inv.document.lines.map((l, i) => ({
      name: l.name,
      quantity: ((i === 0 ? l.quantity - 1000 : l.quantity) / 1000).toFixed(3),
      unit: l.unit,
      unitPrice: (l.unitPrice / 100).toFixed(2),
      vatRate: l.vatRate as number,
    }));
    const kor = await tenant(w, (tx) =>
      issueCorrection(tx, { utilityId: w.utilityId, invoiceId: inv.id, staffId: staff.id, ip: '127.0.0.1', now: new Date('2026-11-20T10:00:00Z'), input: { reason: 'wrong_reading', note: 'Odczyt poprawiony', lines } }),
    );
    const before = sim.control.requests().length;
    const r = await tenant(w, (tx) => requestSend(tx, { invoiceNumber: kor.number }));
    expect(r.queued).toBe(1);
    await drainJobs(database, config, { kinds: [SEND_JOB] });
    const paths = sim.control.requests().slice(before).map((q) => `${q.method} ${q.path}`);
    expect(paths.some((p) => /^POST \/v2\/sessions\/online$/.test(p))).toBe(true);
    expect(paths.some((p) => /^POST \/v2\/sessions\/batch$/.test(p))).toBe(false);
    const row = (await ksefRows(w)).find((x) => x.invoice_number === kor.number)!;
    expect(row.state).toBe('accepted');
    expect(row.ksef_number!.startsWith(nip)).toBe(true);
    // KSeF holds exactly our stored XML, and it names the corrected invoice's KSeF number.
    const held = sim.control.accepted().find((a) => a.invoiceNumber === kor.number)!;
    const stored = (await sql<{ xml: Uint8Array }>`select xml from invoices where utility_id = ${w.utilityId} and invoice_number = ${kor.number}`.execute(database.db)).rows[0]!;
    expect(held.invoiceHash).toBe(createHash('sha256').update(stored.xml).digest('base64'));
    expect(Buffer.from(stored.xml).toString('utf8')).toContain(inv.ksef_number);
  });
});

describe('a job killed mid-batch and run again', () => {
  let sim: KsefSimulator;
  afterAll(() => sim?.close());

  it('ends with exactly one KSeF number per invoice, and sends no invoice twice', async () => {
    const { w, runId, nip } = await issuedWorld();
    sim = await startKsefSimulator({ rateLimitScale: 0 });
    await configure(w, sim, nip);
    fastSend();
    // First run: dies once the second session is open (its parts not sent).
    let opened = 0;
    sendOptions.step = (s) => {
      if (s === 'batch.opened' && ++opened === 2) throw new Error('killed');
    };
    await tenant(w, (tx) => requestSend(tx, { runId }));
    expect(await drainJobs(database, config, { kinds: [SEND_JOB] })).toMatchObject({ retrying: 1 });
    // Second run: dies right after KSeF took the close of a session, before anything was collected.
    let closed = 0;
    sendOptions.step = (s) => {
      if (s === 'session.closed' && ++closed === 1) throw new Error('killed again');
    };
    expect(await runJobsNow(w)).toMatchObject({ retrying: 1 });
    sendOptions.step = undefined;
    expect(await runJobsNow(w)).toMatchObject({ done: 1 });
    const rows = await ksefRows(w);
    expect(rows).toHaveLength(14);
    expectAllAccepted(rows, sim);
    expect(sim.control.accepted()).toHaveLength(14);
    const states = await sql<{ state: string; n: number }>`select state, count(*)::int as n from ksef_sessions where utility_id = ${w.utilityId} group by state order by state`.execute(database.db);
    expect(Object.fromEntries(states.rows.map((s) => [s.state, s.n]))).toEqual({ abandoned: 1, processed: 3 });
  });

  it('takes the number KSeF already holds when an invoice is sent again (a duplicate)', async () => {
    const w = (await sql<{ utility_id: number }>`select utility_id from ksef_settings order by utility_id desc limit 1`.execute(database.db)).rows[0]!;
    const world = { utilityId: Number(w.utility_id) } as World;
    fastSend();
    // The record of one accepted invoice is lost: it is queued again and sent.
    const lost = (await ksefRows(world))[3]!;
    await sql`update ksef_invoices set state = 'queued', ksef_number = null, upo = null, session_id = null where utility_id = ${world.utilityId} and invoice_id = ${lost.invoice_id}`.execute(database.db);
    await sql`update invoices set ksef_number = null where utility_id = ${world.utilityId} and id = ${lost.invoice_id}`.execute(database.db);
    await tenant(world, (tx) => requestSend(tx, { invoiceNumber: lost.invoice_number }));
    await drainJobs(database, config, { kinds: [SEND_JOB] });
    const again = (await ksefRows(world)).find((r) => r.invoice_id === lost.invoice_id)!;
    expect(again).toMatchObject({ state: 'accepted', ksef_number: lost.ksef_number, inv_number: lost.ksef_number });
    expect(sim.control.accepted()).toHaveLength(14);
  });
});

describe('limits, rejections and KSeF away', () => {
  let sim: KsefSimulator;
  let world: { w: World; runId: number; nip: string };
  beforeAll(async () => {
    world = await issuedWorld();
    // Access tokens of 30 s: inside the client's margin of a minute, so each use refreshes first.
    sim = await startKsefSimulator({ rateLimitScale: 0, accessTokenLifetimeMs: 30_000 });
    await configure(world.w, sim, world.nip, { includeConsumers: false });
  }, 180_000);
  afterAll(() => sim?.close());

  it('waits out a 429 for its Retry-After and goes on; refreshes the access token before it lapses', async () => {
    fastSend();
    const { w } = world;
    const business = (await sql<{ invoice_number: string }>`select invoice_number from invoices where utility_id = ${w.utilityId} and buyer_kind = 'business'`.execute(database.db)).rows[0]!;
    await tenant(w, (tx) => requestSend(tx, { invoiceNumber: business.invoice_number }));
    sim.control.tooManyRequests(2, 1);
    const t0 = Date.now();
    expect(await drainJobs(database, config, { kinds: [SEND_JOB] })).toMatchObject({ done: 1 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(2000);
    expect(sim.control.requests().filter((q) => q.status === 429)).toHaveLength(2);
    expect((await ksefRows(w)).find((r) => r.invoice_number === business.invoice_number)!.state).toBe('accepted');
    // Signed in once; the access token was refreshed before it lapsed, not signed in for again.
    const paths = sim.control.requests().filter((q) => q.status < 300).map((q) => q.path);
    expect(paths.filter((p) => p === '/v2/auth/token/redeem')).toHaveLength(1);
    expect(paths.filter((p) => p === '/v2/auth/token/refresh').length).toBeGreaterThan(0);
  });

  it('puts an invoice KSeF refuses in "rejected" with its code and text, and will not send it again as is', async () => {
    fastSend();
    const { w } = world;
    const community = (await sql<{ invoice_number: string }>`select invoice_number from invoices where utility_id = ${w.utilityId} and buyer_kind = 'community'`.execute(database.db)).rows[0]!;
    sim.control.rejectInvoice(community.invoice_number, { code: 450, description: 'Błąd weryfikacji semantyki dokumentu faktury', details: ['Data wystawienia (P_1) późniejsza niż data przyjęcia'] });
    await tenant(w, (tx) => requestSend(tx, { invoiceNumber: community.invoice_number }));
    await drainJobs(database, config, { kinds: [SEND_JOB] });
    const row = (await ksefRows(w)).find((r) => r.invoice_number === community.invoice_number)!;
    expect(row).toMatchObject({ state: 'rejected', status_code: 450, ksef_number: null, inv_number: null });
    expect(row.status_text).toContain('P_1');
    await expect(tenant(w, (tx) => requestSend(tx, { invoiceNumber: community.invoice_number }))).rejects.toMatchObject({ code: 'ksef.rejected_needs_correction' });
  });

  it('marks the invoices offline while KSeF does not answer, and sends them (offline mode) once it does', async () => {
    fastSend();
    const { w } = world;
    await sql`update ksef_settings set include_consumers = true where utility_id = ${w.utilityId}`.execute(database.db);
    await sim.control.setUnavailable('refused');
    const r = await tenant(w, (tx) => requestSend(tx, {}));
    expect(r.queued).toBe(12);
    expect(await drainJobs(database, config, { kinds: [SEND_JOB] })).toMatchObject({ done: 1 });
    let rows = (await ksefRows(w)).filter((x) => x.state !== 'accepted' && x.state !== 'rejected');
    expect(rows).toHaveLength(12);
    expect(rows.every((x) => x.state === 'offline' && x.offline)).toBe(true);
    // The job asked to be run again later.
    const later = await sql<{ n: number }>`select count(*)::int as n from jobs where utility_id = ${w.utilityId} and kind = ${SEND_JOB} and status = 'pending' and run_at > now()`.execute(database.db);
    expect(later.rows[0]!.n).toBe(1);
    await sim.control.setUnavailable(false);
    expect(await runJobsNow(w)).toMatchObject({ done: 1 });
    rows = (await ksefRows(w)).filter((x) => x.offline);
    expect(rows).toHaveLength(12);
    expectAllAccepted(rows, sim);
  });
});
