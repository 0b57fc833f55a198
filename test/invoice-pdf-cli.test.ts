/**
 * `wodnik invoice pdf NUMBER --utility SLUG > f.pdf` and
 * `wodnik invoice print-batch` as a user runs them, on an embedded database
 * in a temporary directory: the stored PDF's bytes on standard output; a
 * corrupt number is one line and exit 2, before any database is opened.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/connection.ts';
import { migrate } from '../src/db/migrate.ts';
import * as S from '../src/modules/billing/fa3/testing/sample-documents.ts';
import { buildCustomer, buildUtility } from './support/factories.ts';
import { insertInvoice } from './support/invoices.ts';
import { pdfText } from './support/pdf.ts';

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../bin/wodnik.js');
const dir = mkdtempSync(path.join(tmpdir(), 'wodnik-invoice-cli-'));
const dataDir = path.join(dir, 'data');
const run = (args: string[]) =>
  spawnSync(process.execPath, [bin, ...args], { env: { ...process.env, DATABASE_URL: '', WODNIK_DATA_DIR: dataDir }, timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
let slug: string;

beforeAll(async () => {
  const database = await openDatabase({ dataDir });
  await migrate(database.db);
  const u = await buildUtility(database, { nip: S.SELLER.nip });
  slug = u.slug;
  const c = await buildCustomer(database, Number(u.id));
  await insertInvoice(database, Number(u.id), Number(c.id), S.householdInvoice());
  await insertInvoice(database, Number(u.id), Number(c.id), { ...S.estimateInvoice(), issueDate: '2026-03-02' });
  await database.close();
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('wodnik invoice pdf', () => {
  // Each run opens the embedded database (seconds on a busy machine): few runs, each checking much.
  it('writes the stored PDF to standard output', async () => {
    const a = run(['invoice', 'pdf', 'FV/2026/03/000123', '--utility', slug]);
    expect(a.status, a.stderr.toString()).toBe(0);
    expect(a.stdout.subarray(0, 5).toString()).toBe('%PDF-');
    expect(await pdfText(a.stdout)).toContain('FV/2026/03/000123');
  });

  it('answers a corrupt number with one line and exit 2, without opening the database', () => {
    const r = run(['invoice', 'pdf', 'FV/2026/13/12', '--utility', slug]);
    expect(r.status).toBe(2);
    expect(r.stdout.length).toBe(0);
    expect(r.stderr.toString().trim().split('\n')).toHaveLength(1);
    expect(r.stderr.toString()).toMatch(/^wodnik: invoice\.bad_number: /);
  });

  it('answers an unknown invoice with one line and exit 2', () => {
    const r = run(['invoice', 'pdf', 'FV/2026/03/999999', '--utility', slug]);
    expect(r.status).toBe(2);
    expect(r.stderr.toString()).toMatch(/^wodnik: invoice\.not_found: /);
  });

  it('print-batch writes the paper invoices of a day into one PDF', async () => {
    const r = run(['invoice', 'print-batch', '--utility', slug, '--issued', '2026-03-02']);
    expect(r.status, r.stderr.toString()).toBe(0);
    expect(r.stderr.toString()).toContain('2 invoices, 2 pages');
    const text = await pdfText(r.stdout);
    expect(text).toContain('FV/2026/03/000123');
    expect(text).toContain('FV/2026/03/000126');
    expect(existsSync(dataDir)).toBe(true);
  });
});
