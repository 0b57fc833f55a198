/**
 * One upload must not stop the server: a walk-by file is limited in what it
 * may hold once unpacked (walkby.too_large, counted while decompressing), and
 * on the embedded database it is committed segment by segment, other work
 * being served between segments; an import cut off after a segment resumes
 * when the same file comes again, without doing anything twice.
 */
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secretBox, serverKey } from '../src/lib/secret-box.ts';
import { multipartFile } from '../src/modules/metering/ingest/testing/multipart.ts';
import { buildTelegram, toHex } from '../src/modules/metering/ingest/testing/telegram-builder.ts';
import { ingestTelegrams } from '../src/modules/metering/ingest/fixed.ts';
import { importWalkby } from '../src/modules/metering/ingest/walkby.ts';
import { DEFAULT_LIMITS, limited } from '../src/modules/metering/ingest/walkby-limits.ts';
import { client, createTestApp, type TestApp } from './support/app.ts';
import { TEST_PASSWORD, buildMeter, buildServicePoint, buildUser, buildUtility } from './support/factories.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t?.close());

/** A utility with `meters` meters, each with its own keyed module (ids 72000000 + i). */
async function utilityWithMeters(meters: number) {
  const u = await buildUtility(t.database);
  const box = secretBox(serverKey(t.config));
  const keys: Buffer[] = [];
  for (let i = 0; i < meters; i++) {
    keys.push(randomBytes(16));
    const m = await t.database.db
      .insertInto('radio_modules')
      .values({ utility_id: u.id, manufacturer: 'APA', radio_id: String(72_000_000 + i), key_enc: box.seal(keys[i]) })
      .returning('id')
      .executeTakeFirstOrThrow();
    const sp = await buildServicePoint(t.database, u.id);
    await buildMeter(t.database, u.id, sp.id, { radio_module_id: m.id });
  }
  return { utility: u, keys };
}

/** perMeter telegrams of each meter, one a day in November, as hex lines (~100 bytes each). */
function walk(keys: Buffer[], perMeter: number): string {
  const lines: string[] = [];
  for (let d = 1; d <= perMeter; d++)
    keys.forEach((key, i) =>
      lines.push(toHex(buildTelegram({ manufacturer: 'APA', id: String(72_000_000 + i), totalM3: 10 + d + i / 100, meterDatetime: { y: 2026, mo: 11, d, h: 6, mi: 0 }, key, accessNumber: d }))),
    );
  return `${lines.join('\n')}\n`;
}

const counts = async (utilityId: number) =>
  (
    await sql<{ readings: number; logged: number }>`
      select (select count(*)::int from readings where utility_id = ${utilityId}) as readings,
             (select count(*)::int from telegrams where utility_id = ${utilityId}) as logged`.execute(t.database.db)
  ).rows[0];

/** The upload's body as the multipart stream gives it: an async iterable of chunks. */
async function* from(b: Buffer) {
  for (let i = 0; i < b.length; i += 16_384) yield b.subarray(i, i + 16_384);
}

const opts = (utilityId: number) => ({ database: t.database, config: t.config, utilityId, fileName: 'walk.txt', sourceName: 'test', threads: 0 });

describe('limits on what a walk-by file holds once unpacked', () => {
  it('stops reading the decompressor as soon as the lines limit is passed, not after', async () => {
    let pulled = 0;
    async function* newlines() {
      for (let i = 0; i < 1000; i++) {
        pulled++;
        yield Buffer.alloc(1000, 0x0a);
      }
    }
    await expect(async () => {
      for await (const _ of limited(newlines(), { maxBytes: 10_000_000, maxLines: 5000, commitBytes: 1 })) void _;
    }).rejects.toMatchObject({ code: 'walkby.too_large' });
    expect(pulled).toBe(6);
  });

  it('stops at the bytes limit as it decompresses, with walkby.too_large in Polish and English', async () => {
    let pulled = 0;
    async function* text() {
      for (let i = 0; i < 1000; i++) {
        pulled++;
        yield Buffer.from('x\n'.repeat(500));
      }
    }
    const err = await (async () => {
      for await (const _ of limited(text(), { maxBytes: 4000, maxLines: 1e9, commitBytes: 1 })) void _;
    })().catch((e) => e);
    expect(err).toMatchObject({ kind: 'too_large', code: 'walkby.too_large', messages: { pl: expect.stringContaining('po rozpakowaniu'), en: expect.stringContaining('once unpacked') } });
    expect(pulled).toBe(5);
  });

  it('answers 413 walkby.too_large to a 1 MB gzip holding 1 GiB of newlines (default limit: 5,000,000 lines) and stores nothing', async () => {
    expect(DEFAULT_LIMITS).toMatchObject({ maxBytes: 512 * 1024 * 1024, maxLines: 5_000_000 });
    const { utility } = await utilityWithMeters(0);
    await buildUser(t.database, utility.id, { kind: 'staff', email: `admin-${utility.id}@s.example`, roles: ['admin'] });
    const staff = client(t.app, utility.slug);
    expect((await staff.post('/api/auth/login', { email: `admin-${utility.id}@s.example`, password: TEST_PASSWORD })).statusCode).toBe(200);
    // One telegram (so that it is a walk-by file), then 16 gzip members of 64 MiB of newlines each: one file, 1 GiB unpacked.
    const member = gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x0a), { level: 9 });
    const telegram = toHex(buildTelegram({ manufacturer: 'APA', id: '79999999', totalM3: 1, key: randomBytes(16) }));
    const bomb = Buffer.concat([gzipSync(`${telegram}\n`), ...Array(16).fill(member)]);
    expect(bomb.length).toBeLessThan(1_100_000);
    const { body, headers } = multipartFile('bomb.txt.gz', bomb);
    const r = await staff.request('POST', '/api/staff/walkby-uploads', body, headers);
    expect(r.statusCode, r.body).toBe(413);
    expect(r.json().error).toMatchObject({ code: 'walkby.too_large', messages: { pl: expect.stringContaining('5'), en: expect.stringContaining('5000000 lines') } });
    const uploads = await sql<{ n: number }>`select count(*)::int as n from walkby_uploads where utility_id = ${utility.id}`.execute(t.database.db);
    expect(uploads.rows[0].n).toBe(0);
  });
});

describe('segmented commits (the embedded database)', () => {
  it('commits segment by segment with the progress on the upload row, and serves a query issued during a segment before the next one', async () => {
    const { utility, keys } = await utilityWithMeters(5);
    const file = walk(keys, 20); // 100 telegrams, ~10 kB
    const seen: Array<{ segment: number; bytesDone: number; rowBytes: number; rowTelegrams: number }> = [];
    const order: string[] = [];
    const s = await importWalkby(from(Buffer.from(file)), {
      ...opts(utility.id),
      segmented: true,
      limits: { ...DEFAULT_LIMITS, commitBytes: 2000 },
      onSegment: async ({ segment, bytesDone, uploadId }) => {
        order.push(`segment ${segment}`);
        const row = await t.database.db.selectFrom('walkby_uploads').select(['bytes_done', 'telegrams', 'finished_at']).where('id', '=', uploadId).executeTakeFirstOrThrow();
        expect(row.finished_at).toBeNull();
        seen.push({ segment, bytesDone, rowBytes: Number(row.bytes_done), rowTelegrams: row.telegrams });
        // Another request's work, not awaited: it must get the connection before the next segment's transaction.
        if (segment === 1) void t.database.db.selectFrom('utilities').select('id').execute().then(() => order.push('other query'));
      },
    });
    expect(s).toMatchObject({ telegrams: 100, readings: 100, quarantined: 0, badLines: 0 });
    expect(seen.length).toBeGreaterThanOrEqual(4);
    for (const x of seen) expect(x.rowBytes).toBe(x.bytesDone);
    expect(seen.at(-1)!.bytesDone).toBe(Buffer.byteLength(file));
    expect(seen.map((x) => x.rowTelegrams)).toEqual([...seen.map((x) => x.rowTelegrams)].sort((a, b) => a - b));
    expect(order.slice(0, 3)).toEqual(['segment 1', 'other query', 'segment 2']);
    const row = await t.database.db.selectFrom('walkby_uploads').select(['finished_at', 'telegrams', 'readings']).where('id', '=', s.uploadId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ finished_at: expect.anything(), telegrams: 100, readings: 100 });
  });

  it('keeps the meters it knows across segments, but loads them afresh when a gateway wrote a reading in between', async () => {
    const { utility, keys } = await utilityWithMeters(5);
    const file = walk(keys, 20); // day by day: meter 0's day-20 telegram is in the last segment
    const day20 = file.trimEnd().split('\n')[19 * 5];
    const carried: boolean[] = [];
    const s = await importWalkby(from(Buffer.from(file)), {
      ...opts(utility.id),
      segmented: true,
      limits: { ...DEFAULT_LIMITS, commitBytes: 2000 },
      onSegment: async ({ segment, carried: c }) => {
        carried.push(c);
        // Between segments 1 and 2, a gateway hears meter 0's day-20 telegram first.
        if (segment === 1) {
          const g = await ingestTelegrams(t.database, secretBox(serverKey(t.config)), utility.id, { source: 'gateway', detail: 'gw', uploadId: null }, [
            { hex: day20, receivedAt: new Date('2026-11-20T12:00:00Z') },
          ]);
          expect(g.readings).toBe(1);
        }
      },
    });
    expect(carried.length).toBeGreaterThanOrEqual(4);
    // Segment 1 loaded its meters; segment 2 saw the gateway's reading and loaded again; the rest went on with what they knew.
    expect(carried.slice(0, 2)).toEqual([false, false]);
    expect(carried.slice(2).every(Boolean)).toBe(true);
    // The walk's day-20 telegram of meter 0 is the gateway's reading heard again: one reading, not two.
    expect(s).toMatchObject({ telegrams: 100, readings: 99, duplicates: 1 });
    expect(await counts(utility.id)).toEqual({ readings: 100, logged: 101 });
    const twice = await sql<{ n: number }>`
      select count(*)::int as n from (select meter_id, read_at from readings where utility_id = ${utility.id} group by 1, 2 having count(*) > 1) x`.execute(t.database.db);
    expect(twice.rows[0].n).toBe(0);
  });

  it('resumes an import cut off after its second segment when the same file comes again, logging and reading each telegram once', async () => {
    const { utility, keys } = await utilityWithMeters(5);
    const file = walk(keys, 20);
    const limits = { ...DEFAULT_LIMITS, commitBytes: 2000 };
    const crash = importWalkby(from(Buffer.from(file)), {
      ...opts(utility.id),
      segmented: true,
      limits,
      onSegment: ({ segment }) => {
        if (segment === 2) throw new Error('power cut');
      },
    });
    await expect(crash).rejects.toThrow('power cut');
    const cut = await t.database.db.selectFrom('walkby_uploads').select(['id', 'finished_at', 'bytes_done', 'telegrams']).where('utility_id', '=', utility.id).executeTakeFirstOrThrow();
    expect(cut.finished_at).toBeNull();
    expect(Number(cut.bytes_done)).toBeGreaterThan(0);
    expect(Number(cut.bytes_done)).toBeLessThan(Buffer.byteLength(file));
    const between = await counts(utility.id);
    expect(between.readings).toBe(cut.telegrams);
    expect(between.readings).toBeLessThan(100);

    // The same file, packed this time: the same unpacked bytes, so the same import, resumed.
    const s = await importWalkby(from(gzipSync(file)), { ...opts(utility.id), segmented: true, limits });
    expect(s).toMatchObject({ uploadId: cut.id, resumed: true, telegrams: 100, readings: 100, duplicates: 0 });
    expect(await counts(utility.id)).toEqual({ readings: 100, logged: 100 });
    // And once finished, the same file is refused whole.
    await expect(importWalkby(from(Buffer.from(file)), { ...opts(utility.id), segmented: true, limits })).rejects.toMatchObject({ code: 'walkby.already_imported' });
  });

  it('stores nothing of a file without telegrams, even after committing segments of it', async () => {
    const { utility } = await utilityWithMeters(0);
    const junk = `${Array.from({ length: 30_000 }, (_, i) => `not a telegram ${i}`).join('\n')}\n`;
    await expect(importWalkby(from(Buffer.from(junk)), { ...opts(utility.id), segmented: true, limits: { ...DEFAULT_LIMITS, commitBytes: 100_000 } })).rejects.toMatchObject({
      code: 'walkby.no_telegrams',
    });
    const uploads = await sql<{ n: number }>`select count(*)::int as n from walkby_uploads where utility_id = ${utility.id}`.execute(t.database.db);
    expect(uploads.rows[0].n).toBe(0);
  });
});
