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
import { createReadStream, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { sql } from 'kysely';
import { importWalkby } from '../src/modules/metering/ingest/walkby.ts';
import { createScratchDatabase } from '../test/support/db.ts';
import { generate, SECRET, seedMeters } from './walkby-fixture.ts';

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
    await generate(file, METERS, PER_METER, f * PER_METER);
    files.push(file);
  }

  const database = await createScratchDatabase(base, 'wodnik_bench', { poolSize: 4, keep: process.argv.includes('--keep-db') });
  try {
    const u = await database.db.insertInto('utilities').values({ slug: 'bench', name: 'Bench', short_name: 'B' }).returning('id').executeTakeFirstOrThrow();
    await seedMeters(database, u.id, METERS);

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
