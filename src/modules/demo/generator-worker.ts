/** Worker thread: generates the demo batches and posts them, staying at most `ahead` batches in front. */
import { parentPort, workerData } from 'node:worker_threads';
import { generateBatches, type GeneratorInit } from './generator.ts';

const { init, ahead } = workerData as { init: GeneratorInit; ahead: number };
const port = parentPort!;
let credits = ahead;
let resume: (() => void) | null = null;
port.on('message', () => {
  credits++;
  resume?.();
  resume = null;
});

try {
  for (const batch of generateBatches(init, false)) {
    while (credits <= 0) await new Promise<void>((r) => (resume = r));
    credits--;
    // The readings bytes move to the main thread without a copy.
    port.postMessage({ batch }, [batch.readings.buffer as ArrayBuffer]);
  }
  port.postMessage({ done: true });
} catch (err) {
  port.postMessage({ error: (err as Error).stack ?? String(err) });
}
port.close();
