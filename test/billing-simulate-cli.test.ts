/**
 * `wodnik billing simulate FILE.json` as a user runs it: the example
 * document in, the bill out as JSON (figures worked out by hand), no
 * database touched; a bad document is one line with a code and exit 2.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const bin = path.resolve('bin/wodnik.js');
const dir = mkdtempSync(path.join(tmpdir(), 'wodnik-simulate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// A data folder that must stay empty: the command opens no database.
const dataDir = path.join(dir, 'data');
const run = (args: string[]) =>
  spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, DATABASE_URL: '', WODNIK_DATA_DIR: dataDir }, timeout: 60_000 });
const file = (name: string, content: string) => {
  const p = path.join(dir, name);
  writeFileSync(p, content);
  return p;
};

const example = {
  period: { from: '2026-01-01', to: '2026-02-28' },
  services: ['water', 'sewage'],
  delivery: [{ from: '2020-01-01', channel: 'paper' }, { from: '2026-02-01', channel: 'einvoice' }],
  tariffs: [
    { from: '2025-06-01', to: '2026-01-20', water: '4.20', sewage: '6.80', feePaper: '6.00', feeEinvoice: '3.60', vat: 8 },
    { from: '2026-01-21', water: '4.50', sewage: '7.10', feePaper: '6.00', feeEinvoice: '3.60', vat: 8 },
  ],
  meters: [
    { serial: 'A1', role: 'main', readings: [{ date: '2025-12-31', value: '120.000' }, { date: '2026-02-28', value: '135.500' }] },
    { serial: 'G1', role: 'garden', readings: [{ date: '2025-12-31', value: '10.000' }, { date: '2026-02-28', value: '12.250' }] },
  ],
};

describe('wodnik billing simulate', () => {
  it('prints the bill of the document as JSON: lines water, sewage, fee by date, totals, no warnings', () => {
    const r = run(['billing', 'simulate', file('example.json', JSON.stringify(example))]);
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    const l = (item: string, from: string, to: string, quantity: string, unit: string, price: string, net: string) => ({ item, from, to, quantity, unit, price, net, vat: 8 });
    expect(out).toEqual({
      lines: [
        // 15.500 m³ over 59 days, 20 under the first tariff: 15.500 × 20 / 59 = 5.254 (× 4.20 = 22.0668); the rest 10.246 (× 4.50 = 46.107)
        l('water', '2026-01-01', '2026-01-20', '5.254', 'm3', '4.20', '22.07'),
        l('water', '2026-01-21', '2026-02-28', '10.246', 'm3', '4.50', '46.11'),
        // sewage 15.500 − 2.250 (garden) = 13.250: × 20 / 59 = 4.492 (× 6.80 = 30.5456); the rest 8.758 (× 7.10 = 62.1818)
        l('sewage', '2026-01-01', '2026-01-20', '4.492', 'm3', '6.80', '30.55'),
        l('sewage', '2026-01-21', '2026-02-28', '8.758', 'm3', '7.10', '62.18'),
        // 20/31 = 0.645, 11/31 = 0.355 on paper at 6.00; February 28/28 = 1.000 by e-invoice at 3.60
        l('fee', '2026-01-01', '2026-01-20', '0.645', 'month', '6.00', '3.87'),
        l('fee', '2026-01-21', '2026-01-31', '0.355', 'month', '6.00', '2.13'),
        l('fee', '2026-02-01', '2026-02-28', '1.000', 'month', '3.60', '3.60'),
      ],
      net: '170.51', // 22.07 + 46.11 + 30.55 + 62.18 + 3.87 + 2.13 + 3.60
      vat: '13.64', // 170.51 × 8 % = 13.6408
      gross: '184.15',
      estimated: false,
      warnings: [],
    });
    expect(existsSync(dataDir)).toBe(false);
  });

  it('adds the reading basis with --basis', () => {
    const r = run(['billing', 'simulate', '--basis', file('basis.json', JSON.stringify(example))]);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).basis[0]).toEqual({
      serial: 'A1', role: 'main', consumption: '15.500', estimate: null,
      opening: { date: '2025-12-31', value: '120.000', source: 'actual' },
      closing: { date: '2026-02-28', value: '135.500', source: 'actual' },
    });
  });

  it.each([
    ['a document with a wrong value', JSON.stringify({ ...example, period: { from: '2026-01-01', to: '2026-13-01' } }), /^wodnik: billing\.bad_input: period\.to: /],
    ['overlapping tariffs', JSON.stringify({ ...example, tariffs: [example.tariffs[0], { ...example.tariffs[1], from: '2026-01-20' }] }), /^wodnik: billing\.tariff_overlap: /],
    ['a file that is not JSON', '{"period": ', /^wodnik: billing\.bad_json: /],
  ])('answers %s with one line naming the code, and exit 2', (_name, content, message) => {
    const r = run(['billing', 'simulate', file(`bad-${_name.replace(/\W+/g, "-")}.json`, content)]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });

  it('answers a missing file with one line and exit 2', () => {
    const r = run(['billing', 'simulate', path.join(dir, 'nope.json')]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toMatch(/^wodnik: billing\.file_unreadable: cannot read .*ENOENT$/);
  });
});
