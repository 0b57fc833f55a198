/**
 * Tenant context. Every request and every job works inside one transaction
 * that first switches to the application role (neither superuser nor table
 * owner, so row-level security binds it) and records which utility and user
 * it acts for. The policies compare each row's utility_id with that setting.
 */
import { sql, type Transaction } from 'kysely';
import type { Db } from './connection.ts';
import type { DB } from './types.ts';

export type Tx = Transaction<DB>;

export const APP_ROLE = 'wodnik_app';

export interface TenantContext {
  utilityId: number;
  userId?: number | null;
}

/**
 * Runs fn in one transaction as the application role, scoped to one utility.
 *
 * The transaction is opened and switched to the tenant in one round trip
 * (`begin; select set_config(…)`, the ids written as integers): every
 * request runs one of these, and a round trip costs the request path more
 * than most of its queries do.
 */
export async function withTenant<T>(db: Db, ctx: TenantContext, fn: (tx: Tx) => Promise<T>): Promise<T> {
  // Called with a transaction already open (a service used by a request or a job): the work joins it,
  // under the tenant the transaction was opened for, instead of a second `begin` that would commit it early.
  if (isOpenTransaction(db)) return fn(db);
  const utilityId = sqlId(ctx.utilityId);
  const userId = ctx.userId ? sqlId(ctx.userId) : '';
  return db.connection().execute(async (conn) => {
    let result: T;
    try {
      await sql
        .raw(`begin; select set_config('role', '${APP_ROLE}', true), set_config('app.utility_id', '${utilityId}', true), set_config('app.user_id', '${userId}', true)`)
        .execute(conn);
      // One connection inside begin … commit is what Kysely's Transaction is too.
      openTransactions.add(conn);
      result = await fn(conn as unknown as Tx);
    } catch (err) {
      // The connection goes back to the pool: never with a transaction open. The first error is the one to report.
      await sql.raw('rollback').execute(conn).catch(() => {});
      throw err;
    }
    await sql.raw('commit').execute(conn);
    return result;
  });
}

/**
 * The connections withTenant has opened a transaction on. Kysely's own
 * `isTransaction` is false on them (they are plain single-connection
 * handles), so code that accepts "the database or a transaction" asks here:
 * opening a second `begin` on such a handle would commit the caller's work
 * early.
 */
const openTransactions = new WeakSet<object>();

/** True for a transaction (Kysely's, or one withTenant opened): work on it joins it. */
export function isOpenTransaction(db: Db | Tx): db is Tx {
  return (db as Tx).isTransaction || openTransactions.has(db);
}

/** An id as SQL text: only a positive safe integer passes, so nothing else can reach the statement. */
function sqlId(id: number): string {
  if (!Number.isSafeInteger(id) || id <= 0) throw new Error(`not an id: ${String(id)}`);
  return String(id);
}

/** Switches an open transaction to the application role and the utility. */
export async function enterTenant(tx: Tx, ctx: TenantContext): Promise<void> {
  await sql`select set_config('role', ${APP_ROLE}, true), set_config('app.utility_id', ${String(ctx.utilityId)}, true), set_config('app.user_id', ${ctx.userId ? String(ctx.userId) : ''}, true)`.execute(tx);
}

/**
 * Runs fn in one transaction as the application role with no utility chosen:
 * only rows that are public by policy (the utilities' public data) are visible.
 */
export async function withoutTenant<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (tx) => {
    await sql`select set_config('role', ${APP_ROLE}, true), set_config('app.utility_id', '', true)`.execute(tx);
    return fn(tx);
  });
}
