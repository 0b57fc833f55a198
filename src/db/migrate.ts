/**
 * Plain SQL migrations in src/db/migrations, named YYYYMMDDHHMM_name.sql,
 * applied in name order, each in its own transaction, forward only. A file
 * that has landed is never edited: a change is a new file. Modules may keep
 * their own migrations in src/modules/<module>/migrations; all are ordered
 * together by name.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import type { Db } from './connection.ts';

const srcDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface Migration {
  name: string;
  file: string;
}

export function listMigrations(): Migration[] {
  const dirs = [path.join(srcDir, 'db/migrations')];
  const modules = path.join(srcDir, 'modules');
  for (const entry of walkDirs(modules)) if (path.basename(entry) === 'migrations') dirs.push(entry);
  const all: Migration[] = [];
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir)) {
      if (/^\d{12}_[a-z0-9_]+\.sql$/.test(f)) all.push({ name: f.replace(/\.sql$/, ''), file: path.join(dir, f) });
    }
  }
  all.sort((a, b) => a.name.localeCompare(b.name));
  const seen = new Set<string>();
  for (const m of all) {
    if (seen.has(m.name)) throw new Error(`two migrations are named ${m.name}`);
    seen.add(m.name);
  }
  return all;
}

function* walkDirs(dir: string): Generator<string> {
  if (!existsSync(dir)) return;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (!e.isDirectory() || e.name === 'node_modules') continue;
    const p = path.join(dir, e.name);
    yield p;
    yield* walkDirs(p);
  }
}

/** Applies what is missing; returns the names applied. Safe to run from two processes at once (advisory lock). */
export async function migrate(db: Db, log: (msg: string) => void = () => {}): Promise<string[]> {
  const applied: string[] = [];
  await sql`create table if not exists schema_migrations (name text primary key, applied_at timestamptz not null default now())`.execute(db);
  await db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(727274)`.execute(conn);
    try {
      const done = new Set(
        (await sql<{ name: string }>`select name from schema_migrations`.execute(conn)).rows.map((r) => r.name),
      );
      for (const m of listMigrations()) {
        if (done.has(m.name)) continue;
        const text = readFileSync(m.file, 'utf8');
        await conn.transaction().execute(async (trx) => {
          await sql.raw(text).execute(trx);
          await sql`insert into schema_migrations (name) values (${m.name})`.execute(trx);
        });
        log(`migration applied: ${m.name}`);
        applied.push(m.name);
      }
    } finally {
      await sql`select pg_advisory_unlock(727274)`.execute(conn);
    }
  });
  return applied;
}
