/**
 * What the walk-by benchmarks share: the generated file (meters × telegrams,
 * mode 5 with a key per meter, 2 % heard twice, 1 % of unregistered modules)
 * and the utility's meters with their sealed keys.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { sql } from 'kysely';
import type { Database } from '../src/db/connection.ts';
import { secretBox } from '../src/lib/secret-box.ts';
import { buildTelegram, toHex } from '../src/modules/metering/ingest/testing/telegram-builder.ts';

export const SECRET = '22'.repeat(32);
export const keyOf = (i: number) => createHash('sha256').update(`bench-key-${i}`).digest().subarray(0, 16);
export const idOf = (i: number) => String(40_000_000 + i);

/** Writes the file (kept and reused: its keys are derived from the meter number). */
export async function generate(file: string, METERS: number, PER_METER: number, from = 0): Promise<void> {
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

/** METERS service points and meters of the utility, each with a radio module 40000000 + i and its sealed key. */
export async function seedMeters(database: Database, utilityId: number, METERS: number): Promise<void> {
  await sql`insert into service_points (utility_id, code, street, building, postal_code, locality, route_order)
    select ${utilityId}, 'SP' || g, 'ul. Długa', g::text, '00-001', 'Wodnikowo', g from generate_series(1, ${METERS}) g`.execute(database.db);
  const box = secretBox(Buffer.from(SECRET, 'hex'));
  const ids = Array.from({ length: METERS }, (_, i) => idOf(i));
  const sealed = Array.from({ length: METERS }, (_, i) => box.seal(keyOf(i)));
  await sql`insert into radio_modules (utility_id, manufacturer, radio_id, key_enc)
    select ${utilityId}, 'APA', r, k from unnest(${ids}::text[], ${sealed}::text[]) as x(r, k)`.execute(database.db);
  await sql`insert into meters (utility_id, service_point_id, role, serial_number, installed_on, radio_module_id)
    select ${utilityId}, sp.id, 'main', 'SN' || sp.code, '2024-01-01', rm.id
    from service_points sp join radio_modules rm on rm.utility_id = sp.utility_id and rm.radio_id = (40000000 + sp.route_order - 1)::text
    where sp.utility_id = ${utilityId}`.execute(database.db);
  await sql`analyze`.execute(database.db);
}
