/**
 * A fresh, migrated database for one test file: in-memory PGlite by default,
 * or a new database on the PostgreSQL server named by TEST_DATABASE_URL
 * (dropped afterwards). Tests never share a database, so they have no order.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database } from '../../src/db/connection.ts';
import { migrate } from '../../src/db/migrate.ts';
import { forgetPostgresTemplate, pgliteSnapshot, postgresTemplate } from './db-template.ts';

export const testDatabaseKind = process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';

export async function createTestDatabase(): Promise<Database> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    // A copy of the migrated snapshot (db-template.ts); migrate finds nothing left to do.
    const database = await openDatabase({ dataDir: ':memory:', loadDataDir: await pgliteSnapshot() });
    await migrate(database.db);
    return database;
  }
  try {
    return await createScratchDatabase(url, 'wodnik_t', { poolSize: 5, template: await postgresTemplate(url) });
  } catch (err) {
    // 3D000: the template was dropped by hand since this process made it.
    if ((err as { code?: string }).code !== '3D000') throw err;
    forgetPostgresTemplate(url);
    return createScratchDatabase(url, 'wodnik_t', { poolSize: 5, template: await postgresTemplate(url) });
  }
}

/**
 * A new, migrated database on the PostgreSQL server at serverUrl (a URL of
 * any database there), dropped when it is closed unless keep is set. The
 * benchmarks use it too.
 */
export async function createScratchDatabase(
  serverUrl: string,
  prefix: string,
  opts: { poolSize: number; keep?: boolean; /** a migrated database to copy (db-template.ts) */ template?: string },
): Promise<Database> {
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(opts.template ? `create database ${name} template ${opts.template}` : `create database ${name}`);
  } finally {
    await admin.end();
  }
  const dbUrl = new URL(serverUrl);
  dbUrl.pathname = `/${name}`;
  const database = await openDatabase({ databaseUrl: dbUrl.toString(), dataDir: ':memory:', poolSize: opts.poolSize });
  await migrate(database.db);
  const close = database.close;
  database.close = async () => {
    // pg-pool's end() resolves once it has asked its connections to end, not
    // when they have: the drop below can still find one and terminate it, and
    // the pool then emits that connection's error (57P01). With no listener
    // that is an uncaught exception in whatever test runs next; after close it
    // is expected, so only that error is let pass.
    database.pool?.on('error', (err) => {
      if ((err as { code?: string }).code !== '57P01') throw err;
    });
    await close();
    if (opts.keep) {
      console.log(`kept database ${name}`);
      return;
    }
    const a = new pg.Client({ connectionString: serverUrl });
    await a.connect();
    try {
      // Give closing connections a moment to go (55006: the database is still in use); force only then.
      for (let i = 0; i < 20; i++) {
        try {
          await a.query(`drop database if exists ${name}`);
          return;
        } catch (err) {
          if ((err as { code?: string }).code !== '55006') throw err;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      await a.query(`drop database if exists ${name} with (force)`);
    } finally {
      await a.end();
    }
  };
  return database;
}
