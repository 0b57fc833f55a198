/**
 * Invoice PDF speed: `node bin/run-ts.js bench/invoice-pdf.bench.ts [--renders N] [--batch N]`
 *
 * 1. Rendering: N invoices (the five sample kinds in turn, with a chart of
 *    seven earlier periods) rendered one after another on one thread:
 *    invoices per second per core (the target is at least 50).
 * 2. Print batch: N paper invoices (default 10,000) stored in an in-memory
 *    PGlite database (or TEST_DATABASE_URL's PostgreSQL), streamed as one PDF
 *    into a sink that counts bytes; RSS sampled every 200 ms: it must stay
 *    flat (bounded memory), not grow with the batch.
 */
import { Writable } from 'node:stream';
import { cpus, loadavg } from 'node:os';
import { sql } from 'kysely';
import * as S from '../src/modules/billing/fa3/testing/sample-documents.ts';
import { renderInvoicePdf } from '../src/modules/billing/pdf/render.ts';
import { consumptionOf } from '../src/modules/billing/pdf/store.ts';
import { writePrintBatch } from '../src/modules/billing/pdf/print-batch.ts';
import { createTestDatabase } from '../test/support/db.ts';
import { buildCustomer, buildUtility } from '../test/support/factories.ts';

const arg = (name: string, d: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : d;
};
const RENDERS = arg('renders', 500);
const BATCH = arg('batch', 10_000);
const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`;

const branding = {
  name: 'Zakład Gospodarki Komunalnej „Wodnik” sp. z o.o.', shortName: 'ZGK Wodnik', street: 'ul. Wodociągowa 7', postalCode: '05-800', city: 'Pruszków',
  nip: S.SELLER.nip, phone: '22 758 99 00', email: 'bok@zgk.example.pl', website: 'zgk.example.pl', primaryColor: '#0b5cad', accentColor: '#00897b',
  logoSvg: '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 120"><circle cx="60" cy="60" r="56" fill="#0b5cad"/><path d="M60 18 C60 18 30 56 30 74 a30 30 0 0 0 60 0 C90 56 60 18 60 18 Z" fill="#ffffff"/></svg>',
};
const samples = [S.householdInvoice(), S.businessInvoice(), S.communityInvoice(), S.estimateInvoice(), S.businessCorrection()];
const history = Array.from({ length: 7 }, (_, i) => ({ from: `2025-0${1 + i}-01`, to: `2025-0${1 + i}-28`, volume: 10_000 + i * 731, estimated: i === 3 }));

console.log(`node ${process.version}, ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);

// 1. Rendering.
for (let i = 0; i < 20; i++) await renderInvoicePdf({ document: samples[i % 5], branding, history, ksef: null }); // warm-up
const cpu0 = process.cpuUsage();
const t0 = performance.now();
let bytes = 0;
for (let i = 0; i < RENDERS; i++) {
  const d = samples[i % 5];
  const ksef = d.buyer.kind === 'household' ? null : { url: `https://qr.ksef.mf.gov.pl/invoice/${S.SELLER.nip}/02-03-2026/UtQp9Gpc51y-u3xApZjIjgkpZ01js-J8KflSPW8WzIE`, number: i % 2 ? null : `${S.SELLER.nip}-20260302-0A1B2C3D4E5F-6A` };
  bytes += (await renderInvoicePdf({ document: d, branding, history: [...history, { ...d.period, ...consumptionOf(d), current: true }], ksef })).length;
}
const wall = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const cpuS = (cpu.user + cpu.system) / 1e6;
console.log(`render: ${RENDERS} invoices in ${wall.toFixed(2)} s wall, ${cpuS.toFixed(2)} s CPU: ${(RENDERS / wall).toFixed(0)}/s wall, ${(RENDERS / cpuS).toFixed(0)} per CPU-second; ${(bytes / RENDERS / 1024).toFixed(1)} KB each`);

// 2. The print batch.
const database = await createTestDatabase();
const u = await buildUtility(database, { nip: S.SELLER.nip });
const customer = await buildCustomer(database, Number(u.id));
const inv = S.householdInvoice();
for (let at = 0; at < BATCH; at += 1000) {
  const rows = Array.from({ length: Math.min(1000, BATCH - at) }, (_, k) => {
    const number = `FV/2026/03/${String(at + k + 1).padStart(6, '0')}`;
    return {
      utility_id: Number(u.id), invoice_number: number, kind: 'invoice', customer_id: Number(customer.id), issue_date: inv.issueDate,
      period_from: inv.period.from, period_to: inv.period.to, due_date: inv.dueDate, net_grosze: inv.totals.net, vat_grosze: inv.totals.vat,
      gross_grosze: inv.totals.gross, delivery: 'paper', document: JSON.stringify({ ...inv, number, buyer: { ...inv.buyer, name: `Odbiorca ${at + k + 1}` } }),
      buyer_kind: 'household',
    };
  });
  await database.db.insertInto('invoices').values(rows).execute();
}
await sql`analyze invoices`.execute(database.db);
let written = 0;
const sink = new Writable({
  write(chunk: Buffer, _enc, cb) {
    written += chunk.length;
    setImmediate(cb); // a reader that takes its time, like a network client
  },
});
let peak = process.memoryUsage().rss;
const start = peak;
const samplesRss: number[] = [];
const timer = setInterval(() => {
  const r = process.memoryUsage().rss;
  peak = Math.max(peak, r);
  samplesRss.push(r);
}, 200);
const b0 = performance.now();
const bc0 = process.cpuUsage();
const report = await writePrintBatch(database, Number(u.id), { issueDate: inv.issueDate }, sink, { endOutput: true });
await new Promise((r) => sink.on('finish', r));
clearInterval(timer);
const bwall = (performance.now() - b0) / 1000;
const bc = process.cpuUsage(bc0);
const q = (p: number) => samplesRss.slice().sort((a, b) => a - b)[Math.floor(p * (samplesRss.length - 1))] ?? 0;
const tenth = samplesRss.slice(0, Math.max(1, Math.floor(samplesRss.length / 10)));
const last = samplesRss.slice(-Math.max(1, Math.floor(samplesRss.length / 10)));
console.log(
  `print batch: ${report.invoices} invoices, ${report.pages} pages, ${mb(written)} in ${bwall.toFixed(1)} s wall (${(report.invoices / bwall).toFixed(0)}/s), ` +
    `CPU ${((bc.user + bc.system) / 1e6).toFixed(1)} s; RSS at start ${mb(start)}, median ${mb(q(0.5))}, peak ${mb(peak)}; ` +
    `mean RSS first tenth ${mb(tenth.reduce((s, x) => s + x, 0) / tenth.length)}, last tenth ${mb(last.reduce((s, x) => s + x, 0) / last.length)}; most bytes waiting for the reader ${mb(report.maxBuffered)}`,
);
await database.close();
