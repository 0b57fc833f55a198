/**
 * A walk-by session's file → readings. Streams the file (plain or .gz) line
 * by line, decodes in worker threads, and writes in batches inside ONE
 * transaction: the upload is recorded with its counts, or, when the file
 * holds no telegram at all, was imported before, or fails half-way, nothing
 * is stored.
 *
 * Three things run at once: the worker decodes chunk N+2, the main thread
 * judges batch N+1 (plausibility, duplicates), the database writes batch N.
 */
import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import type { Config } from '../../../config.ts';
import { withCopyTx } from '../../../db/bulk.ts';
import type { Database } from '../../../db/connection.ts';
import { AppError } from '../../../lib/errors.ts';
import { secretBox, serverKey } from '../../../lib/secret-box.ts';
import { createChunkPool, inlinePool, type ChunkPool } from './decode-pool.ts';
import { addCounts, emptyCounts, IngestSession, type IngestCounts } from './ingest.ts';
import { Keyring, loadAllModules } from './keyring.ts';
import { lineBatches, unpacked } from './line-reader.ts';
import { ZONE } from './local-time.ts';
import type { Reception } from './telegram-batch.ts';
import type { ChunkResult } from './walkby-chunk.ts';

export interface WalkbyOptions {
  database: Database;
  config: Pick<Config, 'secretKey' | 'dataDir' | 'env'>;
  utilityId: number;
  userId?: number | null;
  fileName: string;
  sourceName: string;
  /** Decode threads; 0 decodes on the main thread. Default: cores - 1, at most 2. */
  threads?: number;
  batchSize?: number;
  /** Files up to this many bytes are processed on the main thread (default 2 MB). */
  inlineBytes?: number;
  /** Receive time for lines that carry none (default: now). */
  receivedAt?: Date;
}

export interface BadLine {
  line: number;
  reason: string;
}

export interface WalkbySummary extends IngestCounts {
  uploadId: number;
  lines: number;
  badLines: number;
  badLineSamples: BadLine[];
  durationMs: number;
}

const MAX_SAMPLES = 100;
/** A file whose first MiB (or 10,000 lines) holds no telegram is refused without reading the rest. */
const PROBE_BYTES = 1024 * 1024;
/** Up to this many bytes of a file (~20,000 lines) are processed on the main thread. */
const INLINE_BYTES = 2_000_000;

export function noTelegrams(badLines: BadLine[]): AppError {
  return new AppError(
    'bad_request',
    'walkby.no_telegrams',
    {
      pl: 'Plik nie zawiera telegramów w obsługiwanym formacie (hex, rtl_wmbus, log wmbusmeters). Nic nie zapisano.',
      en: 'The file holds no telegrams in a supported format (hex, rtl_wmbus, wmbusmeters log). Nothing was saved.',
    },
    { badLines: badLines.slice(0, 20) },
  );
}

/** The utility's civil time, as staff read it: '2026-11-25 12:03'. */
const localMinute = new Intl.DateTimeFormat('sv-SE', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });

export function alreadyImported(upload: { id: number; created_at: Date | string }): AppError {
  const when = localMinute.format(new Date(upload.created_at));
  return new AppError(
    'conflict',
    'walkby.already_imported',
    {
      pl: `Ten plik został już zaimportowany (import nr ${upload.id}, ${when}). Nic nie zapisano ponownie.`,
      en: `This file was imported before (upload ${upload.id}, ${when} Polish time). Nothing was stored again.`,
    },
    { uploadId: upload.id },
  );
}

export async function importWalkby(source: AsyncIterable<Buffer | Uint8Array | string>, opts: WalkbyOptions): Promise<WalkbySummary> {
  const started = performance.now();
  const threads = opts.threads ?? Math.min(2, Math.max(1, availableParallelism() - 1));
  // About this many telegrams per batch (a walk-by line is ~100 bytes).
  const batchBytes = (opts.batchSize ?? 10_000) * 100;
  const defaultTime = (opts.receivedAt ?? new Date()).getTime();
  const key = serverKey(opts.config);
  const box = secretBox(key);

  return withCopyTx(opts.database, { utilityId: opts.utilityId, userId: opts.userId }, async (tx, copy) => {
    const upload = await tx
      .insertInto('walkby_uploads')
      .values({ utility_id: opts.utilityId, file_name: opts.fileName.slice(0, 255), source_name: opts.sourceName.slice(0, 100), uploaded_by: opts.userId ?? null })
      .returning('id')
      .executeTakeFirstOrThrow();
    const reception: Reception = { utilityId: opts.utilityId, source: 'walkby', detail: opts.sourceName.slice(0, 100), uploadId: upload.id };
    const session = await IngestSession.open(tx, copy, reception);
    const modules = await loadAllModules(tx);
    const keyring = new Keyring(box);
    keyring.add(modules);
    // Small files are processed inline; worker threads (their start costs a moment) only for big ones.
    const inline = inlinePool(keyring, reception, defaultTime);
    let pool: ChunkPool | null = null;
    let submittedBytes = 0;

    let counts = emptyCounts();
    let lines = 0;
    let telegrams = 0;
    let badLines = 0;
    const samples: BadLine[] = [];
    let bytes = 0;
    let first = true;
    // Batches are judged in file order, one after another (judged), and written in that order while the next is judged.
    let judged: Promise<void> = Promise.resolve();
    const inflight: Promise<void>[] = [];
    const writes: Promise<void>[] = [];
    const maxInflight = Math.max(2, threads * 2);

    const account = (r: ChunkResult) => {
      for (const s of r.badSamples) if (samples.length < MAX_SAMPLES) samples.push({ line: lines + s.line, reason: s.reason });
      lines += r.lines;
      telegrams += r.received;
      badLines += r.badLines;
    };

    const submit = async (buf: Uint8Array) => {
      submittedBytes += buf.length;
      if (!pool && threads > 0 && submittedBytes > (opts.inlineBytes ?? INLINE_BYTES)) {
        pool = await createChunkPool({ threads, modules, serverKey: key, box, reception, defaultTime });
      }
      const processed = (pool ?? inline).process(buf, first);
      first = false;
      processed.catch(() => {});
      judged = judged.then(async () => {
        const r = await processed;
        account(r);
        const prepared = await session.prepare(r);
        // Not awaited here: the next batch is judged while this one is written.
        const written = session.write(prepared).then((c) => {
          counts = addCounts(counts, c);
        });
        written.catch(() => {});
        writes.push(written);
        if (writes.length > 2) await writes.shift();
      });
      judged.catch(() => {});
      inflight.push(judged);
      if (inflight.length >= maxInflight) await inflight.shift();
    };

    const fileHash = createHash('sha256');
    let lineEnd = false;
    const counted = (async function* () {
      for await (const c of unpacked(source)) {
        bytes += c.length;
        fileHash.update(c);
        // More than PROBE_BYTES without a single line end: not a walk-by file.
        if (!lineEnd) {
          lineEnd = c.includes(0x0a);
          if (!lineEnd && bytes > PROBE_BYTES) throw noTelegrams([{ line: 1, reason: 'line too long' }]);
        }
        yield c;
      }
    })();

    const drain = async () => {
      while (inflight.length) await inflight.shift();
      while (writes.length) await writes.shift();
    };
    try {
      for await (const buf of lineBatches(counted, batchBytes)) {
        await submit(buf);
        // A file that starts without any telegram is refused before the rest is read.
        if (telegrams === 0 && bytes > PROBE_BYTES) {
          await drain();
          if (telegrams === 0) throw noTelegrams(samples);
        }
      }
      await drain();
    } finally {
      await (pool as ChunkPool | null)?.close();
    }
    if (telegrams === 0) throw noTelegrams(samples);

    // The same file again (the same bytes, packed or not): refused as a whole, so that nothing is counted or logged twice.
    const digest = fileHash.digest('hex');
    const earlier = await tx.selectFrom('walkby_uploads').select(['id', 'created_at']).where('file_sha256', '=', digest).executeTakeFirst();
    if (earlier) throw alreadyImported(earlier);

    const durationMs = Math.round(performance.now() - started);
    await tx
      .updateTable('walkby_uploads')
      .set({
        finished_at: new Date(),
        file_sha256: digest,
        lines,
        telegrams,
        readings: counts.readings,
        duplicates: counts.duplicates,
        quarantined: counts.quarantined,
        bad_lines: badLines,
        bad_line_samples: JSON.stringify(samples),
        duration_ms: durationMs,
      })
      .where('id', '=', upload.id)
      .execute();
    return { uploadId: upload.id, lines, ...counts, telegrams, badLines, badLineSamples: samples, durationMs };
  });
}
