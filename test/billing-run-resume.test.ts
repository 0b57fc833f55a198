/**
 * A run left "issuing" resumes by itself: the issuing process dies after
 * some batches (simulated: a batch that throws, the way a crash leaves it:
 * committed batches stay, the open one is rolled back), and the worker the
 * server starts (startRunResumer) picks the run up at start-up and issues
 * the rest: the same invoices as a run never interrupted, numbered without
 * a gap, none twice. A later sweep takes only runs nobody is working on.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/connection.ts';
import { withTenant } from '../src/db/tenant.ts';
import { issueInBackground, staleRuns, startRunResumer, type IssuingRun } from '../src/modules/billing/runs/resume.ts';
import { approveRun, createPreviewRun, getRun, issueRun } from '../src/modules/billing/runs/service.ts';
import { PERIOD, buildBillingWorld, type World } from './support/billing-world.ts';
import { createTestDatabase } from './support/db.ts';

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
}, 180_000);
afterAll(() => database?.close());

const NOW = () => new Date('2026-11-03T09:00:00Z');
const tenant = <T,>(w: World, fn: Parameters<typeof withTenant<T>>[2]) => withTenant(database.db, { utilityId: w.utilityId }, fn);

async function approved(w: World) {
  const runId = await tenant(w, (tx) => createPreviewRun(tx, w.utilityId, { period: PERIOD, selection: {} }));
  await tenant(w, (tx) => approveRun(tx, w.utilityId, runId, null));
  return runId;
}

/** Each invoice as [number without the utility's month prefix, contract, gross]. */
async function invoices(w: World) {
  const { rows } = await sql<{ invoice_number: string; contract_number: string; gross_grosze: number }>`
    select i.invoice_number, c.contract_number, i.gross_grosze from invoices i join contracts c on c.utility_id = i.utility_id and c.id = i.contract_id
    where i.utility_id = ${w.utilityId} order by i.invoice_number`.execute(database.db);
  return rows.map((r) => [r.invoice_number.slice(-6), r.contract_number, Number(r.gross_grosze)]);
}

async function until(check: () => Promise<boolean>, ms = 30_000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('a run left issuing', () => {
  it('is resumed by the worker at start-up: the same invoices as an uninterrupted run, gapless, none twice', async () => {
    const ref = await buildBillingWorld(database, 10);
    await issueRun(database, ref.utilityId, await approved(ref), { now: NOW, batchSize: 3, documents: false });
    const expected = await invoices(ref);
    expect(expected).toHaveLength(ref.billable);

    const w = await buildBillingWorld(database, 10);
    const runId = await approved(w);
    // The process "dies" in its third batch: two batches committed, the third rolled back.
    await expect(
      issueRun(database, w.utilityId, runId, { now: NOW, batchSize: 3, documents: false, inBatch: (b) => { if (b === 3) throw new Error('killed'); } }),
    ).rejects.toThrow('killed');
    expect(await tenant(w, (tx) => getRun(tx, w.utilityId, runId))).toMatchObject({ status: 'issuing', issued: 6 });

    const stop = await startRunResumer({ database }, { sweepMs: 60_000 });
    try {
      await until(async () => (await tenant(w, (tx) => getRun(tx, w.utilityId, runId))).status === 'issued');
    } finally {
      await stop();
    }
    const run = await tenant(w, (tx) => getRun(tx, w.utilityId, runId));
    expect(run).toMatchObject({ status: 'issued', issued: w.billable, lastError: null });
    expect(await invoices(w)).toEqual(expected);
  });

  it('issues a run once however often it is asked in one process', async () => {
    const w = await buildBillingWorld(database, 4);
    const runId = await approved(w);
    await tenant(w, (tx) => sql`update billing_runs set status = 'issuing', issue_date = '2026-11-03' where id = ${runId}`.execute(tx));
    const a = issueInBackground(database, w.utilityId, runId, { now: NOW, batchSize: 2 });
    const b = issueInBackground(database, w.utilityId, runId, { now: NOW, batchSize: 2 });
    expect(b).toBe(a);
    await a;
    expect((await invoices(w)).map((i) => i[0])).toEqual(Array.from({ length: w.billable }, (_, i) => String(i + 1).padStart(6, '0')));
  });

  it('resumes on a later sweep only the runs whose progress stood still, without an error, not issued here', () => {
    const run = (runId: number, issued: number, lastError: string | null = null): IssuingRun => ({ utilityId: 1, runId, issued, lastError });
    const previous = new Map([['1:1', 10], ['1:2', 10], ['1:3', 10], ['1:4', 10]]);
    const now = [run(1, 10), run(2, 15), run(3, 10, 'boom'), run(4, 10), run(5, 0)];
    expect(staleRuns(previous, now, (r) => r.runId === 4).map((r) => r.runId)).toEqual([1]);
  });
});
