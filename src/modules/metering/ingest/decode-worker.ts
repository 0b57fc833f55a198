/**
 * Decode worker thread: receives the utility's modules (sealed keys, each
 * opened once on first use), the server key and the batch's reception once,
 * then chunks of a walk-by file, and answers each with its telegram batch
 * (log text, quarantine rows and the candidates' typed arrays, transferred,
 * not copied).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { secretBox } from '../../../lib/secret-box.ts';
import { chunkProcessor, type WorkerInit } from './decode-pool.ts';
import { Keyring } from './keyring.ts';
import { transferables } from './telegram-batch.ts';

const data = workerData as WorkerInit;
const keyring = new Keyring(secretBox(Buffer.from(data.serverKey, 'hex')));
keyring.add(data.modules);
const run = chunkProcessor(keyring, data.reception, data.defaultTime);

parentPort!.on('message', (msg: { seq: number; buf: Uint8Array; first: boolean }) => {
  try {
    const result = run(msg.buf, msg.first);
    parentPort!.postMessage({ seq: msg.seq, result }, transferables(result));
  } catch (err) {
    parentPort!.postMessage({ seq: msg.seq, error: (err as Error).message });
  }
});
parentPort!.postMessage({ ready: true });
