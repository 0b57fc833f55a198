/**
 * The `wodnik` command as a user runs it: help, one-line errors with a
 * non-zero exit, the embedded database's lock against a second process, and
 * `wodnik keys import` / `wodnik readings import` on a real data folder (with
 * their output, and the server's log during the same work, free of keys).
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/connection.ts';
import { pgliteSnapshot } from './support/db-template.ts';
import { buildTelegram, toHex } from '../src/modules/metering/ingest/testing/telegram-builder.ts';
import { multipartFile } from '../src/modules/metering/ingest/testing/multipart.ts';
import { TEST_PASSWORD, buildMeter, buildServicePoint, buildUser, buildUtility } from './support/factories.ts';

const bin = path.resolve('bin/wodnik.js');
const run = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, DATABASE_URL: '', ...env }, timeout: 60_000 });

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('wodnik command', () => {
  it('prints help for the program and for each command', () => {
    const r = run(['--help']);
    expect(r.status).toBe(0);
    // Each command's own help names its usage (and for seed its option).
    const commands: Array<[string[], string]> = [
      [['serve'], 'Usage: wodnik serve'],
      [['migrate'], 'Usage: wodnik migrate'],
      [['seed'], '--customers'],
      [['wmbus'], 'Usage: wodnik wmbus'],
      [['readings'], 'Usage: wodnik readings'],
      [['readings', 'import'], 'Usage: wodnik readings import'],
      [['keys'], 'Usage: wodnik keys'],
      [['keys', 'import'], 'Usage: wodnik keys import'],
    ];
    for (const [cmd, shown] of commands) {
      expect(r.stdout).toContain(cmd[0]);
      const h = run([...cmd, '--help']);
      expect(h.status, cmd.join(' ')).toBe(0);
      expect(h.stdout, cmd.join(' ')).toContain(shown);
    }
  }, 120_000);

  it('answers an unknown command with a one-line error and exit code 2', () => {
    const r = run(['wash-the-car']);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/unknown command/);
  });

  it('refuses a second process on the same embedded database, clearly, and corrupts nothing', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'wodnik-lock-'));
    dirs.push(dir);
    const first = run(['migrate'], { WODNIK_DATA_DIR: dir });
    expect(first.status, first.stderr).toBe(0);
    const held = await openDatabase({ dataDir: dir });
    try {
      const second = run(['migrate'], { WODNIK_DATA_DIR: dir });
      expect(second.status).not.toBe(0);
      expect(second.stderr).toMatch(/in use by another Wodnik process|używana przez inny proces/);
      expect(second.stderr.trim().split('\n')).toHaveLength(1);
    } finally {
      await held.close();
    }
    const again = run(['migrate'], { WODNIK_DATA_DIR: dir });
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/up to date/);
  }, 120_000);

  it('refuses a malformed DATABASE_URL with a one-line error', () => {
    const r = run(['migrate'], { DATABASE_URL: 'mysql://nope' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/DATABASE_URL must start with postgres/);
  });

  it('imports a key file and a walk-by file into the embedded database with `wodnik keys import` and `wodnik readings import`, printing no key', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'wodnik-cli-'));
    dirs.push(dir);
    const env = { WODNIK_DATA_DIR: dir, WODNIK_SECRET_KEY: '33'.repeat(32) };
    // The folder starts migrated (the tests' snapshot): `wodnik migrate` itself is the lock test's.
    const db = await openDatabase({ dataDir: dir, loadDataDir: await pgliteSnapshot() });
    let meterId: number;
    try {
      const u = await buildUtility(db, { slug: 'cli-zgk' });
      const sp = await buildServicePoint(db, u.id);
      meterId = (await buildMeter(db, u.id, sp.id, { serial_number: 'WM-CLI-1' })).id;
    } finally {
      await db.close();
    }
    const key = randomBytes(16);
    const keys = path.join(dir, 'keys.csv');
    writeFileSync(keys, `radio_id;key;manufacturer;meter_serial\n55000001;${key.toString('hex')};APA;WM-CLI-1\n`);
    const walk = path.join(dir, 'walk.txt');
    const telegram = (d: number) => toHex(buildTelegram({ manufacturer: 'APA', id: '55000001', totalM3: 20 + d, meterDatetime: { y: 2026, mo: 11, d, h: 7, mi: 0 }, key, accessNumber: d }));
    writeFileSync(walk, `${telegram(1)}\n${telegram(2)}\nnot a telegram\n`);

    const k = run(['keys', 'import', keys, '--utility', 'cli-zgk'], env);
    expect(k.status, k.stderr).toBe(0);
    expect(k.stdout).toContain('keys for cli-zgk: 1 new module(s), 0 updated, 1 fitted to meters');
    const w = run(['readings', 'import', walk, '--utility', 'cli-zgk'], env);
    expect(w.status, w.stderr).toBe(0);
    expect(w.stdout).toMatch(/upload \d+ into cli-zgk: 3 lines, 2 telegrams, 2 readings \(0 held for verification\), 0 duplicates, 0 quarantined, 1 bad lines/);
    expect(w.stdout).toContain('bad line 3');
    const again = run(['readings', 'import', walk, '--utility', 'cli-zgk'], env);
    expect(again.status).not.toBe(0);
    expect(again.stderr).toMatch(/imported before|już zaimportowany/);
    for (const out of [k, w, again]) for (const hex of [key.toString('hex'), key.toString('hex').toUpperCase()]) expect(out.stdout + out.stderr).not.toContain(hex);

    const check = await openDatabase({ dataDir: dir });
    try {
      const rows = await check.db.selectFrom('readings').select('value_m3').where('meter_id', '=', meterId).orderBy('read_at').execute();
      expect(rows.map((r) => r.value_m3)).toEqual(['21.000', '22.000']);
    } finally {
      await check.close();
    }
  }, 180_000);

  it("never writes a radio key to the server's log, at debug level, during a key import and a walk-by upload", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'wodnik-log-'));
    dirs.push(dir);
    const port = await freePort();
    const env = { WODNIK_DATA_DIR: dir, WODNIK_SECRET_KEY: '44'.repeat(32), NODE_ENV: 'development', HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'debug' };
    // The folder starts migrated (the tests' snapshot): `wodnik migrate` itself is the lock test's.
    const db = await openDatabase({ dataDir: dir, loadDataDir: await pgliteSnapshot() });
    try {
      const u = await buildUtility(db, { slug: 'log-zgk' });
      const sp = await buildServicePoint(db, u.id);
      await buildMeter(db, u.id, sp.id, { serial_number: 'WM-LOG-1' });
      await buildUser(db, u.id, { kind: 'staff', email: 'admin@log.example', roles: ['admin'] });
    } finally {
      await db.close();
    }
    const server = spawn(process.execPath, [bin, 'serve'], { env: { ...process.env, DATABASE_URL: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    server.stdout.on('data', (c) => (log += c));
    server.stderr.on('data', (c) => (log += c));
    const key = randomBytes(16);
    try {
      const base = `http://127.0.0.1:${port}/t/log-zgk`;
      let first: Response | undefined;
      for (let i = 0; i < 300 && !first; i++) first = await fetch(`${base}/healthz`).catch(() => new Promise<undefined>((r) => setTimeout(() => r(undefined), 200)));
      expect(first?.status).toBe(200);
      const jar = new Map<string, string>();
      const keep = (r: Response) => r.headers.getSetCookie().forEach((c) => jar.set(c.split('=')[0], c.split(';')[0].slice(c.indexOf('=') + 1)));
      // The CSRF cookie comes with any page or API answer (not with the health probe).
      keep(await fetch(`${base}/api/auth/session`));
      const headers = () => ({ cookie: [...jar].map(([a, b]) => `${a}=${b}`).join('; '), 'x-csrf-token': jar.get('wodnik_csrf') ?? '' });
      const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { ...headers(), 'content-type': 'application/json' }, body: JSON.stringify({ email: 'admin@log.example', password: TEST_PASSWORD }) });
      expect(login.status).toBe(200);
      keep(login);
      const send = async (url: string, name: string, content: string) => {
        const { body, headers: h } = multipartFile(name, content);
        return fetch(`${base}${url}`, { method: 'POST', headers: { ...headers(), ...h }, body });
      };
      const k = await send('/api/staff/radio-keys', 'keys.csv', `56000001;${key.toString('hex')};APA;WM-LOG-1\n`);
      expect(k.status).toBe(200);
      const telegram = toHex(buildTelegram({ manufacturer: 'APA', id: '56000001', totalM3: 3, meterDatetime: { y: 2026, mo: 11, d: 3, h: 7, mi: 0 }, key, accessNumber: 1 }));
      const w = await send('/api/staff/walkby-uploads', 'walk.txt', `${telegram}\n`);
      expect(await w.json()).toMatchObject({ readings: 1 });
    } finally {
      server.kill('SIGTERM');
      await new Promise((r) => server.once('exit', r));
    }
    // The log is there (requests at debug level), and no key in it, in any spelling.
    expect(log).toContain('/api/staff/radio-keys');
    for (const hex of [key.toString('hex'), key.toString('hex').toUpperCase(), key.toString('base64')]) expect(log).not.toContain(hex);
  }, 180_000);
});

/** A port free on 127.0.0.1 now (a fixed one collides with a benchmark or another run on this machine). */
async function freePort(): Promise<number> {
  const probe = net.createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as AddressInfo;
  await new Promise((r) => probe.close(r));
  return port;
}
