/**
 * Opens the one database: a PostgreSQL server when DATABASE_URL is set,
 * otherwise PGlite (PostgreSQL compiled to WASM) in the data folder.
 *
 * PGlite has no lock of its own: two processes opening one folder both
 * succeed and writes are lost. So we hold an exclusive lock on the folder
 * for as long as the database is open, and a second process is told so.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import lockfile from 'proper-lockfile';
import { AppError } from '../lib/errors.ts';
import { PGliteDialect } from './pglite-dialect.ts';
import { PreparingClient } from './prepared.ts';
import type { DB } from './types.ts';

export type Db = Kysely<DB>;

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** Where it is: the folder of the embedded database, or the server URL without the password. */
  location: string;
  /** The raw PGlite instance (embedded only): bulk loading and tests. */
  pglite?: PGlite;
  /** The raw pool (server only). */
  pool?: pg.Pool;
  close(): Promise<void>;
}

const INT8 = 20;
const DATE = 1082;
const NUMERIC = 1700;

/**
 * Same JavaScript types from both drivers: bigint columns (grosze, ids,
 * counts) as numbers — all of ours stay far below 2^53 —, numeric as the
 * exact decimal string, and civil dates as 'YYYY-MM-DD' strings so that no
 * time zone ever shifts a billing period.
 */
const parsers = {
  [INT8]: (v: string) => Number(v),
  [DATE]: (v: string) => v,
  [NUMERIC]: (v: string) => v,
};

export class DatabaseLockedError extends AppError {
  constructor(dir: string) {
    super('unavailable', 'db.locked', {
      pl: `Wbudowana baza danych w ${dir} jest używana przez inny proces Wodnika. Należy go zatrzymać albo ustawić DATABASE_URL.`,
      en: `The embedded database in ${dir} is in use by another Wodnik process. Stop that process or set DATABASE_URL.`,
    });
  }
}

export interface OpenOptions {
  databaseUrl?: string;
  /** Folder for the embedded database; ':memory:' for a throw-away one (tests). */
  dataDir: string;
  poolSize?: number;
  /** A new embedded database (in memory, or an empty folder) starts from this data folder (PGlite's dumpDataDir), not from initdb: the tests' migrated snapshot, the benchmarks' saved states. */
  loadDataDir?: Blob | File;
}

export async function openDatabase(opts: OpenOptions): Promise<Database> {
  if (opts.databaseUrl) return openPostgres(opts.databaseUrl, opts.poolSize ?? 10);
  return openPGlite(opts.dataDir, opts.loadDataDir);
}

async function openPostgres(url: string, max: number): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    Client: PreparingClient,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        (parsers as Record<number, (v: string) => unknown>)[oid] ?? pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // Fail early with a clear message when the server is not there.
  try {
    const c = await pool.connect();
    c.release();
  } catch (err) {
    await pool.end().catch(() => {});
    throw new AppError('unavailable', 'db.unreachable', {
      pl: `Nie można połączyć się z bazą PostgreSQL: ${(err as Error).message}`,
      en: `Cannot connect to the PostgreSQL database: ${(err as Error).message}`,
    });
  }
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    kind: 'postgres',
    location: url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@'),
    pool,
    close: () => db.destroy(),
  };
}

// The PostgreSQL extensions our migrations create (PGlite bundles contrib
// modules separately; the server has them in its contrib package).
const extensions = { pg_trgm };

async function openPGlite(dataDir: string, loadDataDir?: Blob | File): Promise<Database> {
  if (dataDir === ':memory:') {
    const pglite = new PGlite({ parsers, extensions, ...(loadDataDir ? { loadDataDir } : {}) });
    await pglite.waitReady;
    const db = new Kysely<DB>({ dialect: new PGliteDialect(pglite) });
    return { db, kind: 'pglite', location: 'memory', pglite, close: () => db.destroy() };
  }
  const dir = path.resolve(dataDir);
  const pgDir = path.join(dir, 'pgdata');
  mkdirSync(pgDir, { recursive: true });
  let release: () => Promise<void>;
  try {
    // The lock is a directory next to the data (atomic mkdir), refreshed while
    // we run and taken over only when stale (its owner died without cleanup).
    release = await lockfile.lock(pgDir, { stale: 15_000, update: 5_000, realpath: false, lockfilePath: path.join(dir, 'db.lock') });
  } catch (err) {
    if ((err as { code?: string }).code === 'ELOCKED') throw new DatabaseLockedError(path.relative(process.cwd(), dir) || dir);
    throw err;
  }
  try {
    const pglite = new PGlite(pgDir, { parsers, extensions, ...(loadDataDir ? { loadDataDir } : {}) });
    await pglite.waitReady;
    const db = new Kysely<DB>({ dialect: new PGliteDialect(pglite) });
    return {
      db,
      kind: 'pglite',
      location: dir,
      pglite,
      close: async () => {
        await db.destroy();
        await release().catch(() => {});
      },
    };
  } catch (err) {
    await release().catch(() => {});
    throw err;
  }
}
