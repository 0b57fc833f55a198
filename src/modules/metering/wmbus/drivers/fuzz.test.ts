import { describe, expect, it } from 'vitest';
import { drivers } from './index.ts';
import type { DriverContext } from '../driver-api.ts';
import { WmbusError } from '../errors.ts';
import { contextFromHex, loadDevVectors } from './test-context.ts';

/** Deterministic PRNG so a failure can be replayed. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const vectors = await loadDevVectors();
const d = vectors ? describe : describe.skip;

d('drivers on mutated telegrams', () => {
  it('never throw anything but WmbusError and never hang (20,000 mutations)', () => {
    const rand = rng(42);
    const seeds = [...vectors!.values()].map((v) => v.telegram);
    let decoded = 0;
    const started = Date.now();
    for (let n = 0; n < 20000; n++) {
      let hex = seeds[n % seeds.length];
      const bytes = Buffer.from(hex, 'hex');
      const mode = n % 4;
      if (mode === 0) bytes[Math.floor(rand() * bytes.length)] = Math.floor(rand() * 256);
      const cut = mode === 1 ? Math.max(11, Math.floor(rand() * bytes.length)) : bytes.length;
      const b = bytes.subarray(0, cut);
      if (mode === 2) for (let i = 11; i < b.length; i++) b[i] = Math.floor(rand() * 256);
      hex = b.toString('hex');
      const ctx: DriverContext = contextFromHex(hex, { encrypted: mode === 3 && rand() < 0.5 });
      for (const driver of drivers) {
        if (!driver.match(ctx)) continue;
        try {
          driver.decode(ctx);
          decoded++;
        } catch (e) {
          if (!(e instanceof WmbusError)) throw new Error(`${driver.name} threw ${String(e)} on ${hex}`);
        }
      }
    }
    expect(decoded).toBeGreaterThan(1000);
    expect(Date.now() - started).toBeLessThan(20000);
  });
});
