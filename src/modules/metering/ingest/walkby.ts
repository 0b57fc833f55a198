/**
 * A walk-by session's file → readings. Streams the file (plain or .gz) line
 * by line, decodes in worker threads, and writes in batches inside ONE
 * transaction: the upload is recorded with its counts, or, when the file
 * holds no telegram at all (or fails half-way), nothing is stored.
 */
import { availableParallelism } from 'node:os';
import type { Config } from '../../../config.ts';
import type { Database } from '../../../db/connection.ts';
import { AppError } from '../../../lib/errors.ts';
import { secretBox, serverKey } from '../../../lib/secret-box.ts';
import { withBulkTx } from './bulk-db.ts';
import { createDecodePool, inlineDecoder, type DecodePool } from './decode-pool.ts';
import { addCounts, emptyCounts, IngestSession, type IncomingTelegram, type IngestCounts } from './ingest.ts';
import { Keyring, loadAllModules } from './keyring.ts';
import { readLines } from './line-reader.ts';
import { parseWalkbyLine } from './walkby-format.ts';

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
const PROBE_LINES = 10_000;
/** Up to this many telegrams are decoded on the main thread. */
const INLINE_TELEGRAMS = 20_000;

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

export async function importWalkby(source: AsyncIterable<Buffer | Uint8Array | string>, opts: WalkbyOptions): Promise<WalkbySummary> {
  const started = performance.now();
  const threads = opts.threads ?? Math.min(2, Math.max(1, availableParallelism() - 1));
  const batchSize = opts.batchSize ?? 5000;
  const defaultTime = opts.receivedAt ?? new Date();
  const key = serverKey(opts.config);
  const box = secretBox(key);

  return withBulkTx(opts.database, { utilityId: opts.utilityId, userId: opts.userId }, async (b) => {
    const upload = await b.tx
      .insertInto('walkby_uploads')
      .values({ utility_id: opts.utilityId, file_name: opts.fileName.slice(0, 255), source_name: opts.sourceName.slice(0, 100), uploaded_by: opts.userId ?? null })
      .returning('id')
      .executeTakeFirstOrThrow();
    const modules = await loadAllModules(b.tx);
    const keyring = new Keyring(box);
    keyring.add(modules);
    // Small files decode inline; worker threads (their start costs a moment) only for big ones.
    const inline = inlineDecoder(keyring);
    let pool: DecodePool | null = null;
    let submitted = 0;
    const session = new IngestSession(b, opts.utilityId, keyring, { source: 'walkby', detail: opts.sourceName, uploadId: upload.id });

    let counts = emptyCounts();
    let lines = 0;
    let telegrams = 0;
    let badLines = 0;
    const samples: BadLine[] = [];
    let bytes = 0;
    let chain: Promise<void> = Promise.resolve();
    const inflight: Promise<void>[] = [];
    const maxInflight = Math.max(2, threads * 2);

    const submit = async (batch: IncomingTelegram[]) => {
      submitted += batch.length;
      if (!pool && threads > 0 && submitted > INLINE_TELEGRAMS) pool = await createDecodePool({ threads, modules, serverKey: key, box });
      const decoded = (pool ?? inline).decode(batch.map((t) => t.hex));
      decoded.catch(() => {});
      chain = chain.then(async () => {
        counts = addCounts(counts, await session.write(batch, await decoded));
      });
      chain.catch(() => {});
      inflight.push(chain);
      if (inflight.length >= maxInflight) await inflight.shift();
    };

    const counted = (async function* () {
      for await (const c of source) {
        bytes += typeof c === 'string' ? c.length : c.byteLength;
        yield c;
      }
    })();

    try {
      let batch: IncomingTelegram[] = [];
      for await (const group of readLines(counted)) {
        for (const line of group) {
          lines = line.no;
          const r = line.text === null ? ({ kind: 'bad', reason: 'line too long' } as const) : parseWalkbyLine(line.text, line.no);
          if (r.kind === 'telegram') {
            telegrams++;
            batch.push({ hex: r.hex, receivedAt: r.receivedAt ?? defaultTime, rssi: r.rssi });
            if (batch.length >= batchSize) {
              await submit(batch);
              batch = [];
            }
          } else if (r.kind === 'bad') {
            badLines++;
            if (samples.length < MAX_SAMPLES) samples.push({ line: line.no, reason: r.reason });
          }
        }
        if (telegrams === 0 && (bytes > PROBE_BYTES || badLines > PROBE_LINES)) throw noTelegrams(samples);
      }
      if (batch.length) await submit(batch);
      while (inflight.length) await inflight.shift();
    } finally {
      await (pool as DecodePool | null)?.close();
    }
    if (telegrams === 0) throw noTelegrams(samples);

    const durationMs = Math.round(performance.now() - started);
    await b.tx
      .updateTable('walkby_uploads')
      .set({
        finished_at: new Date(),
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
