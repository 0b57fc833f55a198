/**
 * Decoding off the main thread: a walk-by import hands chunks of the file
 * (whole lines, as one transferable buffer) to one or two worker threads,
 * which parse, decrypt and decode them into telegram batches; the main thread meanwhile
 * writes earlier batches to the database. With threads = 0 the same work runs
 * inline (small files: starting a worker costs more than it saves).
 */
import { Worker } from 'node:worker_threads';
import type { SecretBox } from '../../../lib/secret-box.ts';
import { makeDecode } from './decode-core.ts';
import { Keyring, type ModuleEntry } from './keyring.ts';
import { RepeatFilter, TelegramBatchBuilder, transferables, type Reception } from './telegram-batch.ts';
import { processChunk, type ChunkResult } from './walkby-chunk.ts';

export interface ChunkPool {
  /** Takes ownership of buf (it is transferred to a worker). */
  process(buf: Uint8Array, first: boolean): Promise<ChunkResult>;
  close(): Promise<void>;
}

/** What processes chunks on this thread: the decoder and a builder per chunk (shared by the worker and inlinePool). */
export function chunkProcessor(keyring: Keyring, reception: Reception, defaultTime: number): (buf: Uint8Array, first: boolean) => ChunkResult {
  const decode = makeDecode(keyring.keyFor);
  const lookup = (m: string, r: string) => keyring.lookup(m, r);
  const repeats = new RepeatFilter();
  const builderFor = (capacity: number) => new TelegramBatchBuilder(reception, lookup, repeats, capacity);
  return (buf, first) => processChunk(buf, { first, defaultTime }, decode, builderFor);
}

export function inlinePool(keyring: Keyring, reception: Reception, defaultTime: number): ChunkPool {
  const run = chunkProcessor(keyring, reception, defaultTime);
  return {
    process: async (buf, first) => run(buf, first),
    close: async () => {},
  };
}

const YOUNG_MB = 96;

export interface WorkerInit {
  modules: ModuleEntry[];
  serverKey: string;
  reception: Reception;
  defaultTime: number;
}

export async function createChunkPool(opts: {
  threads: number;
  modules: ModuleEntry[];
  serverKey: Buffer;
  box: SecretBox;
  reception: Reception;
  defaultTime: number;
}): Promise<ChunkPool> {
  if (opts.threads <= 0) {
    const k = new Keyring(opts.box);
    k.add(opts.modules);
    return inlinePool(k, opts.reception, opts.defaultTime);
  }
  const workers: Worker[] = [];
  const pending = new Map<number, { resolve: (v: ChunkResult) => void; reject: (e: Error) => void }>();
  let failure: Error | null = null;
  const init: WorkerInit = { modules: opts.modules, serverKey: opts.serverKey.toString('hex'), reception: opts.reception, defaultTime: opts.defaultTime };
  for (let i = 0; i < opts.threads; i++) {
    // A young generation big enough for a batch's short-lived objects: fewer of them survive into the old
    // generation, whose marking was a good part of the import's CPU time.
    const w = new Worker(new URL('./decode-worker-boot.mjs', import.meta.url), { workerData: init, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_MB } });
    await new Promise<void>((resolve, reject) => {
      w.once('message', () => resolve());
      w.once('error', reject);
    });
    w.on('message', (m: { seq: number; result?: ChunkResult; error?: string }) => {
      const p = pending.get(m.seq);
      pending.delete(m.seq);
      if (m.result) p?.resolve(m.result);
      else p?.reject(new Error(m.error ?? 'decode worker failed'));
    });
    w.on('error', (err) => {
      failure = err;
      for (const p of pending.values()) p.reject(err);
      pending.clear();
    });
    workers.push(w);
  }
  let seq = 0;
  return {
    process(buf, first) {
      if (failure) return Promise.reject(failure);
      const s = seq++;
      return new Promise((resolve, reject) => {
        pending.set(s, { resolve, reject });
        workers[s % workers.length].postMessage({ seq: s, buf, first }, [buf.buffer as ArrayBuffer]);
      });
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
