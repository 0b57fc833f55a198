/**
 * Decode worker thread: receives the utility's modules (sealed keys) and the
 * server key once, then batches of hex telegrams (one per line of a string),
 * and answers with the decoded items in the same order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { secretBox } from '../../../lib/secret-box.ts';
import { makeDecode } from './decode-core.ts';
import { Keyring, type ModuleEntry } from './keyring.ts';

const data = workerData as { modules: ModuleEntry[]; serverKey: string };
const keyring = new Keyring(secretBox(Buffer.from(data.serverKey, 'hex')));
keyring.add(data.modules);
const decode = makeDecode(keyring.keyFor);

parentPort!.on('message', (msg: { seq: number; hex: string }) => {
  const items = msg.hex.split('\n').map((h) => decode(Buffer.from(h, 'hex')));
  parentPort!.postMessage({ seq: msg.seq, items });
});
parentPort!.postMessage({ ready: true });
