/**
 * FA(3) XML speed on one core: build the XML of an invoice document (its
 * checks included) and validate the bytes against the official schema with
 * libxml2-wasm, as a billing run and the KSeF sender will. The documents
 * are the test kinds (household, business, housing community, estimate,
 * correction), each made unique per invoice (number, customer, quantities)
 * so nothing is served from a cache. Run: node bin/run-ts.js bench/fa3.bench.ts [--invoices N]
 *
 * The rate is per second of this process's CPU time (one thread), so other
 * load on a shared machine distorts it less; the wall-clock rate is printed
 * beside it. Needs ../shared/ksef (the MF schema); stops by itself.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import { buildFa3 } from '../src/modules/billing/fa3/build.ts';
import { defaultFa3SchemaDir, validateFa3 } from '../src/modules/billing/fa3/validate.ts';
import { computeTotals, lineNet, type BillingDocument, type InvoiceLine } from '../src/modules/billing/invoice-document.ts';
import {
  account,
  businessCorrection,
  businessInvoice,
  communityInvoice,
  estimateInvoice,
  householdInvoice,
} from '../src/modules/billing/fa3/testing/sample-documents.ts';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const N = arg('invoices', 20_000);
const schemaDir = defaultFa3SchemaDir();
if (!existsSync(schemaDir)) {
  console.error(`needs the FA(3) schema at ${schemaDir} (../shared/ksef/schemy/FA or WODNIK_FA3_SCHEMA_DIR)`);
  process.exit(2);
}

/** The i-th variant of a line: quantity shifted by i litres, net recomputed. */
const vary = (l: InvoiceLine, i: number): InvoiceLine => {
  const quantity = l.unit === 'm3' ? l.quantity + (i % 997) : l.quantity;
  return { ...l, quantity, net: lineNet(quantity, l.unitPrice) };
};

const makers = [householdInvoice, businessInvoice, communityInvoice, estimateInvoice, businessCorrection];
function documentNo(i: number): BillingDocument {
  const d = makers[i % makers.length]();
  const number = `FV/2026/03/${String(i).padStart(6, '0')}`;
  const buyer = { ...d.buyer, customerNumber: `K/${String(i).padStart(6, '0')}` };
  if (d.kind === 'invoice') {
    const lines = d.lines.map((l) => vary(l, i));
    return { ...d, number, buyer, paymentAccount: account(i), lines, totals: computeTotals(lines) };
  }
  return { ...d, number: `FK/2026/03/${String(i).padStart(6, '0')}`, buyer, paymentAccount: account(i) };
}

const docs = Array.from({ length: N }, (_, i) => documentNo(i));
validateFa3(buildFa3(docs[0]), schemaDir); // compile the schema before timing (~0.2 s, once per process)

function round(): { cpu: number; wall: number; bytes: number } {
  let bytes = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (const d of docs) {
    const xml = buildFa3(d);
    const r = validateFa3(xml, schemaDir);
    if (!r.valid) throw new Error(`invalid FA(3) for ${d.number}: ${r.problems[0]?.message}`);
    bytes += xml.length;
  }
  const c = process.cpuUsage(cpu0);
  return { cpu: (c.user + c.system) / 1e6, wall: (performance.now() - t0) / 1000, bytes };
}

console.log(`node ${process.version}, ${os.cpus()[0]?.model ?? '?'} × ${os.cpus().length}, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
let best = Infinity;
for (let r = 0; r < 3; r++) {
  const { cpu, wall, bytes } = round();
  best = Math.min(best, cpu);
  console.log(`round ${r + 1}: ${N} invoices built + validated, ${(bytes / N / 1024).toFixed(1)} KiB each: ${Math.round(N / cpu)}/s per CPU-second (${Math.round(N / wall)}/s wall)`);
}
const rss = process.memoryUsage().rss;
console.log(`best: ${Math.round(N / best)} invoices per second per core (build + schema validation); RSS ${Math.round(rss / 2 ** 20)} MB`);
