/**
 * Bulk loading for the demo data: one transaction with COPY for the big
 * tables (src/db/bulk.ts); ordinary inserts land in the same transaction, so
 * a failed seed leaves nothing.
 *
 * Runs as the schema owner (like migrations): seeding is set-up work across
 * utilities, not a request of one.
 */
import { sql } from 'kysely';
import { withCopyTx, type CopyRows } from '../../db/bulk.ts';
import type { Database, Db } from '../../db/connection.ts';

export { copyLine, copyValue } from '../../db/bulk.ts';

export interface BulkSession {
  /** Kysely on the session's connection, inside its transaction. */
  db: Db;
  /** COPY text-format lines (each ending in '\n'), or the same as bytes, into table (columns). */
  copy(table: string, columns: readonly string[], lines: CopyRows): Promise<void>;
}

/** Runs fn in one transaction with COPY at hand; commits when fn returns, rolls back when it throws. */
export async function inBulkSession<T>(database: Database, fn: (s: BulkSession) => Promise<T>): Promise<T> {
  return withCopyTx(database, null, (tx, copy) => fn({ db: tx, copy }));
}

/** Next free id of each table (identity columns are shared by all utilities). */
export async function nextIds<T extends string>(db: Db, tables: readonly T[]): Promise<Record<T, number>> {
  const out = {} as Record<T, number>;
  for (const t of tables) {
    const r = await sql<{ n: number }>`select coalesce(max(id), 0)::int8 + 1 as n from ${sql.table(t)}`.execute(db);
    out[t] = Number(r.rows[0].n);
  }
  return out;
}

/** After rows with explicit ids: move each identity sequence past the highest id. */
export async function syncSequences(db: Db, tables: readonly string[]): Promise<void> {
  for (const t of tables) {
    await sql`select setval(pg_get_serial_sequence(${t}, 'id'), greatest((select max(id) from ${sql.table(t)}), 1))`.execute(db);
  }
}

/**
 * Foreign keys of freshly generated rows are right by construction, and
 * checking them row by row is most of the cost of a large COPY. A superuser
 * may skip them for this transaction (session_replication_role = replica) —
 * but only while no table being loaded has triggers of its own, which
 * replica mode would silently skip as well. Triggers named
 * *_references_on_* are reference checks standing in for foreign keys
 * (readings): skipping them is the same as skipping the keys. Returns whether it did.
 */
export async function skipForeignKeyChecks(db: Db, tables: readonly string[]): Promise<boolean> {
  const r = await sql<{ su: boolean; triggers: number }>`
    select (select rolsuper from pg_roles where rolname = current_user) as su,
           (select count(*)::int from pg_trigger where not tgisinternal and tgrelid::regclass::text in (${sql.join(tables)})
              and tgname not like '%\\_references\\_on\\_%') as triggers`.execute(db);
  const { su, triggers } = r.rows[0];
  if (!su || Number(triggers) > 0) return false;
  await sql`set local session_replication_role = replica`.execute(db);
  return true;
}

/**
 * Drops the secondary indexes of a table (not those behind a primary key or
 * unique constraint) and returns a function that builds them again: one
 * sorted build after a large load is several times cheaper than keeping
 * them up to date row by row. Inside the transaction, so a failure restores them.
 */
export async function suspendIndexes(db: Db, table: string): Promise<() => Promise<void>> {
  const r = await sql<{ name: string; def: string }>`
    select i.indexname as name, i.indexdef as def from pg_indexes i
    where i.schemaname = 'public' and i.tablename = ${table}
      and not exists (select 1 from pg_constraint c where c.conname = i.indexname and c.conrelid = ${table}::regclass)`.execute(db);
  for (const ix of r.rows) await sql`drop index ${sql.id(ix.name)}`.execute(db);
  return async () => {
    await sql`set local maintenance_work_mem = '256MB'`.execute(db);
    for (const ix of r.rows) await sql.raw(ix.def).execute(db);
  };
}
