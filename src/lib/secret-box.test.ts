import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { secretBox } from './secret-box.ts';

const aes = Buffer.from('000102030405060708090A0B0C0D0E0F', 'hex');

/** The sealed form 'v1.<iv>.<tag>.<ciphertext>' with one part's bytes changed by `change`, re-encoded as base64url. */
function alterPart(sealed: string, part: 1 | 2 | 3, change: (bytes: Buffer) => Buffer): string {
  const parts = sealed.split('.');
  parts[part] = change(Buffer.from(parts[part]!, 'base64url')).toString('base64url');
  return parts.join('.');
}

/** A copy with the lowest bit of the byte at `i` flipped: always a different value, never the same by chance. */
function flipBit(bytes: Buffer, i = 0): Buffer {
  const copy = Buffer.from(bytes);
  copy[i] = copy[i]! ^ 0x01;
  return copy;
}

describe('secretBox', () => {
  it('round-trips a key, and the sealed text holds the key in no encoding (hex, base64, base64url, raw bytes of any part)', () => {
    const box = secretBox(randomBytes(32));
    const sealed = box.seal(aes);
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    for (const encoded of [aes.toString('hex'), aes.toString('hex').toUpperCase(), aes.toString('base64'), aes.toString('base64url')]) {
      expect(sealed).not.toContain(encoded);
    }
    for (const part of sealed.split('.').slice(1)) {
      expect(Buffer.from(part, 'base64url').includes(aes)).toBe(false);
    }
    expect(box.open(sealed).equals(aes)).toBe(true);
  });

  it('seals the same secret differently each time (a fresh IV), and both open to it', () => {
    const box = secretBox(randomBytes(32));
    const a = box.seal(aes);
    const b = box.seal(aes);
    expect(a.split('.')[1]).not.toBe(b.split('.')[1]);
    expect(a).not.toBe(b);
    expect(box.open(a).equals(aes)).toBe(true);
    expect(box.open(b).equals(aes)).toBe(true);
  });

  it('refuses a secret sealed under another key', () => {
    const sealed = secretBox(randomBytes(32)).seal(aes);
    expect(() => secretBox(randomBytes(32)).open(sealed)).toThrow();
  });

  it('refuses a sealed secret with one bit changed in its ciphertext, its tag or its IV', () => {
    const box = secretBox(randomBytes(32));
    const sealed = box.seal(aes);
    for (const part of [3, 2, 1] as const) {
      for (const i of [0, 7]) {
        const tampered = alterPart(sealed, part, (bytes) => flipBit(bytes, i));
        expect(tampered).not.toBe(sealed);
        expect(() => box.open(tampered), `part ${part}, byte ${i}`).toThrow();
      }
    }
  });

  it('refuses a sealed secret whose ciphertext was cut short or lengthened', () => {
    const box = secretBox(randomBytes(32));
    const sealed = box.seal(aes);
    expect(() => box.open(alterPart(sealed, 3, (b) => b.subarray(0, b.length - 1)))).toThrow();
    expect(() => box.open(alterPart(sealed, 3, (b) => Buffer.concat([b, Buffer.from([0])])))).toThrow();
  });

  it('refuses text that is not a sealed secret', () => {
    const box = secretBox(randomBytes(32));
    for (const text of ['', 'v1', 'v2.a.b.c', aes.toString('hex')]) {
      expect(() => box.open(text), text).toThrow();
    }
  });
});
