/**
 * `wodnik payments parse FILE` as a user runs it: one JSON object per
 * statement line on stdout, keys in the order; a file it cannot read
 * is one line on stderr and exit 2; a statement refused whole is reported on
 * stderr while the file's good statements are printed (exit 1).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encode, writeMt940 } from '../src/modules/payments/statements/testing/mt940-writer.ts';
import { sharedPath } from './support/shared.ts';

const bin = path.resolve('bin/wodnik.js');
const dir = mkdtempSync(path.join(tmpdir(), 'wodnik-payparse-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const run = (args: string[]) =>
  spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, DATABASE_URL: '', WODNIK_DATA_DIR: path.join(dir, 'data') }, timeout: 60_000 });
const file = (name: string, content: Uint8Array | string) => {
  const p = path.join(dir, name);
  writeFileSync(p, content);
  return p;
};

const KEYS = ['account', 'statement', 'bookingDate', 'valueDate', 'amount', 'currency', 'counterAccount', 'counterName', 'title', 'bankReference'];

describe('wodnik payments parse', () => {
  it('prints the shared CP852 sample as its .expected.jsonl (plus the statement key), keys in order', () => {
    const sta = sharedPath('payments/examples/tilde_cp852.sta');
    const expected = sharedPath('payments/examples/tilde_cp852.sta.expected.jsonl');
    if (!sta || !expected) return;
    const r = run(['payments', 'parse', sta]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const got = r.stdout.trim().split('\n');
    const want = readFileSync(expected, 'utf8').trim().split('\n');
    expect(got).toHaveLength(want.length);
    got.forEach((line, i) => {
      expect(Object.keys(JSON.parse(line))).toEqual(KEYS);
      // Without the `statement` key the line is the expected one byte for byte.
      expect(line.replace(/"statement": "[^"]*", /, '')).toBe(want[i]);
      expect(JSON.parse(line).statement).toBe('MT940/2026/0412/00412/001');
    });
  });

  it('prints the good statement of a file and reports the one that does not add up (exit 1)', () => {
    const text = writeMt940(
      [
        { ref: 'A', seq: '1/1', account: 'PL27105014451000009031435789', opening: 'C261102PLN10,00', closing: 'C261102PLN15,00', lines: [{ value: '261102', mark: 'C', amount: '5,00', title: 'Woda za listopad', bankRef: 'R1' }] },
        { ref: 'B', seq: '2/1', account: 'PL27105014451000009031435789', opening: 'C261103PLN15,00', closing: 'C261103PLN99,00', lines: [{ value: '261103', mark: 'D', amount: '1,00', title: 'Prowizja', bankRef: 'R2' }] },
      ],
      { kind: 'numbered', separator: '^' },
    );
    const r = run(['payments', 'parse', file('two.sta', encode(text, 'windows-1250'))]);
    expect(r.status).toBe(1);
    expect(r.stdout.trim().split('\n').map((l) => JSON.parse(l))).toEqual([
      { account: 'PL27105014451000009031435789', statement: 'A/1/1', bookingDate: '2026-11-02', valueDate: '2026-11-02', amount: '5.00', currency: 'PLN', counterAccount: null, counterName: null, title: 'Woda za listopad', bankReference: 'R1' },
    ]);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^wodnik: payments\.statement\.unbalanced: .*two\.sta:9: Statement B\/2\/1/);
  });

  it('a file it cannot read: one line on stderr, exit 2', () => {
    for (const [f, code] of [
      [file('notes.txt', 'Lista zakupów\nmleko\n'), 'payments.file.not_statement'],
      [file('cut.sta', ':20:A\n:25:PL27105014451000009031435789\n:28C:1\n:60F:C261102PLN10,00\n:61:261102C5,00NTRFNONREF//R1\n:86:020~20Wo'), 'payments.file.truncated'],
      [path.join(dir, 'missing.sta'), 'payments.file.unreadable'],
    ]) {
      const r = run(['payments', 'parse', f]);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(new RegExp(`^wodnik: ${code.replace(/\./g, '\\.')}: `));
    }
  });
});
