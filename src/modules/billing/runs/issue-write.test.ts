/**
 * The issuing batch's COPY rows read back by a real database as what was
 * meant: text with COPY's special characters, the XML bytes as bytea, JSON
 * documents as jsonb, negative amounts. (The run tests cover the whole
 * batch; this pins the text format on its edges.)
 */
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CopyBuffer } from '../../../db/copy-buffer.ts';
import { householdInvoice, SELLER } from '../fa3/testing/sample-documents.ts';
import { fa3Text } from '../fa3/build.ts';
import { checkInvoiceDocument } from '../invoice-document.ts';
import { STREAM_PIECE, invoiceStream, lineRows, invoiceRows, type IssueContext, type IssuedInvoice, type ReadyInvoice } from './issue-write.ts';

const CTX: IssueContext = { utilityId: 3, runId: 9, issueDate: '2026-11-03', dueDate: '2026-11-17', seller: SELLER };

const pg = new PGlite();
// The WebAssembly database starts slowly on a busy machine: wait for it here, not in the first test.
beforeAll(() => pg.waitReady, 180_000);
afterAll(() => pg.close());

it('writes bytes of every value as bytea hex that reads back unchanged', async () => {
  const bytes = new Uint8Array(256).map((_, i) => i);
  const rows = new CopyBuffer(16).bytea(bytes, 9).text('a\tb\\c\nd', 10);
  await pg.exec('create temp table b (x bytea, t text)');
  await pg.query(`copy b (x, t) from '/dev/blob'`, [], { blob: new Blob([rows.bytes()]) });
  const r = await pg.query<{ x: Uint8Array; t: string }>('select x, t from b');
  expect(Buffer.from(r.rows[0].x).equals(Buffer.from(bytes))).toBe(true);
  expect(r.rows[0].t).toBe('a\tb\\c\nd');
});

it('makes invoice and line rows whose columns read back as the document says', async () => {
  const doc = householdInvoice();
  doc.buyer = { ...doc.buyer, name: 'Anna\tKowalska \\ "Dom"' };
  // A copy of the lines: the sample documents share theirs.
  doc.lines = [{ ...doc.lines[0], name: 'Woda\t& ścieki', net: -1234 }, ...doc.lines.slice(1)];
  const xml = Buffer.from('<?xml version="1.0"?><Faktura>ż\t</Faktura>', 'utf8');
  const ready: ReadyInvoice[] = [{ contractId: 7, customerId: 5, delivery: 'einvoice', estimates: [], doc, xml }];
  await pg.exec(`create temp table inv (utility_id bigint, id bigint, invoice_number text, kind text, customer_id bigint, contract_id bigint, issue_date date,
    sale_date date, period_from date, period_to date, due_date date, net_grosze bigint, vat_grosze bigint, gross_grosze bigint, is_estimate boolean,
    delivery text, seller jsonb, buyer jsonb, document jsonb, xml bytea, series text, buyer_kind text, billing_run_id bigint)`);
  await pg.exec(`create temp table lines (utility_id bigint, invoice_id bigint, position int, description text, quantity numeric(12,3), unit text,
    unit_price_net_grosze bigint, net_grosze bigint, vat_rate_percent int)`);
  await pg.query(`copy inv from '/dev/blob'`, [], { blob: new Blob([invoiceRows(CTX, ready, [41]).bytes()]) });
  await pg.query(`copy lines from '/dev/blob'`, [], { blob: new Blob([lineRows(3, ready, [41]).bytes()]) });
  const inv = (await pg.query<Record<string, unknown>>('select * from inv')).rows;
  expect(inv).toHaveLength(1);
  expect(inv[0]).toMatchObject({ id: 41, invoice_number: doc.number, customer_id: 5, contract_id: 7, delivery: 'einvoice', buyer_kind: 'household', billing_run_id: 9 });
  expect(inv[0].buyer).toEqual(doc.buyer);
  expect(inv[0].seller).toEqual(SELLER);
  expect(inv[0].document).toEqual(JSON.parse(JSON.stringify(doc)));
  expect(Buffer.from(inv[0].xml as Uint8Array).equals(xml)).toBe(true);
  const lines = (await pg.query<Record<string, unknown>>('select position, description, quantity::text as q, net_grosze from lines order by position')).rows;
  expect(lines.map((l) => l.description)).toEqual(doc.lines.map((l) => l.name));
  expect(lines[0]).toMatchObject({ position: 1, net_grosze: -1234 });
  expect(lines.map((l) => l.q)).toEqual(doc.lines.map((l) => (l.quantity / 1000).toFixed(3)));
});

it('streams the invoice rows in pieces that add up to the rows made at once, the XML made on the way', async () => {
  const count = STREAM_PIECE * 2 + 3;
  const issued: IssuedInvoice[] = Array.from({ length: count }, (_, i) => {
    const doc = householdInvoice();
    doc.number = `FV/2026/11/${String(i + 1).padStart(6, '0')}`;
    return { contractId: 100 + i, customerId: 200 + i, delivery: 'paper', estimates: [], doc, nips: checkInvoiceDocument(doc) };
  });
  const ids = issued.map((_, i) => 1000 + i);
  const pieces: Uint8Array[] = [];
  for await (const piece of invoiceStream(CTX, issued, ids)) pieces.push(Uint8Array.prototype.slice.call(piece));
  expect(pieces).toHaveLength(3);
  const whole = invoiceRows(CTX, issued.map((p) => ({ ...p, xml: Buffer.from(fa3Text(p.doc, p.nips), 'utf8') })), ids).bytes();
  expect(Buffer.concat(pieces).equals(whole)).toBe(true);
  // Every piece ends at the end of a row.
  for (const p of pieces) expect(p[p.length - 1]).toBe(10);
});
