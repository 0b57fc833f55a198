/**
 * Decode worker thread: receives the utility's modules (sealed keys, each
 * opened once on first use) and the server key once, then chunks of a walk-by
 * file, and answers each with its staged batch (COPY text and typed arrays,
 * the arrays transferred, not copied).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { secretBox } from '../../../lib/secret-box.ts';
import { makeDecode } from './decode-core.ts';
import type { WorkerInit } from './decode-pool.ts';
import { Keyring } from './keyring.ts';
import { transferables } from './stage-batch.ts';
import { processChunk } from './walkby-chunk.ts';

const data = workerData as WorkerInit;
const keyring = new Keyring(secretBox(Buffer.from(data.serverKey, 'hex')));
keyring.add(data.modules);
const decode = makeDecode(keyring.keyFor);
const lookup = (m: string, r: string) => keyring.lookup(m, r);

parentPort!.on('message', (msg: { seq: number; buf: Uint8Array; first: boolean }) => {
  try {
    const result = processChunk(msg.buf, { first: msg.first, defaultTime: data.defaultTime }, decode, lookup);
    parentPort!.postMessage({ seq: msg.seq, result }, transferables(result));
  } catch (err) {
    parentPort!.postMessage({ seq: msg.seq, error: (err as Error).message });
  }
});
parentPort!.postMessage({ ready: true });
