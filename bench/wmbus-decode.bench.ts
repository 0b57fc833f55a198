/**
 * wM-Bus decoding speed on one core: unencrypted telegrams and AES mode-5
 * telegrams (real decrypted payloads from the dev vectors, encrypted here
 * with a test key as the meter would send them), and a walk-by as ingestion
 * sees it: 20,000 meters, each with its own AES key, every meter heard once
 * before the next round (so no meter's state, key or cipher is still in the
 * CPU caches when its next telegram comes). Run: npm run bench:wmbus
 * Prints telegrams per second for bytes in and for hex text in (what the CLI
 * and ingestion get), best of several rounds. The rate is per second of this
 * process's CPU time (one core, single thread), so other load on a shared
 * machine does not distort it; the wall-clock rate is printed beside it.
 */
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { buildTelegram } from '../src/modules/metering/ingest/testing/telegram-builder.ts';
import { createDecoder, type KeyInput } from '../src/modules/metering/wmbus/index.ts';
import { parseHex, toHex } from '../src/modules/metering/wmbus/hex.ts';
import { encryptLoggedTelegram } from '../src/modules/metering/wmbus/test-frames.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const vectorsFile = path.resolve(root, '../shared/wmbus/dev_vectors.jsonl');
if (!existsSync(vectorsFile)) {
  console.error(`needs ${vectorsFile} (the dev vectors) for realistic telegrams`);
  process.exit(2);
}
interface Vector {
  telegram: string;
  key: string | null;
  info: { security_class: string; payload_state: string; frame: string };
}
const vectors: Vector[] = readFileSync(vectorsFile, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));

const testKey = parseHex('5a7f3c2e9b10d4a6e8c1f0b2d3e4a5c6');
/** Only telegrams that decode to a total volume count (a telegram that fails fast would flatter the figure). */
const withTotal = (list: Uint8Array[], key: Uint8Array | null) => {
  const decoder = createDecoder({ keyFor: () => key });
  return list.filter((t) => {
    const r = decoder.decode(t);
    return r.error === undefined && r.values.total_m3 !== undefined;
  });
};
const plain = withTotal(
  vectors.filter((v) => v.info.security_class === 'none' && v.info.frame === 'wmbus').map((v) => parseHex(v.telegram)),
  null,
);
const mode5 = withTotal(
  vectors
    .filter((v) => v.info.security_class === 'aes_cbc_iv(mode5)' && v.info.payload_state === 'plaintext')
    .map((v) => encryptLoggedTelegram(parseHex(v.telegram), testKey)),
  testKey,
);

/**
 * The walk-by case: `meters` meters (APA, ids 40000000…), each with its own
 * key when `encrypted`, `rounds` telegrams each (volume, clock and access
 * number change), meter after meter, round after round.
 */
function walkBy(meters: number, rounds: number, encrypted: boolean) {
  const keys = new Map<string, Uint8Array>();
  const telegrams: Uint8Array[] = [];
  const keyOf = (i: number) => new Uint8Array(createHash('sha256').update(`wmbus-bench-meter-${i}`).digest().subarray(0, 16));
  for (let i = 0; i < meters; i++) if (encrypted) keys.set(String(40_000_000 + i), keyOf(i));
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < meters; i++) {
      const id = String(40_000_000 + i);
      telegrams.push(
        buildTelegram({
          manufacturer: 'APA',
          id,
          totalM3: 100 + i * 0.01 + r * 0.137,
          meterDatetime: { y: 2026, mo: 10, d: 1 + r, h: 8 + (i % 10), mi: i % 60 },
          key: keys.get(id),
          accessNumber: (i + r) & 0xff,
        }),
      );
    }
  }
  // The meter's own key, looked up as ingestion does (printed id and manufacturer).
  const keyFor = (id: string, manufacturer: string) => (manufacturer === 'APA' ? keys.get(id) : undefined);
  return { telegrams, keyFor };
}

function bench(name: string, telegrams: (Uint8Array | string)[], key: Uint8Array | null | ((id: string, m: string) => KeyInput), seconds = 2) {
  const decoder = createDecoder({ keyFor: typeof key === 'function' ? key : () => key });
  // One pass first: the decoder's per-meter state and each key's cipher are made once per meter, not per telegram.
  for (let i = 0; i < telegrams.length; i++) decoder.decode(telegrams[i]);
  const rounds: number[] = [];
  const walls: number[] = [];
  for (let round = 0; round < 5; round++) {
    let n = 0;
    const cpu0 = process.cpuUsage();
    const start = process.hrtime.bigint();
    const stop = start + BigInt(seconds * 1e9) / 5n;
    let now = start;
    while (now < stop) {
      for (let i = 0; i < telegrams.length; i++) decoder.decode(telegrams[i]);
      n += telegrams.length;
      now = process.hrtime.bigint();
    }
    const cpu = process.cpuUsage(cpu0);
    rounds.push(n / ((cpu.user + cpu.system) / 1e6));
    walls.push(n / (Number(now - start) / 1e9));
  }
  rounds.sort((a, b) => b - a);
  walls.sort((a, b) => b - a);
  const best = Math.round(rounds[0]);
  const median = Math.round(rounds[2]);
  console.log(
    `${name.padEnd(36)} ${String(best).padStart(8)} telegrams/s per CPU-second (median ${median}; wall clock best ${Math.round(walls[0])}; ${telegrams.length} distinct telegrams)`,
  );
  return { name, best, median };
}

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
console.log(`node ${process.version}, ${cpu}, ${os.cpus().length} logical CPUs, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
bench('warm-up', [...plain, ...mode5], testKey, 1);
const many = walkBy(20_000, 5, true);
const manyPlain = walkBy(20_000, 5, false);
const results = [
  bench('unencrypted, bytes in', plain, null),
  bench('unencrypted, hex in', plain.map((b) => toHex(b)), null),
  bench('AES mode 5, bytes in', mode5, testKey),
  bench('AES mode 5, hex in', mode5.map((b) => toHex(b)), testKey),
  // Each round decodes every telegram at least once (100,000 of them), so these take longer.
  bench('unencrypted, 20,000 meters', manyPlain.telegrams, manyPlain.keyFor, 5),
  bench('AES mode 5, 20,000 meters, own keys', many.telegrams, many.keyFor, 5),
];
const worst = Math.min(...results.map((r) => r.best));
console.log(worst >= 100_000 ? `OK: every case at or above 100,000 telegrams/s` : `BELOW TARGET: slowest case ${worst} telegrams/s`);
