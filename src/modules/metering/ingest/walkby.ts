/**
 * A walk-by session's file → readings. Streams the file (plain or .gz) line
 * by line, within the limits of walkby-limits.ts (counted as it is unpacked),
 * and decodes in worker threads.
 *
 * On PostgreSQL it writes inside ONE transaction: the upload is recorded with
 * its counts, or, when the file holds no telegram at all, was imported before,
 * or fails half-way, nothing is stored.
 *
 * On the embedded database (one connection: a transaction there stops every
 * other request) the unpacked file is first spooled to a temporary file and
 * hashed, then imported in segments of about commitBytes, each its own
 * transaction that also records the upload's progress (bytes_done and the
 * counts). Between segments the connection is free, and the requests that
 * queued meanwhile are served. A crash leaves an upload with finished_at
 * null: the same file uploaded again resumes after its last committed
 * segment, so nothing is done twice. Each segment is decoded while the one
 * before it is written (its transaction opens with the lines decoded), and
 * what the import knows of each meter is kept from segment to segment unless
 * another reading of the utility was written in between (IngestSession.carry):
 * PGlite runs in the main thread, so a segment's transaction is a stretch the
 * event loop serves nothing else.
 *
 * Three things run at once: the worker decodes chunk N+2, the main thread
 * judges batch N+1 (plausibility, duplicates), the database writes batch N.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Config } from '../../../config.ts';
import { withCopyTx, type CopyFn } from '../../../db/bulk.ts';
import type { Database } from '../../../db/connection.ts';
import type { Tx } from '../../../db/tenant.ts';
import { AppError } from '../../../lib/errors.ts';
import { secretBox, serverKey } from '../../../lib/secret-box.ts';
import { createChunkPool, inlinePool, type ChunkPool } from './decode-pool.ts';
import { addCounts, emptyCounts, IngestSession, type CarriedState, type IngestCounts } from './ingest.ts';
import { Keyring, loadAllModules, type ModuleEntry } from './keyring.ts';
import { lineBatches, unpacked } from './line-reader.ts';
import { ZONE } from './local-time.ts';
import type { Reception } from './telegram-batch.ts';
import type { ChunkResult } from './walkby-chunk.ts';
import { limited, walkbyLimits, type WalkbyLimits } from './walkby-limits.ts';

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
  /** Size limits and the embedded database's commit size (default: from the environment). */
  limits?: WalkbyLimits;
  /** Commit in segments (default: on the embedded database only). */
  segmented?: boolean;
  /** Called after each committed segment (progress reports; tests stop an import there as a crash would). */
  onSegment?: (p: { segment: number; bytesDone: number; uploadId: number; carried: boolean }) => void | Promise<void>;
}

export interface BadLine {
  line: number;
  reason: string;
}

export interface WalkbySummary extends IngestCounts {
  uploadId: number;
  /** The upload resumed an interrupted import of the same file (its counts include the earlier segments). */
  resumed?: boolean;
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
  const limits = opts.limits ?? walkbyLimits();
  const input = limited(unpacked(source), limits);
  const segmented = opts.segmented ?? opts.database.kind === 'pglite';
  return segmented ? importSegmented(input, opts, limits) : importWhole(input, opts);
}

/** What the pipeline keeps across the segments of one import. */
interface RunState {
  opts: WalkbyOptions;
  threads: number;
  batchBytes: number;
  defaultTime: number;
  key: Buffer;
  box: ReturnType<typeof secretBox>;
  uploadId: number;
  modules: ModuleEntry[] | null;
  inline: ChunkPool | null;
  pool: ChunkPool | null;
  submittedBytes: number;
  first: boolean;
  counts: IngestCounts;
  lines: number;
  telegrams: number;
  badLines: number;
  samples: BadLine[];
  /** Unpacked bytes read so far (what the no-telegram probe looks at). */
  bytes: number;
  /** The meter state of the previous segment's session (segmented imports), checked against the readings before it is used. */
  carried: CarriedState | null;
  /** The last session used the carried state (rather than loading each meter afresh). */
  lastCarried: boolean;
  /** The unpacked size, when known before the lines are processed (segmented imports); 0 otherwise. */
  totalBytes: number;
}

function newState(opts: WalkbyOptions): RunState {
  const key = serverKey(opts.config);
  return {
    opts,
    threads: opts.threads ?? Math.min(2, Math.max(1, availableParallelism() - 1)),
    // About this many telegrams per batch (a walk-by line is ~100 bytes).
    batchBytes: (opts.batchSize ?? 10_000) * 100,
    defaultTime: (opts.receivedAt ?? new Date()).getTime(),
    key,
    box: secretBox(key),
    uploadId: 0,
    modules: null,
    inline: null,
    pool: null,
    submittedBytes: 0,
    first: true,
    counts: emptyCounts(),
    lines: 0,
    telegrams: 0,
    badLines: 0,
    samples: [],
    bytes: 0,
    carried: null,
    lastCarried: false,
    totalBytes: 0,
  };
}

const receptionOf = (st: RunState): Reception => ({ utilityId: st.opts.utilityId, source: 'walkby', detail: st.opts.sourceName.slice(0, 100), uploadId: st.uploadId });

/** Decodes, judges and writes the lines of source in the transaction tx (one session, the utility's ingest lock held). */
async function runLines(st: RunState, tx: Tx, copy: CopyFn, source: AsyncIterable<Buffer>): Promise<void> {
  const { opts } = st;
  const reception = receptionOf(st);
  const session = await IngestSession.open(tx, copy, reception);
  if (!st.inline) {
    st.modules ??= await loadAllModules(tx);
    const keyring = new Keyring(st.box);
    keyring.add(st.modules);
    // Small files are processed inline; worker threads (their start costs a moment) only for big ones.
    st.inline = inlinePool(keyring, reception, st.defaultTime);
  }
  // Batches are judged in file order, one after another (judged), and written in that order while the next is judged.
  let judged: Promise<void> = Promise.resolve();
  const inflight: Promise<void>[] = [];
  const writes: Promise<void>[] = [];
  const maxInflight = Math.max(2, st.threads * 2);

  const account = (r: ChunkResult) => {
    for (const s of r.badSamples) if (st.samples.length < MAX_SAMPLES) st.samples.push({ line: st.lines + s.line, reason: s.reason });
    st.lines += r.lines;
    st.telegrams += r.received;
    st.badLines += r.badLines;
  };

  const submit = async (buf: Uint8Array) => {
    st.submittedBytes += buf.length;
    if (!st.pool && st.threads > 0 && st.submittedBytes > (opts.inlineBytes ?? INLINE_BYTES)) {
      st.pool = await createChunkPool({ threads: st.threads, modules: st.modules!, serverKey: st.key, box: st.box, reception, defaultTime: st.defaultTime });
    }
    const processed = (st.pool ?? st.inline!).process(buf, st.first);
    st.first = false;
    processed.catch(() => {});
    judged = judged.then(async () => {
      const r = await processed;
      account(r);
      await judgeAndWrite(st, session, r, writes);
    });
    judged.catch(() => {});
    inflight.push(judged);
    if (inflight.length >= maxInflight) await inflight.shift();
  };

  const drain = async () => {
    while (inflight.length) await inflight.shift();
    while (writes.length) await writes.shift();
  };
  for await (const buf of lineBatches(source, st.batchBytes)) {
    await submit(buf);
    // A file that starts without any telegram is refused before the rest is read.
    if (st.telegrams === 0 && st.bytes > PROBE_BYTES) {
      await drain();
      if (st.telegrams === 0) throw noTelegrams(st.samples);
    }
  }
  await drain();
}

/**
 * Segmented imports: the decoders (the keyring, and for a big file the threads) are set up before the first
 * segment, in a short transaction of their own: a thread's start takes a moment, which must not be spent inside a
 * segment's transaction (the connection would wait for it, and every request with it). A big file is decoded by the
 * threads from its first line (inline, its first 2 MB would be decoded on the main thread, unsealing a key per meter).
 */
async function setupDecoders(st: RunState, tenant: { utilityId: number; userId?: number | null }, rest: number): Promise<void> {
  const { opts } = st;
  st.modules = await withCopyTx(opts.database, tenant, (tx) => loadAllModules(tx));
  const keyring = new Keyring(st.box);
  keyring.add(st.modules);
  st.inline = inlinePool(keyring, receptionOf(st), st.defaultTime);
  if (st.threads > 0 && rest > (opts.inlineBytes ?? INLINE_BYTES)) {
    st.pool = await createChunkPool({ threads: st.threads, modules: st.modules, serverKey: st.key, box: st.box, reception: receptionOf(st), defaultTime: st.defaultTime });
  }
}

/** Hands a segment's lines to the decoders now (before its transaction opens); the results come in file order. */
async function decodeAhead(st: RunState, data: Buffer): Promise<Promise<ChunkResult>[]> {
  const out: Promise<ChunkResult>[] = [];
  for await (const buf of lineBatches((async function* () { yield data; })(), st.batchBytes)) {
    const processed = (st.pool ?? st.inline!).process(buf, st.first);
    st.first = false;
    processed.catch(() => {});
    out.push(processed);
  }
  return out;
}

/** Judges and writes a segment's decoded batches in the transaction tx (one session, the utility's ingest lock held). */
/**
 * Judges one decoded batch and starts writing it without waiting: the next
 * batch is judged while this one is written (at most two writes in flight).
 */
async function judgeAndWrite(st: RunState, session: IngestSession, r: ChunkResult, writes: Promise<void>[]): Promise<void> {
  const prepared = await session.prepare(r);
  const written = session.write(prepared).then((c) => {
    st.counts = addCounts(st.counts, c);
  });
  written.catch(() => {});
  writes.push(written);
  if (writes.length > 2) await writes.shift();
}

async function runDecoded(st: RunState, tx: Tx, copy: CopyFn, decoded: Promise<ChunkResult>[]): Promise<void> {
  const session = await IngestSession.open(tx, copy, receptionOf(st), st.carried);
  // Dropped until this segment has written everything: a failed segment carries nothing over.
  st.carried = null;
  st.lastCarried = session.carriedOver;
  const writes: Promise<void>[] = [];
  for (const processed of decoded) {
    const r = await processed;
    for (const s of r.badSamples) if (st.samples.length < MAX_SAMPLES) st.samples.push({ line: st.lines + s.line, reason: s.reason });
    st.lines += r.lines;
    st.telegrams += r.received;
    st.badLines += r.badLines;
    await judgeAndWrite(st, session, r, writes);
  }
  while (writes.length) await writes.shift();
  st.carried = await session.carry();
}

/** Counts and hashes the unpacked bytes; refuses a file whose first MiB holds no line end. */
async function* measured(st: RunState, source: AsyncIterable<Buffer>, fileHash: ReturnType<typeof createHash>): AsyncGenerator<Buffer> {
  let lineEnd = false;
  for await (const c of source) {
    st.bytes += c.length;
    fileHash.update(c);
    // More than PROBE_BYTES without a single line end: not a walk-by file.
    if (!lineEnd) {
      lineEnd = c.includes(0x0a);
      if (!lineEnd && st.bytes > PROBE_BYTES) throw noTelegrams([{ line: 1, reason: 'line too long' }]);
    }
    yield c;
  }
}

const progress = (st: RunState, durationMs: number | null) => ({
  lines: st.lines,
  telegrams: st.telegrams,
  readings: st.counts.readings,
  duplicates: st.counts.duplicates,
  quarantined: st.counts.quarantined,
  bad_lines: st.badLines,
  bad_line_samples: JSON.stringify(st.samples),
  duration_ms: durationMs,
});

const summary = (st: RunState, durationMs: number, resumed = false): WalkbySummary => ({
  uploadId: st.uploadId,
  lines: st.lines,
  ...st.counts,
  telegrams: st.telegrams,
  badLines: st.badLines,
  badLineSamples: st.samples,
  durationMs,
  ...(resumed ? { resumed } : {}),
});

async function insertUpload(tx: Tx, opts: WalkbyOptions, digest: string | null): Promise<number> {
  const upload = await tx
    .insertInto('walkby_uploads')
    .values({ utility_id: opts.utilityId, file_name: opts.fileName.slice(0, 255), source_name: opts.sourceName.slice(0, 100), uploaded_by: opts.userId ?? null, file_sha256: digest })
    .returning('id')
    .executeTakeFirstOrThrow();
  return upload.id;
}

/** PostgreSQL: the whole file in one transaction. */
async function importWhole(input: AsyncIterable<Buffer>, opts: WalkbyOptions): Promise<WalkbySummary> {
  const started = performance.now();
  const st = newState(opts);
  return withCopyTx(opts.database, { utilityId: opts.utilityId, userId: opts.userId }, async (tx, copy) => {
    st.uploadId = await insertUpload(tx, opts, null);
    const fileHash = createHash('sha256');
    try {
      await runLines(st, tx, copy, measured(st, input, fileHash));
    } finally {
      await st.pool?.close();
    }
    if (st.telegrams === 0) throw noTelegrams(st.samples);

    // The same file again (the same bytes, packed or not): refused as a whole, so that nothing is counted or logged twice.
    const digest = fileHash.digest('hex');
    const earlier = await tx.selectFrom('walkby_uploads').select(['id', 'created_at']).where('file_sha256', '=', digest).executeTakeFirst();
    if (earlier) throw alreadyImported(earlier);

    const durationMs = Math.round(performance.now() - started);
    await tx
      .updateTable('walkby_uploads')
      .set({ ...progress(st, durationMs), finished_at: new Date(), file_sha256: digest, bytes_done: st.bytes })
      .where('id', '=', st.uploadId)
      .execute();
    return summary(st, durationMs);
  });
}

/** Uploads being imported by this process (the embedded database has one process): never resumed twice at once. */
const running = new Set<string>();

function inProgress(): AppError {
  return new AppError('conflict', 'walkby.in_progress', {
    pl: 'Ten plik jest właśnie importowany. Prosimy poczekać na zakończenie.',
    en: 'This file is being imported right now. Please wait for it to finish.',
  });
}

/** The spool file in segments of about `size` bytes ending at a line end, from byte `from`. */
async function* segmentsOf(file: string, from: number, size: number): AsyncGenerator<{ data: Buffer; end: number }> {
  let rest: Buffer = Buffer.alloc(0);
  let offset = from;
  for await (const c of createReadStream(file, { start: from, highWaterMark: 256 * 1024 }) as AsyncIterable<Buffer>) {
    rest = rest.length ? Buffer.concat([rest, c]) : c;
    // The first line end at or after `size` closes a segment (a line is at most a few kB: lines are cut at MAX_LINE).
    for (let nl = rest.length >= size ? rest.indexOf(0x0a, size - 1) : -1; nl >= 0; nl = rest.length >= size ? rest.indexOf(0x0a, size - 1) : -1) {
      offset += nl + 1;
      yield { data: rest.subarray(0, nl + 1), end: offset };
      rest = rest.subarray(nl + 1);
    }
  }
  if (rest.length > 0) yield { data: rest, end: offset + rest.length };
}

/** Gives the connection to whatever queued during the last segment (the dialect's lock is first come, first served). */
const yieldConnection = () => new Promise<void>((r) => setImmediate(r));

/** The embedded database: spool, then commit segment by segment with the progress on the upload row. */
async function importSegmented(input: AsyncIterable<Buffer>, opts: WalkbyOptions, limits: WalkbyLimits): Promise<WalkbySummary> {
  const started = performance.now();
  const st = newState(opts);
  const spool = path.join(tmpdir(), `wodnik-walkby-${process.pid}-${randomBytes(6).toString('hex')}.txt`);
  const fileHash = createHash('sha256');
  let digest = '';
  try {
    // 1. The unpacked file to disk, hashed (limits and the line-end probe apply as it is read).
    await pipeline(measured(st, input, fileHash), createWriteStream(spool));
    st.totalBytes = st.bytes;
    digest = fileHash.digest('hex');
    const tenant = { utilityId: opts.utilityId, userId: opts.userId };
    const lock = `${opts.utilityId}:${digest}`;
    if (running.has(lock)) throw inProgress();
    running.add(lock);
    try {
      // 2. Imported before: refused; interrupted before: resumed after its last committed segment.
      const earlier = await withCopyTx(opts.database, tenant, (tx) =>
        tx.selectFrom('walkby_uploads').selectAll().where('file_sha256', '=', digest).executeTakeFirst(),
      );
      if (earlier?.finished_at) throw alreadyImported(earlier);
      let from = 0;
      if (earlier) {
        st.uploadId = earlier.id;
        from = Number(earlier.bytes_done);
        Object.assign(st, { lines: earlier.lines, telegrams: earlier.telegrams, badLines: earlier.bad_lines, first: from === 0 });
        st.samples = (typeof earlier.bad_line_samples === 'string' ? JSON.parse(earlier.bad_line_samples) : earlier.bad_line_samples) as BadLine[];
        st.counts = { ...emptyCounts(), readings: earlier.readings, duplicates: earlier.duplicates, quarantined: earlier.quarantined };
      }
      // 3. Segment by segment, each in its own transaction with the upload's progress.
      st.bytes = from;
      let segment = 0;
      try {
        if (st.uploadId === 0) st.uploadId = await withCopyTx(opts.database, tenant, (tx) => insertUpload(tx, opts, digest));
        await setupDecoders(st, tenant, st.totalBytes - from);
        // Each segment is decoded while the one before it is written: its transaction opens with its lines decoded.
        const segments = segmentsOf(spool, from, limits.commitBytes)[Symbol.asyncIterator]();
        let next = await segments.next();
        let ahead = next.done ? [] : await decodeAhead(st, next.value.data);
        while (!next.done) {
          const seg = next.value;
          const decoded = ahead;
          next = await segments.next();
          ahead = next.done ? [] : await decodeAhead(st, next.value.data);
          await withCopyTx(opts.database, tenant, async (tx, copy) => {
            st.bytes += seg.data.length;
            await runDecoded(st, tx, copy, decoded);
            if (st.telegrams === 0 && seg.end > PROBE_BYTES) throw noTelegrams(st.samples);
            await tx.updateTable('walkby_uploads').set({ ...progress(st, null), bytes_done: seg.end }).where('id', '=', st.uploadId).execute();
          });
          await yieldConnection();
          await opts.onSegment?.({ segment: ++segment, bytesDone: seg.end, uploadId: st.uploadId, carried: st.lastCarried });
        }
        if (st.telegrams === 0) throw noTelegrams(st.samples);
      } catch (err) {
        // A file without a single telegram: its segments wrote nothing but the upload row, which goes too.
        if (st.telegrams === 0 && st.uploadId && !earlier) await withCopyTx(opts.database, tenant, (tx) => tx.deleteFrom('walkby_uploads').where('id', '=', st.uploadId).execute());
        throw err;
      } finally {
        await st.pool?.close();
      }
      const durationMs = Math.round(performance.now() - started);
      await withCopyTx(opts.database, tenant, (tx) =>
        tx.updateTable('walkby_uploads').set({ ...progress(st, durationMs), finished_at: new Date() }).where('id', '=', st.uploadId).execute(),
      );
      return summary(st, durationMs, earlier !== undefined);
    } finally {
      running.delete(lock);
    }
  } finally {
    await rm(spool, { force: true });
  }
}
