/**
 * A walk-by file through the decode worker thread (as big files go), in many
 * small batches: the same readings, duplicates, quarantine and bad-line
 * numbers as the inline path, and a second import adds nothing.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secretBox, serverKey } from '../src/lib/secret-box.ts';
import { buildTelegram, toHex } from '../src/modules/metering/ingest/testing/telegram-builder.ts';
import { importWalkby } from '../src/modules/metering/ingest/walkby.ts';
import { createTestApp, type TestApp } from './support/app.ts';
import { buildMeter, buildServicePoint, buildUtility } from './support/factories.ts';

let t: TestApp;
let utilityId: number;
const keys = [randomBytes(16), randomBytes(16), randomBytes(16)];
const ids = ['71000001', '71000002', '71000003'];
const unknownKey = randomBytes(16);

beforeAll(async () => {
  t = await createTestApp();
  utilityId = (await buildUtility(t.database)).id;
  const box = secretBox(serverKey(t.config));
  for (let i = 0; i < ids.length; i++) {
    const m = await t.database.db
      .insertInto('radio_modules')
      .values({ utility_id: utilityId, manufacturer: 'APA', radio_id: ids[i], key_enc: box.seal(keys[i]) })
      .returning('id')
      .executeTakeFirstOrThrow();
    const sp = await buildServicePoint(t.database, utilityId);
    await buildMeter(t.database, utilityId, sp.id, { radio_module_id: m.id });
  }
});

afterAll(() => t?.close());

function file(): string {
  const lines = ['timestamp;rssi;telegram'];
  for (let k = 0; k < 20; k++) {
    const when = new Date(Date.UTC(2026, 10, 1 + k, 8));
    for (let i = 0; i < ids.length; i++) {
      const hex = toHex(buildTelegram({ manufacturer: 'APA', id: ids[i], totalM3: 10 + i + k * 0.2, key: keys[i], accessNumber: k, meterDatetime: { y: 2026, mo: 11, d: 1 + k, h: 8, mi: 0 } }));
      lines.push(`${when.toISOString()};-70;${hex}`);
      if (i === 0) lines.push(`${when.toISOString()};-75;${hex}`); // heard twice
    }
    lines.push(toHex(buildTelegram({ manufacturer: 'APA', id: '79999999', totalM3: 1, key: unknownKey, accessNumber: k })));
  }
  lines.push('not a telegram');
  return lines.join('\n') + '\n';
}

async function* chunks(text: string) {
  // Chunks that cut lines anywhere, as a stream does.
  for (let i = 0; i < text.length; i += 7777) yield Buffer.from(text.slice(i, i + 7777));
}

const opts = () => ({
  database: t.database,
  config: t.config,
  utilityId,
  fileName: 'w.txt',
  sourceName: 'test',
  threads: 1,
  inlineBytes: 0,
  batchSize: 3, // ~300 bytes: about two lines per batch, so many batches cross the thread
});

describe('walk-by import through the worker thread', () => {
  it('stores readings, counts duplicates, quarantines unknown modules and numbers bad lines', async () => {
    const s = await importWalkby(chunks(file()), opts());
    expect(s).toMatchObject({ lines: 102, telegrams: 100, readings: 60, duplicates: 20, quarantined: 20, badLines: 1 });
    expect(s.byReason).toEqual({ 'ingest.unknown_module': 20 });
    expect(s.badLineSamples).toEqual([{ line: 102, reason: 'no telegram in the line' }]);
    const r = await sql<{ n: number; pending: number }>`select count(*)::int as n, count(*) filter (where status = 'pending')::int as pending from readings where utility_id = ${utilityId}`.execute(t.database.db);
    expect(r.rows[0]).toEqual({ n: 60, pending: 0 });
  });

  it('adds nothing when the file comes again', async () => {
    const s = await importWalkby(chunks(file().replace(/^.*\n/, '')), { ...opts(), batchSize: 50 });
    expect(s).toMatchObject({ readings: 0, quarantined: 0 });
    const r = await sql<{ n: number }>`select count(*)::int as n from readings where utility_id = ${utilityId}`.execute(t.database.db);
    expect(r.rows[0].n).toBe(60);
  });

  it('refuses a file without telegrams after its first MiB, by its lines or by their lack', async () => {
    const garbage = 'zzzz zzzz\n'.repeat(150_000); // 1.5 MB of lines, all bad, in one big batch
    await expect(importWalkby(chunks(garbage), { ...opts(), batchSize: 20_000 })).rejects.toMatchObject({
      code: 'walkby.no_telegrams',
      details: { badLines: expect.arrayContaining([{ line: 2, reason: 'no telegram in the line' }]) }, // line 1 reads as a header
    });
    const blob = 'A'.repeat(1_500_000); // no line end at all
    await expect(importWalkby(chunks(blob), opts())).rejects.toMatchObject({ code: 'walkby.no_telegrams', details: { badLines: [{ line: 1, reason: 'line too long' }] } });
  });
});
