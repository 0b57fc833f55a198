import { describe, expect, it } from 'vitest';
import { asBuffer, hexOf } from './bytea.ts';

describe('bytea values from either engine', () => {
  it('gives the hex of a plain Uint8Array (PGlite) and of a Buffer (pg) alike', () => {
    const plain = new Uint8Array([0xde, 0xad, 0x01]);
    expect(hexOf(plain)).toBe('dead01');
    expect(hexOf(Buffer.from([0xde, 0xad, 0x01]))).toBe('dead01');
    // The trap it replaces: a Uint8Array's toString ignores the encoding.
    expect((plain as unknown as { toString(e: string): string }).toString('hex')).toBe('222,173,1');
  });

  it('shares the memory of a view into a larger buffer rather than copying it', () => {
    const big = new Uint8Array([1, 2, 3, 4, 5]);
    const view = big.subarray(1, 4);
    const b = asBuffer(view);
    expect(b.toString('hex')).toBe('020304');
    big[2] = 9;
    expect(b[1]).toBe(9);
  });
});
