/**
 * `wodnik wmbus decode` as a user runs it: telegrams as arguments or on
 * standard input with a keys file, one JSON line per telegram in input order,
 * error objects that do not stop the run, bad options as one line and exit 2;
 * and an import graph that stays inside the decoder (fast start, no database).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseHex, toHex } from './hex.ts';
import { encryptLoggedTelegram } from './test-frames.ts';
import { parseKeysCsv } from './cli.ts';

const bin = path.resolve('bin/wodnik.js');
const run = (args: string[], input?: string) =>
  spawnSync(process.execPath, [bin, 'wmbus', 'decode', ...args], { input, encoding: 'utf8', timeout: 60_000, env: { ...process.env, DATABASE_URL: '' } });
const lines = (s: string) => s.trim().split('\n').map((l) => JSON.parse(l));

const hydrus = '4E44A5116464646470077AED0040052F2F01FD08300C13741100007C1300000000FC101300000000FC201300000000726C00000B3B00000002FD748713025A6800C4016D3B177F2ACC011300020000';
const key = '000102030405060708090A0B0C0D0E0F';
const cipher = toHex(encryptLoggedTelegram(parseHex(hydrus), parseHex(key)));

const dir = mkdtempSync(path.join(tmpdir(), 'wodnik-wmbus-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('wodnik wmbus decode', () => {
  it('decodes telegrams given as arguments, with --key', () => {
    const r = run(['--key', key, hydrus, cipher]);
    expect(r.status, r.stderr).toBe(0);
    const out = lines(r.stdout);
    expect(out).toHaveLength(2);
    for (const o of out) expect(o).toMatchObject({ id: '64646464', manufacturer: 'DME', media: 'water', total_m3: 1.174, target_m3: 0.2, status: 'OK', leak: false });
  });

  it('reads standard input with a keys file, keeps input order and goes on after bad lines', () => {
    const keys = path.join(dir, 'keys.csv');
    writeFileSync(keys, `id,key\n64646464,${key.toLowerCase()}\n`);
    const r = run(['--keys', keys], [cipher, 'not hex', '', hydrus, cipher.slice(0, 40)].join('\n') + '\n');
    expect(r.status, r.stderr).toBe(0);
    const out = lines(r.stdout);
    expect(out.map((o) => o.error?.code ?? o.total_m3)).toEqual([1.174, 'wmbus.hex', 1.174, 'wmbus.truncated']);
    expect(out[1].error.message).toBeTruthy();
  });

  it('says no_key with the identity when the keys file has no key for the meter', () => {
    const keys = path.join(dir, 'other.csv');
    writeFileSync(keys, `12345678,${key}\n`);
    const [o] = lines(run(['--keys', keys], cipher + '\n').stdout);
    expect(o).toMatchObject({ id: '64646464', manufacturer: 'DME', error: { code: 'wmbus.no_key' } });
  });

  it('refuses a bad key and an unreadable or broken keys file with one line and exit code 2', () => {
    for (const args of [['--key', 'abc', hydrus], ['--keys', path.join(dir, 'missing.csv')]]) {
      const r = run(args);
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stdout).toBe('');
    }
    const broken = path.join(dir, 'broken.csv');
    writeFileSync(broken, `id,key\n64646464,xyz\n`);
    const r = run(['--keys', broken], hydrus);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/line 2/);
  });

  it('reads keys files with or without a header, a BOM, CRLF and upper-case ids', () => {
    const keys = parseKeysCsv('\uFEFFid,key\r\n20E4FFDE,' + key + '\r\n\r\n64646464;' + key.toLowerCase() + '\n');
    expect([...keys.keys()]).toEqual(['20e4ffde', '64646464']);
    expect(parseKeysCsv('12345678,0102030405060708\n').get('12345678')).toBe('0102030405060708'); // DES key
    expect(() => parseKeysCsv('id,key\n1234567,' + key)).toThrow(/line 2/);
  });

  it('imports only the decoder: no database, no web server', () => {
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/^\s*(?:import|export)\s[^'";]*?from\s+'([^']+)'/gm)) {
        const spec = m[1];
        if (spec.startsWith('.')) visit(path.resolve(path.dirname(file), spec));
        else expect(spec.startsWith('node:'), `${path.relative('.', file)} imports ${spec}`).toBe(true);
      }
    };
    visit(path.resolve('src/modules/metering/wmbus/cli.ts'));
    const outside = [...seen].filter((f) => !f.includes(`${path.sep}metering${path.sep}wmbus${path.sep}`));
    expect(outside).toEqual([]);
    expect(seen.size).toBeGreaterThan(10);
  });
});
