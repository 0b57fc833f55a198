/**
 * One transaction for a bulk ingestion, with a staging table loaded the
 * fastest way each engine allows: COPY FROM STDIN on PostgreSQL (through
 * pg-copy-streams, on the transaction's own connection), an INSERT from
 * unnest()ed arrays on PGlite. The transaction runs as the application role in
 * the utility (row-level security binds it) like every request.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Kysely, PostgresDialect, sql } from 'kysely';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Database } from '../../../db/connection.ts';
import { enterTenant, type TenantContext, type Tx } from '../../../db/tenant.ts';
import type { DB } from '../../../db/types.ts';
import { STAGE_COLUMNS } from './stage-batch.ts';

export interface BulkTx {
  tx: Tx;
  /** Replaces the staging table's content with these rows (COPY text, columns STAGE_COLUMNS). */
  stage(copy: string): Promise<void>;
}

const STAGE_DDL = sql`create temp table if not exists ingest_stage (
  n int not null, sha256 bytea not null, raw bytea not null, received_at timestamptz not null, rssi int,
  manufacturer text, radio_id text, meter_id bigint, read_at timestamptz, value_m3 numeric(12,3),
  error_code text, error_message text
) on commit drop`;

const unescape = (f: string): string | null =>
  f === '\\N' ? null : f.includes('\\') ? f.replace(/\\(.)/g, (_, c: string) => (c === 't' ? '\t' : c === 'n' ? '\n' : c === 'r' ? '\r' : c)) : f;

/** COPY text back into one array per column (PGlite has no COPY FROM STDIN). */
function columnsOf(copy: string): Array<Array<string | null>> {
  const cols: Array<Array<string | null>> = Array.from({ length: 12 }, () => []);
  for (const line of copy.split('\n')) {
    if (line === '') continue;
    const f = line.split('\t');
    for (let i = 0; i < 12; i++) cols[i].push(unescape(f[i]));
  }
  return cols;
}

export async function withBulkTx<T>(database: Database, ctx: TenantContext, fn: (b: BulkTx) => Promise<T>): Promise<T> {
  if (database.kind === 'postgres' && database.pool) return withPostgres(database.pool, ctx, fn);
  return database.db.transaction().execute((tx) =>
    inStagedTx(tx, ctx, fn, async (copy) => {
      const c = columnsOf(copy);
      await sql`insert into ingest_stage (${sql.raw(STAGE_COLUMNS)})
        select a::int, b::bytea, c::bytea, d::timestamptz, e::int, f, g, h::bigint, i::timestamptz, j::numeric, k, l
        from unnest(${c[0]}::text[], ${c[1]}::text[], ${c[2]}::text[], ${c[3]}::text[], ${c[4]}::text[], ${c[5]}::text[],
                    ${c[6]}::text[], ${c[7]}::text[], ${c[8]}::text[], ${c[9]}::text[], ${c[10]}::text[], ${c[11]}::text[])
          as s(a, b, c, d, e, f, g, h, i, j, k, l)`.execute(tx);
    }),
  );
}

/** Enters the tenant, creates the staging table, and hands fn a stage() that empties it and loads a batch the engine's way. */
async function inStagedTx<T>(tx: Tx, ctx: TenantContext, fn: (b: BulkTx) => Promise<T>, load: (copy: string) => Promise<void>): Promise<T> {
  await enterTenant(tx, ctx);
  await STAGE_DDL.execute(tx);
  return fn({
    tx,
    async stage(copy) {
      await sql`truncate ingest_stage`.execute(tx);
      if (copy !== '') await load(copy);
    },
  });
}

async function withPostgres<T>(pool: pg.Pool, ctx: TenantContext, fn: (b: BulkTx) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  // A Kysely bound to this one connection, so typed queries and COPY share the transaction.
  const single = {
    connect: async () => ({ query: client.query.bind(client), release: () => {} }),
    end: async () => {},
  };
  const kdb = new Kysely<DB>({ dialect: new PostgresDialect({ pool: single as unknown as pg.Pool }) });
  let broken = false;
  try {
    return await kdb.transaction().execute((tx) =>
      inStagedTx(tx, ctx, fn, async (copy) => {
        const stream = client.query(copyFrom(`copy ingest_stage (${STAGE_COLUMNS}) from stdin`));
        await pipeline(Readable.from([copy]), stream);
      }),
    );
  } catch (err) {
    broken = true;
    throw err;
  } finally {
    await kdb.destroy().catch(() => {});
    // A connection that failed mid-COPY is not given back for reuse.
    client.release(broken ? true : undefined);
  }
}
