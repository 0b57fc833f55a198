/**
 * KSeF batch sending: `node bin/run-ts.js bench/ksef-batch.bench.ts [--invoices N]` (default 10,000).
 *
 * N business invoices (distinct numbers) are prepared (FA(3) XML built) and
 * stored in an in-memory PGlite database (or TEST_DATABASE_URL's
 * PostgreSQL), then sent by the product's send job in batch sessions to the
 * KSeF simulator, which runs in a child process so that only our side's CPU
 * is counted: process CPU (user + system) of the send phase, its wall time,
 * and RSS sampled every 200 ms (the parts stream: memory must not grow with N).
 */
import { spawn } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { loadConfig } from '../src/config.ts';
import { withTenant } from '../src/db/tenant.ts';
import { drainJobs } from '../src/jobs/queue.ts';
import { buildFa3 } from '../src/modules/billing/fa3/index.ts';
import * as S from '../src/modules/billing/fa3/testing/sample-documents.ts';
import { boxOf, requestSend, SEND_JOB } from '../src/modules/ksef/service.ts';
import { saveSettings } from '../src/modules/ksef/settings.ts';

const arg = (name: string, d: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : d;
};

if (process.argv.includes('--sim')) {
  // The child: the simulator, its URL and a KSeF token on standard output, then it waits.
  const { startKsefSimulator } = await import('../test/support/ksef-sim/index.ts');
  const sim = await startKsefSimulator({ rateLimitScale: 0 });
  const token = sim.control.addKsefToken(S.SELLER.nip);
  process.stdout.write(`${JSON.stringify({ url: sim.url, token })}\n`);
  process.stdin.on('end', () => void sim.close().then(() => process.exit(0)));
  process.stdin.resume();
} else {
  const N = arg('invoices', 10_000);
  const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`;
  console.log(`node ${process.version}, ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}; ${N} invoices`);
  const child = spawn(process.execPath, [fileURLToPath(new URL('../bin/run-ts.js', import.meta.url)), fileURLToPath(import.meta.url), '--sim'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const simInfo = await new Promise<{ url: string; token: string }>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (c: Buffer) => {
      buf += c.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) resolve(JSON.parse(buf.slice(0, nl)));
    });
    child.on('exit', (code) => reject(new Error(`simulator exited ${code}`)));
  });
  const { createTestDatabase } = await import('../test/support/db.ts');
  const { buildCustomer, buildUtility } = await import('../test/support/factories.ts');
  const database = await createTestDatabase();
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', WODNIK_SECRET_KEY: '33'.repeat(32) });
  const u = await buildUtility(database, { nip: S.SELLER.nip });
  const customer = await buildCustomer(database, u.id, { kind: 'business', nip: S.BUSINESS_NIP });

  // Prepare: the FA(3) XML of each invoice, stored as billing stores it.
  let t = performance.now();
  const base = S.businessInvoice();
  for (let i = 0; i < N; i += 500) {
    const rows = [];
    for (let j = i; j < Math.min(N, i + 500); j++) {
      const number = `FV/2026/11/${String(j + 1).padStart(6, '0')}`;
      const doc = { ...base, number, issueDate: '2026-11-30' };
      rows.push({
        utility_id: u.id, invoice_number: number, kind: 'invoice', customer_id: customer.id, issue_date: doc.issueDate, due_date: '2026-12-14',
        net_grosze: doc.totals.net, vat_grosze: doc.totals.vat, gross_grosze: doc.totals.gross, document: JSON.stringify(doc), xml: Buffer.from(buildFa3(doc)), buyer_kind: 'business', series: 'FV',
      });
    }
    await database.db.insertInto('invoices').values(rows).execute();
  }
  console.log(`prepared and stored ${N} invoices: ${((performance.now() - t) / 1000).toFixed(1)} s`);

  await withTenant(database.db, { utilityId: u.id }, (tx) =>
    saveSettings(tx, boxOf(config), { environment: 'test', sellerNip: S.SELLER.nip, authMethod: 'token', token: simInfo.token, includeConsumers: false, offline24: false, apiUrlOverride: simInfo.url }),
  );
  let peak = process.memoryUsage().rss;
  const samples: number[] = [];
  const timer = setInterval(() => {
    const r = process.memoryUsage().rss;
    peak = Math.max(peak, r);
    samples.push(r);
  }, 200);
  t = performance.now();
  const cpu0 = process.cpuUsage();
  await withTenant(database.db, { utilityId: u.id }, (tx) => requestSend(tx, {}));
  const rep = await drainJobs(database, config, { kinds: [SEND_JOB] });
  const cpu = process.cpuUsage(cpu0);
  clearInterval(timer);
  const wall = (performance.now() - t) / 1000;
  const counts = await sql<{ state: string; n: number }>`select state, count(*)::int as n from ksef_invoices group by state`.execute(database.db);
  const sessions = await sql<{ n: number }>`select count(*)::int as n from ksef_sessions where kind = 'batch' and state = 'processed'`.execute(database.db);
  console.log(`send: jobs ${JSON.stringify(rep)}, invoices ${JSON.stringify(Object.fromEntries(counts.rows.map((r) => [r.state, r.n])))}, batch sessions ${sessions.rows[0]!.n}`);
  console.log(`send phase: wall ${wall.toFixed(1)} s (includes the simulator's processing), our CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s, peak RSS ${mb(peak)}, RSS every ~2 s: ${samples.filter((_, i) => i % 10 === 0).map(mb).join(' ')}`);
  child.stdin!.end();
  await database.close();
}
