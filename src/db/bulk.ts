/**
 * One transaction with COPY at hand, on either engine: PGlite copies from a
 * Blob (`COPY … FROM '/dev/blob'`), a PostgreSQL server through
 * pg-copy-streams on the transaction's own connection. Typed queries (the
 * Transaction handed to fn) and the COPYs share that one transaction: when
 * fn throws, nothing of it stays.
 *
 * With a tenant context the transaction runs as the application role in the
 * utility, like every request — except the COPY statements themselves:
 * PostgreSQL refuses COPY FROM into a table under row-level security, so each
 * copy steps back to the connecting role (the schema owner, who runs the
 * migrations) for that one statement and returns to the application role
 * after it. Callers write utility_id from the context, never from input.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Kysely, PostgresDialect, sql } from 'kysely';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Database } from './connection.ts';
import { APP_ROLE, enterTenant, type TenantContext, type Tx } from './tenant.ts';
import type { DB } from './types.ts';

export { copyLine, copyValue } from './copy-text.ts';

/**
 * COPY text-format rows (each ending in '\n'): one string, many, the same as
 * bytes, or a stream of pieces of bytes (each ending at a row's end and
 * left unchanged once given), made while the server stores the pieces
 * before (PGlite: gathered first).
 */
export type CopyRows = string | string[] | Uint8Array | AsyncIterable<Uint8Array>;

/**
 * `ownRole`: for a temporary table of this transaction (row-level security
 * does not cover it): the COPY never leaves the connection in the owner's
 * role between statements, so a statement queued on it meanwhile (a
 * pipelined load) cannot run in that role. On a server the COPY runs in the
 * transaction's own role; PGlite copies from a file, which only the owner
 * may read, so there the role is switched and restored within one call.
 */
export type CopyFn = (table: string, columns: readonly string[], rows: CopyRows, opts?: { ownRole?: boolean }) => Promise<void>;

const isStream = (rows: CopyRows): rows is AsyncIterable<Uint8Array> => typeof rows === 'object' && Symbol.asyncIterator in rows;
const isEmpty = (rows: CopyRows) => !isStream(rows) && rows.length === 0;

async function gathered(rows: AsyncIterable<Uint8Array>): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for await (const piece of rows) out.push(piece);
  return out;
}

/** Runs fn in one transaction with COPY at hand; commits when fn returns, rolls back when it throws. */
export async function withCopyTx<T>(database: Database, tenant: TenantContext | null, fn: (tx: Tx, copy: CopyFn) => Promise<T>): Promise<T> {
  if (database.pglite) {
    const pg = database.pglite;
    return database.db.transaction().execute(async (tx) => {
      if (tenant) await enterTenant(tx, tenant);
      // The transaction holds the dialect's lock on PGlite; a direct call on the instance runs inside it.
      const blobOf = async (rows: CopyRows) => {
        const parts = isStream(rows) ? await gathered(rows) : Array.isArray(rows) ? rows : [rows];
        return new Blob(parts as (string | Uint8Array<ArrayBuffer>)[]);
      };
      const fromBlob = (statement: string) => statement.replace(/from stdin$/, "from '/dev/blob'");
      const load = async (statement: string, rows: CopyRows) => {
        await pg.query(fromBlob(statement), [], { blob: await blobOf(rows) });
      };
      // The owner's role for the COPY alone, in one call: nothing else runs on PGlite between these three statements.
      const loadAsOwner = async (statement: string, rows: CopyRows) => {
        const blob = await blobOf(rows);
        await pg.exec(`set local role none; ${fromBlob(statement)}; select set_config('role', '${APP_ROLE.replace(/'/g, "''")}', true)`, { blob });
      };
      return fn(tx, copier(tx, tenant, load, loadAsOwner));
    });
  }
  if (!database.pool) throw new Error('COPY needs PGlite or a pg pool');
  return withServerCopy(database.pool, tenant, fn);
}

type Load = (statement: string, rows: CopyRows) => Promise<void>;

function copier(tx: Tx, tenant: TenantContext | null, load: Load, loadAsOwner?: Load): CopyFn {
  return async (table, columns, rows, opts) => {
    if (isEmpty(rows)) return;
    const statement = `copy ${table} (${columns.join(', ')}) from stdin`;
    if (!tenant) return load(statement, rows);
    if (opts?.ownRole) return (loadAsOwner ?? load)(statement, rows);
    await sql`set local role none`.execute(tx);
    await load(statement, rows);
    await sql`select set_config('role', ${APP_ROLE}, true)`.execute(tx);
  };
}

async function withServerCopy<T>(pool: pg.Pool, tenant: TenantContext | null, fn: (tx: Tx, copy: CopyFn) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  // A Kysely bound to this one connection, so that typed queries and COPY share the transaction.
  const single = { connect: async () => ({ query: client.query.bind(client), release: () => {} }), end: async () => {} };
  const kdb = new Kysely<DB>({ dialect: new PostgresDialect({ pool: single as unknown as pg.Pool }) });
  let broken = false;
  try {
    return await kdb.transaction().execute(async (tx) => {
      if (tenant) await enterTenant(tx, tenant);
      const load = async (statement: string, rows: CopyRows) => {
        const stream = client.query(copyFrom(statement));
        const source = isStream(rows) ? rows : Array.isArray(rows) ? inChunks(rows) : [typeof rows === 'string' ? rows : bufferView(rows)];
        await pipeline(Readable.from(source), stream);
      };
      return fn(tx, copier(tx, tenant, load));
    });
  } catch (err) {
    broken = true;
    throw err;
  } finally {
    await kdb.destroy().catch(() => {});
    // A connection that failed mid-COPY is not given back for reuse.
    client.release(broken ? true : undefined);
  }
}

/** The bytes as a Buffer without copying them (Buffer.from(Uint8Array) copies: tens of MB a batch). */
const bufferView = (bytes: Uint8Array): Buffer => (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));

function* inChunks(lines: string[]): Generator<string> {
  for (let i = 0; i < lines.length; i += 20_000) yield lines.slice(i, i + 20_000).join('');
}
