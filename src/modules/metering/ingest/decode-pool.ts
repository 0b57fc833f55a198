/**
 * Decoding off the main thread: a walk-by import hands batches to one or two
 * worker threads, so that decryption and decoding overlap with reading the
 * file and writing to the database. With threads = 0 it decodes inline.
 */
import { Worker } from 'node:worker_threads';
import type { SecretBox } from '../../../lib/secret-box.ts';
import { makeDecode, type DecodedItem } from './decode-core.ts';
import { Keyring, type ModuleEntry } from './keyring.ts';

export interface DecodePool {
  decode(hex: string[]): Promise<DecodedItem[]>;
  close(): Promise<void>;
}

export function inlineDecoder(keyring: Keyring): DecodePool {
  const decode = makeDecode(keyring.keyFor);
  return {
    decode: async (hex) => hex.map((h) => decode(Buffer.from(h, 'hex'))),
    close: async () => {},
  };
}

export async function createDecodePool(opts: { threads: number; modules: ModuleEntry[]; serverKey: Buffer; box: SecretBox }): Promise<DecodePool> {
  if (opts.threads <= 0) {
    const k = new Keyring(opts.box);
    k.add(opts.modules);
    return inlineDecoder(k);
  }
  const workers: Worker[] = [];
  const pending = new Map<number, { resolve: (v: DecodedItem[]) => void; reject: (e: Error) => void }>();
  let failure: Error | null = null;
  for (let i = 0; i < opts.threads; i++) {
    const w = new Worker(new URL('./decode-worker-boot.mjs', import.meta.url), {
      workerData: { modules: opts.modules, serverKey: opts.serverKey.toString('hex') },
    });
    await new Promise<void>((resolve, reject) => {
      w.once('message', () => resolve());
      w.once('error', reject);
    });
    w.on('message', (m: { seq: number; items: DecodedItem[] }) => {
      const p = pending.get(m.seq);
      pending.delete(m.seq);
      p?.resolve(m.items);
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
    decode(hex) {
      if (failure) return Promise.reject(failure);
      const s = seq++;
      return new Promise((resolve, reject) => {
        pending.set(s, { resolve, reject });
        workers[s % workers.length].postMessage({ seq: s, hex: hex.join('\n') });
      });
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
