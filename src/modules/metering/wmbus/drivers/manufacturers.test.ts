/**
 * Driver.manufacturers lets the pipeline skip a driver for other
 * manufacturers' telegrams: it must hold every code for which match() can be
 * true. Checked on the dev vectors and the pipeline's own decoding.
 */
import { describe, expect, it } from 'vitest';
import { drivers } from './index.ts';
import { contextFromVector, loadDevVectors } from './test-context.ts';
import { createDecoder } from '../index.ts';

const vectors = await loadDevVectors();
const d = vectors ? describe : describe.skip;

d('Driver.manufacturers', () => {
  it('holds every manufacturer code a driver matches (each dev vector under every code)', () => {
    const codes = new Set<string>(['AAA', 'ZZZ', 'KAM', 'APA', 'APT', 'DME', 'HYD', 'BMT', 'TCH', 'ZRI', 'GWF', 'QDS', 'LSE', 'SAP', 'EWT', 'SPL', 'KAW']);
    for (const v of vectors!.values()) codes.add(contextFromVector(v).identity.manufacturer);
    let matched = 0;
    for (const v of vectors!.values()) {
      const base = contextFromVector(v);
      for (const code of codes) {
        const ctx = { ...base, identity: { ...base.identity, manufacturer: code } };
        for (const driver of drivers) {
          if (!driver.manufacturers || !driver.match(ctx)) continue;
          matched++;
          expect(driver.manufacturers, `${driver.name} matched ${code} (${v.vector_id})`).toContain(code);
        }
      }
    }
    expect(matched).toBeGreaterThan(10);
  });

  it('are declared by every built-in driver', () => {
    expect(drivers.filter((x) => !x.manufacturers).map((x) => x.name)).toEqual([]);
  });

  it('do not hide a driver that declares none', () => {
    let called = 0;
    const probe = { name: 'probe', match: () => (called++, true), decode: () => ({ values: { probe_m3: 1 } }) };
    const out = createDecoder({ drivers: [probe] }).decode('1E4401060000004001077A0000000004130100000004134D00000000002F2F');
    expect(called).toBe(1);
    expect(out.error ? out.error : out.drivers).toEqual(['probe']);
  });
});
