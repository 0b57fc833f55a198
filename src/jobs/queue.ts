/**
 * Durable background jobs in PostgreSQL (the core `jobs` table), for work
 * that must survive a restart and be retried: rendering invoice PDFs,
 * delivering invoices, and later the KSeF sessions.
 *
 * Why our own and not pg-boss or graphile-worker: both need a pool of real
 * PostgreSQL connections (graphile-worker also LISTEN/NOTIFY and its own
 * schema migrations run with advisory locks on a separate connection;
 * pg-boss its own schema, a supervisor and cron on several connections),
 * and Wodnik's embedded engine, PGlite, is one connection in the process:
 * neither runs on it. What the project needs is small and sits on the
 * table that already exists:
 *
 * - `enqueue` inside the caller's transaction (a job exists only if the work
 *   that asked for it commits), idempotent by a key;
 * - `claimJobs`: `FOR UPDATE SKIP LOCKED`, so several workers (or server
 *   processes) never take one job twice; a running job whose lease has run
 *   out (its process died) is claimed again;
 * - retries with exponential backoff up to `max_attempts`, then `failed`,
 *   listed for staff with a retry action (routes.ts).
 *
 * A job can still run twice (a crash after its work committed and before it
 * was marked done; a lease that ran out on a slow job), so every handler is
 * idempotent: it checks in its own transaction whether its work is already
 * done (an invoice's pdf_file_id, delivered_at) and does nothing then.
 */
import { sql } from 'kysely';
import type { Db } from '../db/connection.ts';
import type { Database } from '../db/connection.ts';
import { withTenant, type Tx } from '../db/tenant.ts';
import type { Config } from '../config.ts';

export interface JobContext {
  /** The job's transaction, in its utility's tenant context. */
  tx: Tx;
  utilityId: number;
  jobId: number;
  attempt: number;
  config: Config;
  database: Database;
}

export type JobHandler = (payload: any, ctx: JobContext) => Promise<void>;

const handlers = new Map<string, JobHandler>();

/** Registers the handler of a job kind (each module registers its own, once, at import). */
export function defineJob(kind: string, handler: JobHandler): void {
  handlers.set(kind, handler);
}

export function jobHandler(kind: string): JobHandler | undefined {
  return handlers.get(kind);
}

export interface EnqueueOptions {
  /** Idempotency key, unique per utility: a second enqueue with it does nothing. */
  key?: string;
  runAt?: Date;
  maxAttempts?: number;
}

/**
 * Enqueues a job of the transaction's utility, inside that transaction (it
 * runs only if the transaction commits). Returns the job's id, or null when
 * a job with the same key already exists.
 */
export async function enqueue(tx: Tx, kind: string, payload: Record<string, unknown>, opts: EnqueueOptions = {}): Promise<number | null> {
  const { rows } = await sql<{ id: string | number | null }>`
    select wodnik_enqueue_job(${kind}, ${opts.key ?? null}, ${JSON.stringify(payload)}::jsonb,
                              ${opts.runAt?.toISOString() ?? null}::timestamptz, ${opts.maxAttempts ?? null}::int) as id`.execute(tx);
  const id = rows[0]?.id;
  return id === null || id === undefined ? null : Number(id);
}

/** Seconds to wait after the n-th failed attempt: 10 s, 20 s, 40 s … at most an hour. */
export function backoffSeconds(attempt: number): number {
  return Math.min(3600, 10 * 2 ** Math.max(0, attempt - 1));
}

/** A claimed job is taken again by another worker after this long without an end. */
export const LEASE_SECONDS = 600;

export interface ClaimedJob {
  id: number;
  utility_id: number | null;
  kind: string;
  payload: unknown;
  attempts: number;
  max_attempts: number;
}

/** Claims up to `limit` due jobs (as the schema owner, across utilities). */
export async function claimJobs(db: Db, limit: number, kinds?: readonly string[]): Promise<ClaimedJob[]> {
  const kindFilter = kinds ? sql`and kind = any(${sql.val([...kinds])}::text[])` : sql``;
  const { rows } = await sql<ClaimedJob>`
    with due as (
      select id from jobs
       where ((status = 'pending' and run_at <= now())
          or (status = 'running' and locked_at < now() - make_interval(secs => ${LEASE_SECONDS})))
         ${kindFilter}
       order by run_at, id
       limit ${limit}
       for update skip locked)
    update jobs j set status = 'running', attempts = j.attempts + 1, locked_at = now()
      from due where j.id = due.id
    returning j.id, j.utility_id, j.kind, j.payload, j.attempts, j.max_attempts`.execute(db);
  return rows.map((r) => ({ ...r, id: Number(r.id), utility_id: r.utility_id === null ? null : Number(r.utility_id) }));
}

export interface RunReport {
  done: number;
  retrying: number;
  failed: number;
}

/** Runs one claimed job in its utility's transaction and records the outcome. */
export async function runJob(database: Database, config: Config, job: ClaimedJob): Promise<'done' | 'retrying' | 'failed'> {
  const db = database.db;
  try {
    const handler = handlers.get(job.kind);
    if (!handler) throw new Error(`no handler for job kind "${job.kind}"`);
    if (job.utility_id === null) throw new Error('job without a utility');
    await withTenant(db, { utilityId: job.utility_id }, (tx) =>
      handler(job.payload, { tx, utilityId: job.utility_id!, jobId: job.id, attempt: job.attempts, config, database }),
    );
    await sql`update jobs set status = 'done', finished_at = now(), locked_at = null, last_error = null where id = ${job.id}`.execute(db);
    return 'done';
  } catch (err) {
    const message = String((err as Error)?.message ?? err).slice(0, 1000);
    const giveUp = job.attempts >= job.max_attempts;
    await sql`
      update jobs
         set status = ${giveUp ? 'failed' : 'pending'},
             last_error = ${message},
             locked_at = null,
             run_at = now() + make_interval(secs => ${backoffSeconds(job.attempts)}),
             finished_at = ${giveUp ? sql`now()` : null}
       where id = ${job.id}`.execute(db);
    return giveUp ? 'failed' : 'retrying';
  }
}

/** Claims and runs what is due now, one batch (tests and the CLI call it directly). */
export async function runDueJobs(database: Database, config: Config, opts: { batch?: number; kinds?: readonly string[] } = {}): Promise<RunReport> {
  const report: RunReport = { done: 0, retrying: 0, failed: 0 };
  const jobs = await claimJobs(database.db, opts.batch ?? 10, opts.kinds);
  for (const job of jobs) report[await runJob(database, config, job)]++;
  return report;
}

/** Runs batches until nothing is due (tests: "let the background work finish"). */
export async function drainJobs(database: Database, config: Config, opts: { kinds?: readonly string[]; maxRounds?: number } = {}): Promise<RunReport> {
  const total: RunReport = { done: 0, retrying: 0, failed: 0 };
  for (let i = 0; i < (opts.maxRounds ?? 1000); i++) {
    const r = await runDueJobs(database, config, { batch: 50, kinds: opts.kinds });
    total.done += r.done;
    total.retrying += r.retrying;
    total.failed += r.failed;
    if (r.done + r.retrying + r.failed === 0) break;
  }
  return total;
}

export interface JobView {
  id: number;
  kind: string;
  key: string | null;
  payload: unknown;
  status: string;
  attempts: number;
  maxAttempts: number;
  lastError: string | null;
  runAt: string;
  createdAt: string;
  finishedAt: string | null;
}

const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : v === null || v === undefined ? null : new Date(String(v)).toISOString());

/** The tenant's jobs in one state (staff: the failed-jobs list), newest first. */
export async function listJobs(tx: Tx, status: 'failed' | 'pending' | 'running' | 'done', limit = 100): Promise<JobView[]> {
  const { rows } = await sql<Record<string, any>>`select * from wodnik_jobs_of_utility(${status}, ${limit})`.execute(tx);
  return rows.map((r) => ({
    id: Number(r.id),
    kind: r.kind,
    // The key without the utility prefix the queue adds.
    key: r.key === null ? null : String(r.key).replace(/^\d+:/, ''),
    payload: r.payload,
    status: r.status,
    attempts: Number(r.attempts),
    maxAttempts: Number(r.max_attempts),
    lastError: r.last_error,
    runAt: iso(r.run_at)!,
    createdAt: iso(r.created_at)!,
    finishedAt: iso(r.finished_at),
  }));
}

/** Puts a failed job of the tenant back in the queue; false when there is no such failed job. */
export async function retryJob(tx: Tx, id: number): Promise<boolean> {
  const { rows } = await sql<{ ok: boolean }>`select wodnik_retry_job(${id}) as ok`.execute(tx);
  return rows[0]?.ok === true;
}

const POLL_MS = 1_000;

/**
 * The worker started with the server (src/jobs/workers.ts): every second
 * claims a batch and runs it; keeps going while batches come back full.
 */
export function startJobWorker(database: Database, config: Config, opts: { pollMs?: number } = {}): () => Promise<void> {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  const tick = async () => {
    let busy = false;
    running = runDueJobs(database, config, { batch: 10 })
      .then((r) => {
        busy = r.done + r.retrying + r.failed >= 10;
      })
      .catch((err) => {
        if (!stopped) console.error(`jobs: round failed: ${(err as Error).message}`);
      });
    await running;
    if (!stopped) timer = setTimeout(tick, busy ? 0 : (opts.pollMs ?? POLL_MS));
  };
  timer = setTimeout(tick, 500);
  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    await running;
  };
}
