/**
 * Walk-by ingestion benchmark: 1,000,000 mode-5 encrypted telegrams
 * (20,000 meters with their own keys × 50 telegrams, plus duplicates and
 * telegrams of unknown modules) into PostgreSQL: decrypt, decode, match,
 * dedupe, store. Prints the time and the peak RSS.
 *
 *   node bin/run-ts.js bench/ingest-walkby.bench.ts [--meters 20000] [--per-meter 50] [--threads N]
 *
 * BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres) names
 * the server; a scratch database is created and dropped. The generated file is
 * kept in /tmp and reused (its keys are derived from the meter number).
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, statSync } from 'node:fs';
import { once } from 'node:events';
import os from 'node:os';
import { sql } from 'kysely';
import pg from 'pg';
import { openDatabase } from '../src/db/connection.ts';
import { migrate } from '../src/db/migrate.ts';
import { secretBox } from '../src/lib/secret-box.ts';
import { buildTelegram, toHex } from '../src/modules/metering/ingest/testing/telegram-builder.ts';
import { importWalkby } from '../src/modules/metering/ingest/walkby.ts';

const arg = (name: string, d: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : d;
};
const METERS = arg('meters', 20_000);
const PER_METER = arg('per-meter', 50);
const threadsArg = process.argv.includes('--threads') ? arg('threads', 1) : undefined;
const base = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const SECRET = '22'.repeat(32);

const keyOf = (i: number) => createHash('sha256').update(`bench-key-${i}`).digest().subarray(0, 16);
const idOf = (i: number) => String(40_000_000 + i);

async function generate(file: string): Promise<void> {
  if (existsSync(file)) return;
  const t0 = performance.now();
  const out = createWriteStream(file);
  const start = Date.UTC(2026, 9, 1);
  let n = 0;
  for (let k = 0; k < PER_METER; k++) {
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

async function main() {
  const file = `/tmp/wodnik-walkby-${METERS}x${PER_METER}.txt`;
  await generate(file);

  const name = `wodnik_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  const database = await openDatabase({ databaseUrl: url.toString(), dataDir: ':memory:', poolSize: 4 });
  try {
    await migrate(database.db);
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

    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
    const t0 = performance.now();
    const s = await importWalkby(createReadStream(file, { highWaterMark: 256 * 1024 }), {
      database,
      config: { secretKey: SECRET, dataDir: '/tmp', env: 'test' },
      utilityId: u.id,
      fileName: file,
      sourceName: 'bench',
      threads: threadsArg,
    });
    const seconds = (performance.now() - t0) / 1000;
    clearInterval(sampler);
    const stored = await sql<{ readings: number; telegrams: number }>`select (select count(*)::int from readings) as readings, (select count(*)::int from telegrams) as telegrams`.execute(database.db);
    console.log(JSON.stringify({ ...s, badLineSamples: undefined }));
    console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model}, node ${process.version}, ${database.kind}`);
    console.log(
      `ingested ${s.telegrams} telegrams in ${seconds.toFixed(1)} s (${Math.round(s.telegrams / seconds)}/s): ${stored.rows[0].readings} readings, ${stored.rows[0].telegrams} telegrams stored, ${s.duplicates} duplicates, ${s.quarantined} quarantined; peak RSS ${(peak / 1e6).toFixed(0)} MB`,
    );
  } finally {
    await database.close();
    const a = new pg.Client({ connectionString: base });
    await a.connect();
    await a.query(`drop database if exists ${name} with (force)`);
    await a.end();
  }
}

await main();
