/**
 * A migrated database made once and copied for every test file.
 *
 * Running the ~35 migrations costs seconds per database (PGlite also pays
 * its initdb), and the suite makes about a hundred databases per engine: the
 * larger part of CI's time went there. So the migrated state is built once
 * per set of migrations, named by a digest of their names and contents (and
 * PGlite's version), and every test database starts as a copy of it:
 *  - PGlite: the data folder of a migrated in-memory database
 *    (`dumpDataDir`), kept as a file under node_modules/.cache and loaded with
 *    `loadDataDir` (no initdb, no migrations);
 *  - PostgreSQL: a database `wodnik_tpl_<digest>` on the server, copied by
 *    `create database … template …`.
 * A new or changed migration changes the digest, so a stale copy is never
 * used; the test still runs `migrate` on the copy, which finds nothing to do.
 * Building is serialized (a file lock; an advisory lock on the server), so
 * parallel test workers build it once and the others wait for it.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import lockfile from 'proper-lockfile';
import pg from 'pg';
import { openDatabase } from '../../src/db/connection.ts';
import { listMigrations, migrate } from '../../src/db/migrate.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cacheDir = path.join(root, 'node_modules/.cache/wodnik-tests');

let digestMemo: string | undefined;

/** What the migrated state depends on: every migration's name and text, and the PGlite build. */
export function migrationsDigest(): string {
  if (digestMemo) return digestMemo;
  const h = createHash('sha256');
  const pglite = JSON.parse(readFileSync(path.join(root, 'node_modules/@electric-sql/pglite/package.json'), 'utf8')) as { version: string };
  h.update(`pglite ${pglite.version}\n`);
  for (const m of listMigrations()) h.update(`${m.name}\n`).update(readFileSync(m.file)).update('\n');
  digestMemo = h.digest('hex').slice(0, 16);
  return digestMemo;
}

let snapshotMemo: Promise<Blob> | undefined;

/** The migrated PGlite data folder, built by the first process that needs it. */
export function pgliteSnapshot(): Promise<Blob> {
  snapshotMemo ??= loadOrBuildSnapshot();
  return snapshotMemo;
}

async function loadOrBuildSnapshot(): Promise<Blob> {
  const file = path.join(cacheDir, `pglite-${migrationsDigest()}.tar`);
  const read = () => new Blob([readFileSync(file)]);
  if (existsSync(file)) return read();
  mkdirSync(cacheDir, { recursive: true });
  const release = await lockfile.lock(cacheDir, {
    lockfilePath: path.join(cacheDir, 'pglite.lock'),
    retries: { retries: 600, minTimeout: 100, maxTimeout: 500 },
    stale: 120_000,
    update: 10_000,
  });
  try {
    if (existsSync(file)) return read();
    const database = await openDatabase({ dataDir: ':memory:' });
    try {
      await migrate(database.db);
      const dump = await database.pglite!.dumpDataDir('none');
      const bytes = Buffer.from(await dump.arrayBuffer());
      // Older snapshots are of other migrations: not needed again.
      for (const f of readdirSync(cacheDir)) if (/^pglite-[0-9a-f]+\.tar$/.test(f)) rmSync(path.join(cacheDir, f), { force: true });
      writeFileSync(`${file}.tmp`, bytes);
      renameSync(`${file}.tmp`, file);
      return new Blob([bytes]);
    } finally {
      await database.close();
    }
  } finally {
    await release();
  }
}

const templateMemo = new Map<string, Promise<string>>();

/** The name of the migrated template database on the server at serverUrl, made when missing. */
export function postgresTemplate(serverUrl: string): Promise<string> {
  let p = templateMemo.get(serverUrl);
  if (!p) {
    p = ensureTemplate(serverUrl);
    templateMemo.set(serverUrl, p);
  }
  return p;
}

/** Forgets a template that vanished (dropped by hand), so the next call makes it again. */
export function forgetPostgresTemplate(serverUrl: string): void {
  templateMemo.delete(serverUrl);
}

async function ensureTemplate(serverUrl: string): Promise<string> {
  const name = `wodnik_tpl_${migrationsDigest()}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    const exists = async () => (await admin.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1;
    if (await exists()) return name;
    // One builder per server: the others wait here and then find it made.
    await admin.query('select pg_advisory_lock(727275)');
    try {
      if (await exists()) return name;
      const building = `${name}_building`;
      await admin.query(`drop database if exists ${building} with (force)`);
      await admin.query(`create database ${building}`);
      const url = new URL(serverUrl);
      url.pathname = `/${building}`;
      const database = await openDatabase({ databaseUrl: url.toString(), dataDir: ':memory:', poolSize: 1 });
      try {
        await migrate(database.db);
      } finally {
        await database.close();
      }
      // Renamed only once complete: a template that exists is a whole one.
      for (let i = 0; ; i++) {
        try {
          await admin.query(`alter database ${building} rename to ${name}`);
          break;
        } catch (err) {
          // 55006: the pool's connection is still going away.
          if ((err as { code?: string }).code !== '55006' || i > 50) throw err;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      return name;
    } finally {
      await admin.query('select pg_advisory_unlock(727275)');
    }
  } finally {
    await admin.end();
  }
}
