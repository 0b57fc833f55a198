/**
 * Identity's housekeeping, run by the server every hour: sessions that ended
 * (expired or idle), one-time tokens long past their expiry, sign-in
 * attempts older than the audit needs, and idle throttle counters. Runs as the schema owner across
 * utilities, like the outbox worker.
 */
import { sql } from 'kysely';
import type { Database } from '../../db/connection.ts';
import type { Worker } from '../../jobs/workers.ts';
import { pruneThrottle } from './throttle.ts';

const HOUR_MS = 3_600_000;
/** Sign-in attempts are kept this long (the throttling needs 15 minutes; the rest is for investigating abuse). */
export const ATTEMPTS_KEPT_DAYS = 30;

export async function pruneIdentity(database: Database, idleMinutes: number) {
  const db = database.db;
  const sessions = await db
    .deleteFrom('sessions')
    .where((eb) => eb.or([eb('expires_at', '<', sql<Date>`now()`), eb('last_seen_at', '<', sql<Date>`now() - make_interval(mins => ${idleMinutes})`)]))
    .executeTakeFirst();
  const tokens = await db.deleteFrom('auth_tokens').where('expires_at', '<', sql<Date>`now() - interval '7 days'`).executeTakeFirst();
  const attempts = await db
    .deleteFrom('auth_attempts')
    .where('at', '<', sql<Date>`now() - make_interval(days => ${ATTEMPTS_KEPT_DAYS})`)
    .executeTakeFirst();
  const counters = await pruneThrottle(db);
  return { sessions: Number(sessions.numDeletedRows), tokens: Number(tokens.numDeletedRows), attempts: Number(attempts.numDeletedRows), counters };
}

export const startIdentityHousekeeping: Worker = async ({ config, database }) => {
  let running: Promise<unknown> = Promise.resolve();
  const run = () => {
    running = pruneIdentity(database, config.sessionIdleMinutes).catch((err) => console.error(`identity housekeeping failed: ${(err as Error).message}`));
  };
  const first = setTimeout(run, 5_000);
  const timer = setInterval(run, HOUR_MS);
  return async () => {
    clearTimeout(first);
    clearInterval(timer);
    await running;
  };
};
