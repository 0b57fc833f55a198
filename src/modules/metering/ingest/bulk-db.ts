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

/** One staged telegram (a row of ingest_stage). */
export interface StageRow {
  sha256: string; // hex
  raw: string; // hex
  receivedAt: Date;
  rssi: number | null;
  manufacturer: string | null;
  radioId: string | null;
  meterId: number | null;
  readAt: Date | null;
  valueM3: string | null;
  status: 'accepted' | 'pending' | null;
  statusReason: string | null;
  errorCode: string | null;
  errorMessage: string | null;
}

export interface BulkTx {
  tx: Tx;
  /** Replaces the staging table's content with these rows. */
  stage(rows: StageRow[]): Promise<void>;
}

const STAGE_DDL = sql`create temp table if not exists ingest_stage (
  sha256 bytea not null, raw bytea not null, received_at timestamptz not null, rssi int,
  manufacturer text, radio_id text, meter_id bigint, read_at timestamptz, value_m3 numeric(12,3),
  status text, status_reason text, error_code text, error_message text
) on commit drop`;

const COLUMNS = 'sha256, raw, received_at, rssi, manufacturer, radio_id, meter_id, read_at, value_m3, status, status_reason, error_code, error_message';

/** COPY text format: tab-separated, \N for null, backslash escapes. */
function copyText(v: string | null): string {
  if (v === null) return '\\N';
  return /[\\\t\n\r]/.test(v) ? v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r') : v;
}

function copyLines(rows: StageRow[]): string {
  let out = '';
  for (const r of rows) {
    out +=
      `\\\\x${r.sha256}\t\\\\x${r.raw}\t${r.receivedAt.toISOString()}\t${r.rssi ?? '\\N'}\t${copyText(r.manufacturer)}\t${copyText(r.radioId)}\t` +
      `${r.meterId ?? '\\N'}\t${r.readAt ? r.readAt.toISOString() : '\\N'}\t${r.valueM3 ?? '\\N'}\t${r.status ?? '\\N'}\t` +
      `${copyText(r.statusReason)}\t${copyText(r.errorCode)}\t${copyText(r.errorMessage)}\n`;
  }
  return out;
}

export async function withBulkTx<T>(database: Database, ctx: TenantContext, fn: (b: BulkTx) => Promise<T>): Promise<T> {
  if (database.kind === 'postgres' && database.pool) return withPostgres(database.pool, ctx, fn);
  return database.db.transaction().execute(async (tx) => {
    await enterTenant(tx, ctx);
    await STAGE_DDL.execute(tx);
    return fn({
      tx,
      async stage(rows) {
        await sql`truncate ingest_stage`.execute(tx);
        if (rows.length === 0) return;
        await sql`insert into ingest_stage (${sql.raw(COLUMNS)})
          select decode(a, 'hex'), decode(b, 'hex'), c, d, e, f, g, h, i, j, k, l, m
          from unnest(${rows.map((r) => r.sha256)}::text[], ${rows.map((r) => r.raw)}::text[], ${rows.map((r) => r.receivedAt.toISOString())}::timestamptz[],
                      ${rows.map((r) => r.rssi)}::int[], ${rows.map((r) => r.manufacturer)}::text[], ${rows.map((r) => r.radioId)}::text[],
                      ${rows.map((r) => r.meterId)}::bigint[], ${rows.map((r) => r.readAt?.toISOString() ?? null)}::timestamptz[],
                      ${rows.map((r) => r.valueM3)}::numeric[], ${rows.map((r) => r.status)}::text[], ${rows.map((r) => r.statusReason)}::text[],
                      ${rows.map((r) => r.errorCode)}::text[], ${rows.map((r) => r.errorMessage)}::text[])
            as s(a, b, c, d, e, f, g, h, i, j, k, l, m)`.execute(tx);
      },
    });
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
    return await kdb.transaction().execute(async (tx) => {
      await enterTenant(tx, ctx);
      await STAGE_DDL.execute(tx);
      return fn({
        tx,
        async stage(rows) {
          await sql`truncate ingest_stage`.execute(tx);
          if (rows.length === 0) return;
          const stream = client.query(copyFrom(`copy ingest_stage (${COLUMNS}) from stdin`));
          await pipeline(Readable.from([copyLines(rows)]), stream);
        },
      });
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
