/**
 * Issue 16, "Bad input": a UPO that does not validate against upo-v4-3.xsd
 * and a session KSeF closes with errors are clear states with a code for
 * staff; nothing is lost and nothing is sent twice. Against the local KSeF
 * simulator (its invalidUpos and failSessionClose faults), both engines.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import type { Database } from '../src/db/connection.ts';
import { withTenant } from '../src/db/tenant.ts';
import { drainJobs } from '../src/jobs/queue.ts';
import { approveRun, createPreviewRun, issueRun } from '../src/modules/billing/runs/service.ts';
import { boxOf, invoiceKsef, invoiceUpoBytes, overview, requestSend, sendOptions, SEND_JOB } from '../src/modules/ksef/service.ts';
import { saveSettings } from '../src/modules/ksef/settings.ts';
import { checkUpo } from '../src/modules/ksef/upo-schema.ts';
import { PERIOD, buildBillingWorld, type World } from './support/billing-world.ts';
import { createTestDatabase } from './support/db.ts';
import { fastSend, resetSendOptions } from './support/ksef-send-options.ts';
import { isValidKsefNumber, startKsefSimulator, type KsefSimulator } from './support/ksef-sim/index.ts';
import { brokenUpo, invoiceUpo } from './support/ksef-sim/upo.ts';
import { sharedPath } from './support/shared.ts';

const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', WODNIK_SECRET_KEY: '22'.repeat(32) });
const NOW = () => new Date('2026-11-03T09:00:00Z');
const mfExample = sharedPath('ksef/upo/upo-faktura-kontekst-id-nip.xml');

describe.skipIf(!mfExample)('the UPO schema check (upo-v4-3.xsd)', () => {
  const simUpo = invoiceUpo(
    { sessionReferenceNumber: '20261103-SO-0000000001-0000000002-3F', contextNip: '5265877635', auth: { ksefTokenReference: '20261103-TK-0000000001-0000000002-3F' } },
    { sellerNip: '5265877635', ksefNumber: '5265877635-20250916-0200A0D6723E-C2', invoiceNumber: 'FV/1/2026', issueDate: '2026-11-03', sentAt: NOW(), numberedAt: NOW(), invoiceHash: 'GZMGNVzs3krF6URKgvaw77OOeG3nJ+WGziT5xguliQ8=', mode: 'Online' },
  );

  it('takes a valid UPO; refuses a missing element, another namespace and what is not XML, with libxml2’s message', () => {
    expect(checkUpo(Buffer.from(simUpo), 'production')).toEqual({ valid: true });
    const missing = checkUpo(Buffer.from(brokenUpo(simUpo, 'missing-element')), 'production');
    expect(missing).toMatchObject({ valid: false, problem: expect.stringContaining('NumerKSeFDokumentu') });
    expect(checkUpo(Buffer.from(brokenUpo(simUpo, 'wrong-namespace')), 'test')).toMatchObject({ valid: false, problem: expect.stringContaining('No matching global declaration') });
    expect(checkUpo(Buffer.from(brokenUpo(simUpo, 'not-xml')), 'test')).toMatchObject({ valid: false });
    expect(checkUpo(Buffer.alloc(0), 'test')).toMatchObject({ valid: false });
  });

  it('accepts the TEST environment’s receiver name outside production only (MF’s own examples)', () => {
    const ex = readFileSync(mfExample!);
    expect(checkUpo(ex, 'test')).toEqual({ valid: true });
    expect(checkUpo(ex, 'demo')).toEqual({ valid: true });
    expect(checkUpo(ex, 'production')).toMatchObject({ valid: false, problem: expect.stringContaining('fixed value') });
  });
});

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
}, 180_000);
afterAll(() => database?.close());
afterEach(resetSendOptions);

const tenant = <T,>(w: World, fn: Parameters<typeof withTenant<T>>[2]) => withTenant(database.db, { utilityId: w.utilityId }, fn);

async function issuedWorld(sim: KsefSimulator): Promise<{ w: World; runId: number }> {
  const w = await buildBillingWorld(database, 4);
  const runId = await tenant(w, (tx) => createPreviewRun(tx, w.utilityId, { period: PERIOD, selection: {} }));
  await tenant(w, (tx) => approveRun(tx, w.utilityId, runId, null));
  await issueRun(database, w.utilityId, runId, { now: NOW, batchSize: 50 });
  const nip = (await sql<{ nip: string }>`select nip from utilities where id = ${w.utilityId}`.execute(database.db)).rows[0]!.nip;
  const token = sim.control.addKsefToken(nip);
  await tenant(w, (tx) => saveSettings(tx, boxOf(config), { environment: 'test', sellerNip: nip, authMethod: 'token', token, includeConsumers: true, offline24: false, apiUrlOverride: sim.url }));
  return { w, runId };
}

/** Runs the pending send jobs now, including those asked for later (a retry). */
async function runJobsNow(w: World) {
  await sql`update jobs set run_at = now() where utility_id = ${w.utilityId} and kind = ${SEND_JOB} and status = 'pending'`.execute(database.db);
  return drainJobs(database, config, { kinds: [SEND_JOB], maxRounds: 10 });
}

async function rows(w: World) {
  const r = await sql<{ invoice_id: number; invoice_number: string; state: string; ksef_number: string | null; upo: Uint8Array | null; upo_invalid: Uint8Array | null; upo_problem: string | null; status_code: number | null; status_text: string | null }>`
    select k.invoice_id, i.invoice_number, k.state, k.ksef_number, k.upo, k.upo_invalid, k.upo_problem, k.status_code, k.status_text
      from ksef_invoices k join invoices i on i.utility_id = k.utility_id and i.id = k.invoice_id
     where k.utility_id = ${w.utilityId} order by i.invoice_number`.execute(database.db);
  return r.rows;
}

const invoicePosts = (sim: KsefSimulator) => sim.control.requests().filter((q) => q.method === 'POST' && /\/invoices$/.test(q.path) && q.status < 300).length;

describe('a UPO that does not validate', () => {
  let sim: KsefSimulator;
  afterAll(() => sim?.close());

  it('keeps the KSeF number, sets ksef.upo_invalid for staff, keeps the bytes, refuses to serve it; a valid UPO later clears it; nothing is sent twice', async () => {
    sim = await startKsefSimulator({ rateLimitScale: 0 });
    const { w } = await issuedWorld(sim);
    fastSend();
    const business = (await sql<{ id: number; invoice_number: string }>`select id, invoice_number from invoices where utility_id = ${w.utilityId} and buyer_kind = 'business'`.execute(database.db)).rows[0]!;
    sim.control.invalidUpos('missing-element');
    await tenant(w, (tx) => requestSend(tx, { invoiceNumber: business.invoice_number }));
    expect(await drainJobs(database, config, { kinds: [SEND_JOB] })).toMatchObject({ done: 1, failed: 0 });

    let row = (await rows(w)).find((r) => r.invoice_id === business.id)!;
    expect(row.state).toBe('accepted');
    expect(isValidKsefNumber(row.ksef_number!)).toBe(true);
    expect(row.upo).toBeNull();
    expect(Buffer.from(row.upo_invalid!).toString('utf8')).toContain('<Potwierdzenie');
    expect(row.upo_problem).toContain('NumerKSeFDokumentu');
    const staff = await tenant(w, (tx) => invoiceKsef(tx, business.id));
    expect(staff).toMatchObject({ state: 'accepted', ksefNumber: row.ksef_number, hasUpo: false, upoState: 'invalid', upoIssue: { code: 'ksef.upo_invalid', detail: row.upo_problem } });
    expect(staff.upoIssue!.pl).toContain('UPO');
    await expect(tenant(w, (tx) => invoiceUpoBytes(tx, business.id))).rejects.toMatchObject({ kind: 'conflict', code: 'ksef.upo_invalid' });
    const ov = await tenant(w, (tx) => overview(tx));
    expect(ov.upoInvalid).toBe(1);
    expect(ov.upoInvalidInvoices[0]).toMatchObject({ invoiceNumber: business.invoice_number, issue: { code: 'ksef.upo_invalid' } });
    // The job asked to run again later for the UPO.
    const later = await sql<{ n: number }>`select count(*)::int as n from jobs where utility_id = ${w.utilityId} and kind = ${SEND_JOB} and status = 'pending' and run_at > now()`.execute(database.db);
    expect(later.rows[0]!.n).toBe(1);

    // `wodnik ksef upo` refuses in one line with the code (spawned on PostgreSQL only: the PGlite test database lives in this process).
    if (database.kind === 'postgres') {
      const cli = spawnSync(process.execPath, [path.resolve('bin/wodnik.js'), 'ksef', 'upo', business.invoice_number, '--utility', w.slug], {
        encoding: 'utf8',
        env: { ...process.env, DATABASE_URL: database.location, WODNIK_SECRET_KEY: '22'.repeat(32), LOG_LEVEL: 'silent' },
        timeout: 60_000,
      });
      expect(cli.status).toBe(2);
      expect(cli.stdout).toBe('');
      expect(cli.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^wodnik: ksef\.upo_invalid: /)]);
    }

    // Still broken (another way) on the retry: still the state, the newer bytes kept, the invoice not sent again.
    sim.control.invalidUpos('not-xml');
    expect(await runJobsNow(w)).toMatchObject({ done: 1 });
    row = (await rows(w)).find((r) => r.invoice_id === business.id)!;
    expect(row).toMatchObject({ state: 'accepted', upo: null });
    expect(Buffer.from(row.upo_invalid!).toString('utf8')).toContain('<html>');
    expect(invoicePosts(sim)).toBe(1);

    // KSeF serves a valid UPO again: stored, served, the state cleared; one number, one sending.
    sim.control.invalidUpos(false);
    expect(await runJobsNow(w)).toMatchObject({ done: 1 });
    row = (await rows(w)).find((r) => r.invoice_id === business.id)!;
    expect(row).toMatchObject({ state: 'accepted', upo_invalid: null, upo_problem: null });
    const served = Buffer.from(await tenant(w, (tx) => invoiceUpoBytes(tx, business.id))).toString('utf8');
    expect(served).toContain(row.ksef_number!);
    expect(await tenant(w, (tx) => invoiceKsef(tx, business.id))).toMatchObject({ upoState: 'valid', upoIssue: null });
    expect((await tenant(w, (tx) => overview(tx))).upoInvalid).toBe(0);
    expect(invoicePosts(sim)).toBe(1);
    expect(sim.control.accepted().filter((a) => a.invoiceNumber === business.invoice_number)).toHaveLength(1);
    // Nothing left to ask for: no job waits for it.
    const pending = await sql<{ n: number }>`select count(*)::int as n from jobs where utility_id = ${w.utilityId} and kind = ${SEND_JOB} and status = 'pending'`.execute(database.db);
    expect(pending.rows[0]!.n).toBe(0);
  });
});

describe('a session KSeF closes with errors', () => {
  let sim: KsefSimulator;
  afterAll(() => sim?.close());

  it('shows the session failed with KSeF’s code, puts its invoices back in the queue with it, and sends them once in the next run', async () => {
    sim = await startKsefSimulator({ rateLimitScale: 0 });
    const { w, runId } = await issuedWorld(sim);
    fastSend();
    sendOptions.maxPerSession = 10;
    sim.control.failSessionClose({ code: 500, description: 'Nieznany błąd (500)', details: ['Symulowany błąd sesji'] });
    const r = await tenant(w, (tx) => requestSend(tx, { runId }));
    expect(r.queued).toBeGreaterThan(0);
    expect(await drainJobs(database, config, { kinds: [SEND_JOB], maxRounds: 1 })).toMatchObject({ done: 1 });

    const sessions = await sql<{ state: string; status_code: number; status_text: string }>`select state, status_code, status_text from ksef_sessions where utility_id = ${w.utilityId} order by id`.execute(database.db);
    expect(sessions.rows[0]).toMatchObject({ state: 'failed', status_code: 500 });
    expect(sessions.rows[0]!.status_text).toContain('Nieznany błąd');
    let all = await rows(w);
    expect(all).toHaveLength(r.queued);
    // Nothing lost: each invoice is waiting again, with KSeF's answer for staff; none has a number.
    expect(all.every((x) => x.state === 'queued' && x.status_code === 500 && x.ksef_number === null)).toBe(true);
    expect(sim.control.accepted()).toHaveLength(0);
    const ov = await tenant(w, (tx) => overview(tx));
    expect(ov.sessions.find((s) => s.state === 'failed')).toMatchObject({ statusCode: 500 });
    // Not sent again at once: the next run waits a while.
    expect(sessions.rows).toHaveLength(1);
    const later = await sql<{ n: number }>`select count(*)::int as n from jobs where utility_id = ${w.utilityId} and kind = ${SEND_JOB} and status = 'pending' and run_at > now() + interval '1 minute'`.execute(database.db);
    expect(later.rows[0]!.n).toBe(1);

    // The next run sends them; each gets exactly one number.
    expect(await runJobsNow(w)).toMatchObject({ failed: 0 });
    all = await rows(w);
    expect(all.every((x) => x.state === 'accepted' && x.upo !== null)).toBe(true);
    expect(new Set(all.map((x) => x.ksef_number)).size).toBe(all.length);
    expect(sim.control.accepted()).toHaveLength(all.length);
  });
});
