/**
 * The `wodnik` command as a user runs it: help, one-line errors with a
 * non-zero exit, and the embedded database's lock against a second process.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/connection.ts';

const bin = path.resolve('bin/wodnik.js');
const run = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, DATABASE_URL: '', ...env }, timeout: 60_000 });

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('wodnik command', () => {
  it('prints help for the program and each command', () => {
    const r = run(['--help']);
    expect(r.status).toBe(0);
    for (const cmd of ['serve', 'migrate', 'seed', 'wmbus', 'readings', 'keys']) expect(r.stdout).toContain(cmd);
    const s = run(['seed', '--help']);
    expect(s.status).toBe(0);
    expect(s.stdout).toContain('--customers');
  });

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
});
