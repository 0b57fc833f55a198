/**
 * E-mails made by the outbox worker rather than by the request that asks for
 * them. A request whose answer must not tell whether an address has an
 * account (password reset, a new verification link) only records what was
 * asked for, the same row for every address, and answers at once; looking
 * the address up, issuing a link, rendering the message and queueing it in
 * the outbox (or doing nothing, for an unknown address) happen later in the
 * worker, where their cost is invisible to the caller.
 *
 * The module that owns a kind of message defines its composer once
 * (`defineComposer`); the worker runs it in the utility's tenant context and
 * deletes the request in the same transaction, so a request is composed
 * exactly once even if the worker dies half-way.
 */
import { sql } from 'kysely';
import type { Database } from '../../db/connection.ts';
import { enterTenant, type Tx } from '../../db/tenant.ts';

export interface EmailRequest {
  utilityId: number;
  to: string;
  data: Record<string, unknown>;
}

export type Composer = (tx: Tx, req: EmailRequest) => Promise<void>;

/** Failed compositions are retried this many times (growing pauses) before the request is marked failed. */
const MAX_TRIES = 5;
const composers = new Map<string, Composer>();

/** Registers how messages of one kind are made; returns the function that asks for one. */
export function defineComposer(name: string, compose: Composer) {
  composers.set(name, compose);
  return (tx: Tx, req: EmailRequest) => requestEmail(tx, name, req);
}

/** Records that a message is wanted (inside the caller's transaction). Does no lookup, hashing or rendering. */
export async function requestEmail(tx: Tx, composer: string, req: EmailRequest): Promise<void> {
  await tx
    .insertInto('email_requests')
    .values({ utility_id: req.utilityId, composer, to_address: req.to.slice(0, 320), data: JSON.stringify(req.data) })
    .execute();
}

interface Claimed {
  utility_id: number;
  id: number;
  composer: string;
  to_address: string;
  data: Record<string, unknown> | string;
  attempts: number;
}

/** The worker's first step: composes due requests one transaction each. Runs as the schema owner across utilities. */
export async function composeRequested(database: Database, batch = 50): Promise<{ composed: number; failed: number }> {
  const report = { composed: 0, failed: 0 };
  for (let i = 0; i < batch; i++) {
    let claimed: Claimed | undefined;
    try {
      await database.db.transaction().execute(async (tx) => {
        const row = (
          await sql<Claimed>`
            select utility_id, id, composer, to_address, data, attempts from email_requests
             where status = 'pending' and next_attempt_at <= now()
             order by next_attempt_at, id limit 1 for update skip locked`.execute(tx)
        ).rows[0];
        claimed = row;
        if (!row) return;
        const compose = composers.get(row.composer);
        if (!compose) throw new Error(`no composer '${row.composer}' in this process`);
        await enterTenant(tx, { utilityId: row.utility_id });
        const data = typeof row.data === 'string' ? JSON.parse(row.data) : row.data;
        await compose(tx, { utilityId: row.utility_id, to: row.to_address, data });
        await tx.deleteFrom('email_requests').where('utility_id', '=', row.utility_id).where('id', '=', row.id).execute();
      });
    } catch (err) {
      // The composition rolled back; the request stays, to be tried again later.
      if (!claimed) throw err;
      await noteFailure(database, claimed, err as Error);
      report.failed++;
      continue;
    }
    if (!claimed) break;
    report.composed++;
  }
  return report;
}

async function noteFailure(database: Database, row: Claimed, err: Error): Promise<void> {
  const attempts = row.attempts + 1;
  await database.db
    .updateTable('email_requests')
    .set({
      attempts,
      status: attempts >= MAX_TRIES ? 'failed' : 'pending',
      last_error: String(err.message).slice(0, 500),
      next_attempt_at: sql`now() + make_interval(secs => ${30 * 2 ** (attempts - 1)})`,
    })
    .where('utility_id', '=', row.utility_id)
    .where('id', '=', row.id)
    .execute();
}
