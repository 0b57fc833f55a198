/**
 * Does one walk-by upload stop the server? The whole server on the embedded
 * database (PGlite in a fresh data folder), listening on 127.0.0.1:3201; a
 * million-telegram file (20,000 meters × 50, as bench/ingest-walkby.bench.ts)
 * is uploaded through POST /api/staff/walkby-uploads while a poller in its own
 * thread (its clock is not held up by the server's event loop) asks for
 * /healthz and a signed-in customer's readings page every 100 ms. Prints the
 * import's figures and the latency of both (count, p50, p99, max).
 *
 *   node bin/run-ts.js bench/import-responsiveness.bench.ts [--meters 20000] [--per-meter 50]
 */
import { openAsBlob, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { Readable } from 'node:stream';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/connection.ts';
import { migrate } from '../src/db/migrate.ts';
import { buildApp } from '../src/http/app.ts';
import { buildContract, buildCustomer, buildServicePoint, buildUser, buildUtility, TEST_PASSWORD } from '../test/support/factories.ts';
import { walkbyLimits } from '../src/modules/metering/ingest/walkby-limits.ts';
import { generate, SECRET, seedMeters } from './walkby-fixture.ts';

const arg = (name: string, d: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : d;
};
const METERS = arg('meters', 20_000);
const PER_METER = arg('per-meter', 50);
const PORT = 3201;
const base = `http://127.0.0.1:${PORT}`;

/**
 * POST of a form through node:http, without a time limit: fetch (undici) gives
 * up with HeadersTimeoutError when the answer takes more than 300 s, as a
 * million-telegram import on a loaded machine may.
 */
async function postForm(url: string, form: FormData, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  const encoded = new Request(url, { method: 'POST', body: form });
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { ...headers, 'content-type': encoded.headers.get('content-type')! } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(0);
    req.on('error', reject);
    Readable.fromWeb(encoded.body! as import('node:stream/web').ReadableStream).pipe(req);
  });
}

/** Sign-in as a browser does it: the CSRF cookie from any page, then the form. Returns the cookie header. */
async function signIn(prefix: string, email: string): Promise<string> {
  const first = await fetch(`${base}${prefix}/api/auth/session`);
  const jar = new Map<string, string>();
  const keep = (r: Response) => {
    for (const c of r.headers.getSetCookie()) {
      const [kv] = c.split(';');
      const i = kv.indexOf('=');
      jar.set(kv.slice(0, i), kv.slice(i + 1));
    }
  };
  keep(first);
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const r = await fetch(`${base}${prefix}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: cookie(), 'x-csrf-token': jar.get('wodnik_csrf') ?? '' },
    body: JSON.stringify({ email, password: TEST_PASSWORD }),
  });
  if (r.status !== 200) throw new Error(`sign-in of ${email}: ${r.status} ${await r.text()}`);
  keep(r);
  return `${cookie()}|${jar.get('wodnik_csrf') ?? ''}`;
}

const POLLER = `
const { parentPort, workerData } = require('node:worker_threads');
const { urls, cookie } = workerData;
const lat = urls.map(() => []);
const failures = urls.map(() => 0);
let stop = false;
parentPort.on('message', () => { stop = true; });
(async () => {
  while (!stop) {
    const round = performance.now();
    await Promise.all(urls.map(async (u, i) => {
      const t0 = performance.now();
      try {
        const r = await fetch(u, { headers: { cookie } });
        await r.arrayBuffer();
        if (r.status !== 200) failures[i]++;
      } catch { failures[i]++; }
      lat[i].push([performance.now() - t0, t0 + performance.timeOrigin]);
    }));
    const wait = 100 - (performance.now() - round);
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  parentPort.postMessage({ lat, failures });
})();
`;

/** Latencies with the wall time (epoch ms) each request started. */
function stats(samples: Array<[number, number]>, from: number) {
  const s = samples.map(([ms]) => ms).sort((a, b) => a - b);
  const slow = [...samples].sort((a, b) => b[0] - a[0]).slice(0, 3).map(([ms, at]) => `${ms.toFixed(0)} ms at +${((at - from) / 1000).toFixed(1)} s`);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? NaN;
  return `n ${s.length}, p50 ${q(0.5).toFixed(0)} ms, p99 ${q(0.99).toFixed(0)} ms, max ${(s.at(-1) ?? NaN).toFixed(0)} ms (slowest: ${slow.join(', ')})`;
}

async function main() {
  const file = `/tmp/wodnik-walkby-${METERS}x${PER_METER}.txt`;
  await generate(file, METERS, PER_METER);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wodnik-resp-'));
  const database = await openDatabase({ dataDir: dir });
  await migrate(database.db);
  const config = loadConfig({ NODE_ENV: 'development', LOG_LEVEL: 'silent', WODNIK_SECRET_KEY: SECRET, WODNIK_DATA_DIR: dir, HOST: '127.0.0.1', PORT: String(PORT) });
  const app = await buildApp({ config, database });
  try {
    const u = await buildUtility(database, { slug: 'bench' });
    await seedMeters(database, u.id, METERS);
    const customer = await buildCustomer(database, u.id);
    const sp = await buildServicePoint(database, u.id);
    await buildContract(database, u.id, customer.id, sp.id);
    await buildUser(database, u.id, { kind: 'customer', email: 'jan@bench.example', customerIds: [customer.id] });
    await buildUser(database, u.id, { kind: 'staff', email: 'admin@bench.example', roles: ['admin'] });
    await app.listen({ host: '127.0.0.1', port: PORT });
    const prefix = '/t/bench';
    const [customerCookie] = (await signIn(prefix, 'jan@bench.example')).split('|');
    const [staffCookie, staffCsrf] = (await signIn(prefix, 'admin@bench.example')).split('|');

    const urls = [`${base}${prefix}/healthz`, `${base}${prefix}/api/customers/${customer.id}/readings`];
    const poller = new Worker(POLLER, { eval: true, workerData: { urls, cookie: customerCookie } });
    const polled = new Promise<{ lat: Array<Array<[number, number]>>; failures: number[] }>((r) => poller.once('message', r));
    await new Promise((r) => setTimeout(r, 1000));

    const form = new FormData();
    form.append('file', await openAsBlob(file), path.basename(file));
    const t0 = performance.now();
    const startedAt = Date.now();
    const { status, body } = await postForm(`${base}${prefix}/api/staff/walkby-uploads`, form, { cookie: staffCookie, 'x-csrf-token': staffCsrf });
    const seconds = (performance.now() - t0) / 1000;
    poller.postMessage('stop');
    const { lat, failures } = await polled;
    await poller.terminate();
    if (status !== 200) throw new Error(`upload: ${status} ${body}`);
    const s = JSON.parse(body);
    console.log(`machine: nproc ${os.cpus().length} × ${os.cpus()[0]?.model}, node ${process.version}, embedded PGlite, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    console.log(`segments: WODNIK_WALKBY_COMMIT_BYTES ${walkbyLimits().commitBytes} bytes`);
    console.log(`upload: ${s.lines} lines, ${s.telegrams} telegrams, ${s.readings} readings, ${s.duplicates} duplicates, ${s.quarantined} quarantined in ${seconds.toFixed(1)} s (${Math.round(s.telegrams / seconds)}/s)`);
    console.log(`/healthz during the import: ${stats(lat[0], startedAt)}, failures ${failures[0]}`);
    console.log(`customer readings page during the import: ${stats(lat[1], startedAt)}, failures ${failures[1]}`);
  } finally {
    await app.close();
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
