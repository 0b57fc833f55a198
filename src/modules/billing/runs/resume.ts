/**
 * Issuing in the background, and picking up runs left "issuing".
 *
 * Issuing is resumable (service.ts: each batch one transaction, only items
 * not yet issued are taken), so a run whose process died mid-issue needs
 * nothing but someone to call issueRun again. That someone is this worker:
 *
 * - at start-up it resumes every run in "issuing" (the process that issued
 *   it is gone, or it is another live server, and then the run's row lock
 *   makes the two take turns batch by batch: nothing twice, no gap);
 * - then every minute it resumes a run still "issuing" whose progress has not
 *   moved since the last look and that no issuer in this process is working
 *   on: its issuer (another server process) died. A run that stopped on an
 *   error (lastError) waits for staff to press "issue" again, or a restart,
 *   so one failing batch is not retried every minute forever.
 *
 * Why not a job on the queue (src/jobs/queue.ts): a job's handler runs inside
 * one transaction held for the whole job, and issuing commits batch by batch
 * in transactions of its own; on PGlite (one connection) the two would wait
 * for each other. The sweep needs no new table: the run's row is the state.
 */
import { sql } from 'kysely';
import type { Database } from '../../../db/connection.ts';
import type { AppDeps } from '../../../http/context.ts';
import { issueRun, type IssueOptions } from './service.ts';

/** Runs being issued by this process: one loop per run. */
const running = new Map<string, Promise<void>>();
/** Set while the server stops: the next batch rolls back and the loop ends (resumed at the next start). */
let stopping = false;

export const SWEEP_MS = 60_000;

export class StoppingError extends Error {
  constructor() {
    super('the server is stopping; the run is resumed at the next start');
  }
}

/**
 * Issues (or resumes) a run in the background unless this process is at it
 * already; returns the loop's promise, which never rejects (the error is kept
 * on the run as lastError by issueRun).
 */
export function issueInBackground(
  database: Database,
  utilityId: number,
  runId: number,
  opts: Pick<IssueOptions, 'userId' | 'now' | 'batchSize'> & { onError?: (err: unknown) => void } = {},
): Promise<void> {
  const key = `${utilityId}:${runId}`;
  const current = running.get(key);
  if (current) return current;
  const loop = issueRun(database, utilityId, runId, {
    ...opts,
    inBatch: () => {
      if (stopping) throw new StoppingError();
    },
  })
    .then(() => undefined)
    .catch((err) => {
      if (!(err instanceof StoppingError)) opts.onError?.(err);
    })
    .finally(() => running.delete(key));
  running.set(key, loop);
  return loop;
}

export function isIssuingHere(utilityId: number, runId: number): boolean {
  return running.has(`${utilityId}:${runId}`);
}

export interface IssuingRun {
  utilityId: number;
  runId: number;
  issued: number;
  lastError: string | null;
}

/** Every run in "issuing", across utilities (read as the schema owner, like the job queue's claim). */
export async function issuingRuns(database: Database): Promise<IssuingRun[]> {
  const { rows } = await sql<{ utility_id: number; id: number; issued: number; last_error: string | null }>`
    select utility_id, id, issued, last_error from billing_runs where status = 'issuing' order by utility_id, id`.execute(database.db);
  return rows.map((r) => ({ utilityId: Number(r.utility_id), runId: Number(r.id), issued: Number(r.issued), lastError: r.last_error }));
}

const keyOf = (r: { utilityId: number; runId: number }) => `${r.utilityId}:${r.runId}`;

/**
 * Which runs to resume on a later sweep (pure): those without an error, not
 * issued by this process, whose count of issued invoices is what it was at
 * the previous sweep (nobody is issuing them).
 */
export function staleRuns(previous: ReadonlyMap<string, number>, now: IssuingRun[], here: (r: IssuingRun) => boolean): IssuingRun[] {
  return now.filter((r) => r.lastError === null && !here(r) && previous.get(keyOf(r)) === r.issued);
}

/** Resumes the given runs in the background; resolves when they have all ended. */
export function resumeRuns(database: Database, runs: IssuingRun[], onError?: (r: IssuingRun, err: unknown) => void): Promise<void> {
  return Promise.all(runs.map((r) => issueInBackground(database, r.utilityId, r.runId, { onError: (err) => onError?.(r, err) }))).then(() => undefined);
}

/** The worker (src/jobs/workers.ts): the start-up sweep, then a sweep every minute. */
export async function startRunResumer({ database }: Pick<AppDeps, 'database'>, opts: { sweepMs?: number } = {}): Promise<() => Promise<void>> {
  stopping = false;
  const log = (r: IssuingRun, err: unknown) => console.error(`billing run ${r.runId} (utility ${r.utilityId}): issuing failed: ${(err as Error)?.message ?? err}`);
  let seen = new Map<string, number>();
  let timer: NodeJS.Timeout | undefined;
  const sweep = async (first: boolean) => {
    const runs = await issuingRuns(database);
    const pick = first ? runs : staleRuns(seen, runs, (r) => isIssuingHere(r.utilityId, r.runId));
    seen = new Map(runs.map((r) => [keyOf(r), r.issued]));
    void resumeRuns(database, pick, log);
  };
  const loop = (first: boolean) =>
    sweep(first)
      .catch((err) => {
        if (!stopping) console.error(`billing runs: resume sweep failed: ${(err as Error).message}`);
      })
      .finally(() => {
        if (!stopping) timer = setTimeout(() => void loop(false), opts.sweepMs ?? SWEEP_MS);
      });
  await loop(true);
  return async () => {
    stopping = true;
    if (timer) clearTimeout(timer);
    // Each loop stops at its next batch (rolled back whole); the run stays "issuing" for the next start.
    await Promise.all(running.values());
    stopping = false;
  };
}
