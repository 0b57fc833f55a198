/**
 * Walk-by ingestion benchmark: 1,000,000 mode-5 encrypted telegrams
 * (20,000 meters with their own keys × 50 telegrams, plus duplicates and
 * telegrams of unknown modules) into PostgreSQL: decrypt, decode, match,
 * dedupe, store. Prints the counts, wall time, CPU time of this process and of
 * the PostgreSQL backend, peak RSS and RSS sampled every second.
 *
 *   node bin/run-ts.js bench/ingest-walkby.bench.ts [--meters 20000] [--per-meter 50] [--threads N] [--batch TELEGRAMS] [--files 2]
 *
 * With --files 2 a second file (the same meters, the next 50 telegrams each) is
 * imported into the database that already holds the first: the figure of a
 * utility whose tables are no longer empty.
 *
 * BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres) names
 * the server; a scratch database is created and dropped. The generated file is
 * kept in /tmp and reused (its keys are derived from the meter number).
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { once } from 'node:events';
import os from 'node:os';
import { sql } from 'kysely';
import { secretBox } from '../src/lib/secret-box.ts';
import { buildTelegram, toHex } from '../src/modules/metering/ingest/testing/telegram-builder.ts';
import { importWalkby } from '../src/modules/metering/ingest/walkby.ts';
import { createScratchDatabase } from '../test/support/db.ts';

const arg = (name: string, d: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : d;
};
const METERS = arg('meters', 20_000);
const PER_METER = arg('per-meter', 50);
const threadsArg = process.argv.includes('--threads') ? arg('threads', 1) : undefined;
const batchArg = process.argv.includes('--batch') ? arg('batch', 5000) : undefined;
const FILES = arg('files', 1);
const base = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const SECRET = '22'.repeat(32);

const keyOf = (i: number) => createHash('sha256').update(`bench-key-${i}`).digest().subarray(0, 16);
const idOf = (i: number) => String(40_000_000 + i);

async function generate(file: string, from = 0): Promise<void> {
  if (existsSync(file)) return;
  const t0 = performance.now();
  const out = createWriteStream(file);
  const start = Date.UTC(2026, 9, 1);
  let n = 0;
  for (let k = from; k < from + PER_METER; k++) {
    let chunk = '';
    for (let i = 0; i < METERS; i++) {
      const when = new Date(start + k * 12 * 3600_000);
      const dt = { y: when.getUTCFullYear(), mo: when.getUTCMonth() + 1, d: when.getUTCDate(), h: when.getUTCHours(), mi: 0 };
      const hex = toHex(buildTelegram({ manufacturer: 'APA', id: idOf(i), totalM3: 100 + i / 1000 + k * 0.25, meterDatetime: dt, key: keyOf(i), accessNumber: k }));
      chunk += `${when.toISOString()};-${60 + (i % 30)};${hex}\n`;
      n++;
      // 2 % heard twice (walking past again), 1 % from modules nobody registered.
      if (i % 50 === 7) (chunk += `${when.toISOString()};-80;${hex}\n`), n++;
      if (i % 100 === 3) (chunk += toHex(buildTelegram({ manufacturer: 'APA', id: idOf(METERS + i), totalM3: 1, key: keyOf(METERS + i), accessNumber: k })) + '\n'), n++;
    }
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  console.log(`generated ${n} lines (${(statSync(file).size / 1e6).toFixed(0)} MB) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

/** This process's CPU per thread (main, decode worker, the loader's thread, V8 GC helpers), from /proc; sampled, so that an ended worker still counts. */
const threadSeconds = new Map<string, number>();
function sampleThreads(): void {
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const st = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const comm = st.slice(st.indexOf('(') + 1, st.lastIndexOf(')'));
      const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
      threadSeconds.set(tid === String(process.pid) ? 'main' : `${comm}#${tid}`, (Number(f[11]) + Number(f[12])) / 100);
    } catch {
      // the thread ended
    }
  }
}
function threadCpu(): string {
  sampleThreads();
  return [...threadSeconds].filter(([, v]) => v >= 0.05).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ');
}

async function main() {
  const files: string[] = [];
  for (let f = 0; f < FILES; f++) {
    const file = `/tmp/wodnik-walkby-${METERS}x${PER_METER}${f ? `-part${f + 1}` : ''}.txt`;
    await generate(file, f * PER_METER);
    files.push(file);
  }

  const database = await createScratchDatabase(base, 'wodnik_bench', { poolSize: 4, keep: process.argv.includes('--keep-db') });
  try {
    const u = await database.db.insertInto('utilities').values({ slug: 'bench', name: 'Bench', short_name: 'B' }).returning('id').executeTakeFirstOrThrow();
    await sql`insert into service_points (utility_id, code, street, building, postal_code, locality, route_order)
      select ${u.id}, 'SP' || g, 'ul. Długa', g::text, '00-001', 'Wodnikowo', g from generate_series(1, ${METERS}) g`.execute(database.db);
    const box = secretBox(Buffer.from(SECRET, 'hex'));
    const ids = Array.from({ length: METERS }, (_, i) => idOf(i));
    const sealed = Array.from({ length: METERS }, (_, i) => box.seal(keyOf(i)));
    await sql`insert into radio_modules (utility_id, manufacturer, radio_id, key_enc)
      select ${u.id}, 'APA', r, k from unnest(${ids}::text[], ${sealed}::text[]) as x(r, k)`.execute(database.db);
    await sql`insert into meters (utility_id, service_point_id, role, serial_number, installed_on, radio_module_id)
      select ${u.id}, sp.id, 'main', 'SN' || sp.code, '2024-01-01', rm.id
      from service_points sp join radio_modules rm on rm.utility_id = sp.utility_id and rm.radio_id = (40000000 + sp.route_order - 1)::text
      where sp.utility_id = ${u.id}`.execute(database.db);
    await sql`analyze`.execute(database.db);

    const pgCpu = async () => {
      // CPU seconds of this database's client backends (PostgreSQL runs on the same machine), from /proc.
      const r = await sql<{ pid: number }>`select pid from pg_stat_activity where datname = current_database() and backend_type = 'client backend'`.execute(database.db);
      const out = new Map<number, number>();
      for (const { pid } of r.rows) {
        try {
          const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
          out.set(pid, (Number(f[11]) + Number(f[12])) / 100);
        } catch {
          // not on this machine
        }
      }
      return out;
    };
    for (const [n, file] of files.entries()) {
      if (files.length > 1) console.log(`--- file ${n + 1} of ${files.length}: ${file}`);
      threadSeconds.clear();
      const pgBefore = await pgCpu();
      const samples: number[] = [];
      let peak = process.memoryUsage().rss;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
      const every = setInterval(() => {
        samples.push(Math.round(process.memoryUsage().rss / 1e6));
        sampleThreads();
      }, 1000);
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const s = await importWalkby(createReadStream(file, { highWaterMark: 256 * 1024 }), {
        database,
        config: { secretKey: SECRET, dataDir: '/tmp', env: 'test' },
        utilityId: u.id,
        fileName: file,
        sourceName: 'bench',
        threads: threadsArg,
        batchSize: batchArg,
      });
      const seconds = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      clearInterval(sampler);
      clearInterval(every);
      const pgAfter = await pgCpu();
      let pgSeconds = 0;
      for (const [pid, v] of pgAfter) pgSeconds += v - (pgBefore.get(pid) ?? 0);
      const stored = await sql<{ readings: number; telegrams: number }>`select (select count(*)::int from readings) as readings, (select count(*)::int from telegrams) as telegrams`.execute(database.db);
      const pgVersion = await sql<{ v: string }>`select current_setting('server_version') as v`.execute(database.db);
      console.log(JSON.stringify({ ...s, badLineSamples: undefined }));
      console.log(`machine: nproc ${os.cpus().length} × ${os.cpus()[0]?.model}, node ${process.version}, PostgreSQL ${pgVersion.rows[0].v}, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
      console.log(
        `lines ${s.lines}, telegrams ${s.telegrams}, readings ${s.readings} (stored ${stored.rows[0].readings}), telegrams stored ${stored.rows[0].telegrams}, duplicates ${s.duplicates}, quarantined ${s.quarantined} ${JSON.stringify(s.byReason)}, bad lines ${s.badLines}`,
      );
      console.log(
        `wall ${seconds.toFixed(1)} s (${Math.round(s.telegrams / seconds)} telegrams/s); CPU of this process ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s (user ${(cpu.user / 1e6).toFixed(1)}, sys ${(cpu.system / 1e6).toFixed(1)}); PostgreSQL backend CPU ${pgSeconds.toFixed(1)} s; peak RSS ${(peak / 1e6).toFixed(0)} MB`,
      );
      console.log(`RSS every second (MB): ${samples.join(' ')}`);
      console.log(`CPU by thread since start (s): ${threadCpu()}`);
    }
  } finally {
    await database.close();
  }
}

await main();
