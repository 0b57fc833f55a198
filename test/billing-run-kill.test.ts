/**
 * `wodnik billing run --issue` killed with SIGKILL while issuing, then run
 * again: it resumes the same run and ends with the same invoices as a run
 * that was never interrupted, numbered without a gap, none twice. On the
 * engine the tests use: a PGlite data folder, or a scratch database on the
 * PostgreSQL server of TEST_DATABASE_URL.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { openDatabase, type Database } from '../src/db/connection.ts';
import { migrate } from '../src/db/migrate.ts';
import { withTenant } from '../src/db/tenant.ts';
import { approveRun, createPreviewRun, issueRun, warsawToday } from '../src/modules/billing/runs/service.ts';
import { PERIOD, buildBillingWorld, type World } from './support/billing-world.ts';

const bin = path.resolve('bin/wodnik.js');
const serverUrl = process.env.TEST_DATABASE_URL;
const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

/** Where the child process finds the database: its environment, and how to open it here. */
async function scratch(): Promise<{ env: Record<string, string>; open: () => Promise<Database>; dir?: string }> {
  if (!serverUrl) {
    const dir = mkdtempSync(path.join(tmpdir(), 'wodnik-kill-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    return { env: { DATABASE_URL: '', WODNIK_DATA_DIR: dir }, open: () => openDatabase({ dataDir: dir }), dir };
  }
  const name = `wodnik_kill_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  cleanups.push(async () => {
    const a = new pg.Client({ connectionString: serverUrl });
    await a.connect();
    await a.query(`drop database if exists ${name} with (force)`);
    await a.end();
  });
  return { env: { DATABASE_URL: url.toString() }, open: () => openDatabase({ databaseUrl: url.toString(), dataDir: ':memory:', poolSize: 2 }) };
}

const args = (slug: string) => [bin, 'billing', 'run', '--utility', slug, '--period', '2026-09..2026-10', '--issue', '--batch-size', '2'];

async function invoices(database: Database, w: World) {
  const { rows } = await sql<{ invoice_number: string; contract_number: string; gross_grosze: number }>`
    select i.invoice_number, c.contract_number, i.gross_grosze from invoices i join contracts c on c.utility_id = i.utility_id and c.id = i.contract_id
    where i.utility_id = ${w.utilityId} order by i.invoice_number`.execute(database.db);
  return rows.map((r) => [r.invoice_number, r.contract_number, Number(r.gross_grosze)]);
}

it('SIGKILL while issuing, then the same command again: the same invoices, gapless, none twice', async () => {
  const s = await scratch();
  let database = await s.open();
  await migrate(database.db);
  const ref = await buildBillingWorld(database, 24);
  const w = await buildBillingWorld(database, 24);
  // The reference run, never interrupted, on the same data and issue date.
  const refRun = await withTenant(database.db, { utilityId: ref.utilityId }, (tx) => createPreviewRun(tx, ref.utilityId, { period: PERIOD, selection: {} }));
  await withTenant(database.db, { utilityId: ref.utilityId }, (tx) => approveRun(tx, ref.utilityId, refRun, null));
  await issueRun(database, ref.utilityId, refRun, { issueDate: warsawToday() });
  const expected = await invoices(database, ref);
  expect(expected).toHaveLength(w.billable);
  await database.close();

  // Killed once it reports a batch (its statements done, its commit not yet, or just after).
  const child = spawn(process.execPath, args(w.slug), { env: { ...process.env, ...s.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const exit = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
  child.stdout.on('data', (d) => {
    out += d;
    if (/issuing: \d+ invoices/.test(out) && !child.killed) child.kill('SIGKILL');
  });
  expect(await exit, err).toBe('SIGKILL');
  // The embedded database's lock folder outlives a killed owner for 15 s; we know the owner is dead.
  if (s.dir) rmSync(path.join(s.dir, 'db.lock'), { recursive: true, force: true });

  database = await s.open();
  const partial = await invoices(database, w);
  expect(partial.length).toBeLessThan(w.billable);
  expect(partial).toEqual(expected.slice(0, partial.length));
  await database.close();

  const again = spawnSync(process.execPath, args(w.slug), { env: { ...process.env, ...s.env }, encoding: 'utf8', timeout: 120_000 });
  expect(again.status, again.stderr).toBe(0);
  expect(again.stdout).toMatch(/resuming/);
  expect(again.stdout).toMatch(new RegExp(`issued ${w.billable} invoices`));

  database = await s.open();
  expect(await invoices(database, w)).toEqual(expected);
  const first = await sql<{ invoice_number: string; xml: Uint8Array }>`select invoice_number, xml from invoices where utility_id = ${w.utilityId} order by invoice_number limit 1`.execute(database.db);
  await database.close();

  // `invoice list`: one number per line, a tab, its kind; `--kind` narrows it.
  const cli = (a: string[]) => spawnSync(process.execPath, [bin, ...a], { env: { ...process.env, ...s.env }, timeout: 120_000 });
  const list = cli(['invoice', 'list', '--utility', w.slug, '--period', '2026-10']);
  expect(list.status, list.stderr.toString()).toBe(0);
  const listed = list.stdout.toString().trim().split('\n').map((l) => l.split('\t'));
  expect(listed.map((l) => l[0])).toEqual(expected.map((e) => e[0]));
  expect(new Set(listed.map((l) => l[1]))).toEqual(new Set(['household', 'business', 'community']));
  // `invoice xml`: the stored bytes exactly.
  const xml = cli(['invoice', 'xml', first.rows[0].invoice_number, '--utility', w.slug]);
  expect(xml.status, xml.stderr.toString()).toBe(0);
  expect(Buffer.compare(xml.stdout, Buffer.from(first.rows[0].xml))).toBe(0);
  // A corrupt number: one line, exit 2, before any database is opened.
  const bad = cli(['invoice', 'xml', 'FV/2026/13/000001', '--utility', w.slug]);
  expect(bad.status).toBe(2);
  expect(bad.stderr.toString()).toMatch(/^wodnik: invoice\.bad_number: .+\n$/);
}, 240_000);
