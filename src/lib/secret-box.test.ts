import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { secretBox } from './secret-box.ts';

describe('secretBox', () => {
  it('round-trips a key and never stores it in the clear', () => {
    const box = secretBox(randomBytes(32));
    const aes = Buffer.from('000102030405060708090A0B0C0D0E0F', 'hex');
    const sealed = box.seal(aes);
    expect(sealed).not.toContain(aes.toString('hex'));
    expect(box.open(sealed).equals(aes)).toBe(true);
  });
  it('refuses a tampered or foreign secret', () => {
    const box = secretBox(randomBytes(32));
    const sealed = box.seal('x');
    expect(() => secretBox(randomBytes(32)).open(sealed)).toThrow();
    expect(() => box.open(sealed.slice(0, -2) + 'AA')).toThrow();
  });
});
