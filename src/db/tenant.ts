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

/** Runs fn in one transaction as the application role, scoped to one utility. */
export async function withTenant<T>(db: Db, ctx: TenantContext, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (tx) => {
    await enterTenant(tx, ctx);
    return fn(tx);
  });
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
