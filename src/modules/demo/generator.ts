/**
 * The stream of generated rows, batch by batch, either in this thread or in
 * a worker thread (large seeds: generating then overlaps the database's
 * COPY, which for PGlite runs in this very thread). Same input, same rows.
 */
import { Worker } from 'node:worker_threads';
import { secretBox } from '../../lib/secret-box.ts';
import { AddressBook } from './addresses.ts';
import { CopyBuffer } from '../../db/copy-buffer.ts';
import { TABLES, emptyBatch, makeCustomer, type MadeCustomer, type PopulationContext, type Table } from './population.ts';
import { profileFor } from './profiles.ts';
import { Rng } from './random.ts';

export interface GeneratorInit {
  utilityId: number;
  slug: string;
  legalizationYears: number;
  nowMs: number;
  /** Next free id per table. */
  ids: Record<Table, number>;
  /** The server key (hex) that seals the radio keys. */
  serverKeyHex: string;
  /** Premises of earlier seeds of the utility (their addresses are skipped). */
  skip: { houses: number; blocks: number };
  customers: number;
  /** A new utility: its first customer is the portal demo customer. */
  created: boolean;
  batchSize: number;
}

export interface GeneratedBatch {
  /** COPY lines per table; the readings as bytes. */
  lines: Record<Exclude<Table, 'readings'>, string[]>;
  readings: Uint8Array;
  rows: Record<Table, number>;
  rich?: MadeCustomer;
  /** Customers picked for demo cases (one in a hundred). */
  sample: number[];
  customersSoFar: number;
}

/** Batches of generated rows. With `reuse`, the readings bytes of a batch are valid until the next one is asked for. */
export function* generateBatches(init: GeneratorInit, reuse = true): Generator<GeneratedBatch> {
  const profile = profileFor(init.slug);
  const addresses = new AddressBook(profile, profile.seed);
  addresses.skip(init.skip.houses, init.skip.blocks);
  const ctx: PopulationContext = {
    utilityId: init.utilityId,
    profile,
    legalizationYears: init.legalizationYears,
    nowMs: init.nowMs,
    ids: { ...init.ids },
    box: secretBox(Buffer.from(init.serverKeyHex, 'hex')),
    rng: new Rng(profile.seed ^ (init.skip.houses * 7 + init.skip.blocks)),
    addresses,
  };
  const shared = new CopyBuffer();
  for (let start = 0; start < init.customers; start += init.batchSize) {
    const batch = emptyBatch(reuse ? shared : new CopyBuffer());
    const out: Pick<GeneratedBatch, 'rich' | 'sample'> = { sample: [] };
    const end = Math.min(init.customers, start + init.batchSize);
    for (let i = start; i < end; i++) {
      const rich = init.created && i === 0;
      const made = makeCustomer(ctx, batch, { rich });
      if (rich) out.rich = made;
      else if (i % 100 === 50) out.sample.push(made.id);
    }
    const { readings, ...lines } = batch;
    const rows = Object.fromEntries(TABLES.map((t) => [t, t === 'readings' ? readings.rows : lines[t].length])) as Record<Table, number>;
    yield { ...out, lines: reuse ? lines : joined(lines), readings: readings.bytes(), rows, customersSoFar: end };
  }
}

/** One string per table: a single cheap copy when posted to another thread. */
function joined(lines: GeneratedBatch['lines']): GeneratedBatch['lines'] {
  return Object.fromEntries(Object.entries(lines).map(([t, l]) => [t, [l.join('')]])) as GeneratedBatch['lines'];
}

/**
 * The same batches made by a worker thread, at most `ahead` batches ahead of
 * the consumer (so memory stays bounded however large the seed).
 */
export async function* generateInWorker(init: GeneratorInit, ahead = 2): AsyncGenerator<GeneratedBatch> {
  const worker = new Worker(new URL('./generator-worker-boot.mjs', import.meta.url), { workerData: { init, ahead } });
  const queue: GeneratedBatch[] = [];
  let done = false;
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const notify = () => {
    wake?.();
    wake = null;
  };
  worker.on('message', (m: { batch?: GeneratedBatch; done?: true; error?: string }) => {
    if (m.batch) queue.push(m.batch);
    if (m.done) done = true;
    if (m.error) failure = new Error(m.error);
    notify();
  });
  worker.on('error', (err) => {
    failure = err;
    notify();
  });
  worker.on('exit', () => {
    done = true;
    notify();
  });
  try {
    for (;;) {
      if (failure) throw failure;
      const next = queue.shift();
      if (next) {
        worker.postMessage('next');
        yield next;
        continue;
      }
      if (done) {
        if (failure) throw failure;
        return;
      }
      await new Promise<void>((r) => (wake = r));
    }
  } finally {
    await worker.terminate();
  }
}
