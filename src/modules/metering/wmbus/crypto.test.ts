/** The primitives against published test vectors (NIST SP 800-38A/B, RFC 4493, CRC catalogue, classic DES). */
import { describe, expect, it } from 'vitest';
import { crc16 } from './crc.ts';
import { parseHex, toHex } from './hex.ts';
import { aesCbcDecrypt, aesCbcEncrypt, aesCmac, aesCtr, desCbcDecrypt, omsDeriveKey } from './security.ts';

const h = parseHex;
const nistKey = h('2b7e151628aed2a6abf7158809cf4f3c');
const nistPlain = h('6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710');

describe('CRC-16 EN 13757', () => {
  it('has the catalogue check value for "123456789"', () => {
    expect(crc16(new TextEncoder().encode('123456789'))).toBe(0xc2b7);
  });
});

describe('AES-128', () => {
  it('CBC decrypts the SP 800-38A F.2.2 vector, and encryption round-trips', () => {
    const iv = h('000102030405060708090a0b0c0d0e0f');
    const cipher = h('7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b273bed6b8e3c1743b7116e69e222295163ff1caa1681fac09120eca307586e1a7');
    expect(toHex(aesCbcDecrypt(nistKey, iv, cipher))).toBe(toHex(nistPlain));
    expect(toHex(aesCbcEncrypt(nistKey, iv, nistPlain))).toBe(toHex(cipher));
  });

  it('reuses one key schedule without leaking state between calls', () => {
    const iv = h('000102030405060708090a0b0c0d0e0f');
    const cipher = h('7649abac8119b246cee98e9b12e9197d');
    for (let i = 0; i < 3; i++) expect(toHex(aesCbcDecrypt(nistKey, iv, cipher))).toBe('6bc1bee22e409f96e93d7e117393172a');
    expect(() => aesCbcDecrypt(nistKey, iv, cipher.subarray(0, 15))).toThrow(RangeError);
    expect(toHex(aesCbcDecrypt(nistKey, iv, cipher))).toBe('6bc1bee22e409f96e93d7e117393172a');
  });

  it('CTR matches SP 800-38A F.5.1, including the counter carry', () => {
    const ctr = h('f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff');
    const out = aesCtr(nistKey, ctr, nistPlain.subarray(0, 37));
    expect(toHex(out)).toBe('874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff5ae4df3edb'.slice(0, 74));
  });

  it('CMAC matches RFC 4493 examples 1–4', () => {
    expect(toHex(aesCmac(nistKey, new Uint8Array(0)))).toBe('bb1d6929e95937287fa37d129b756746');
    expect(toHex(aesCmac(nistKey, nistPlain.subarray(0, 16)))).toBe('070a16b46b4d4144f79bdd9dd04a287c');
    expect(toHex(aesCmac(nistKey, nistPlain.subarray(0, 40)))).toBe('dfa66747de9ae63030ca32611497c827');
    expect(toHex(aesCmac(nistKey, nistPlain))).toBe('51f0bebf7e3b9d92fc49741779363cfe');
  });

  it('derives mode-7 keys as CMAC over Dc, counter, id and 0x07 padding', () => {
    const key = h('000102030405060708090a0b0c0d0e0f');
    const counter = h('01000000');
    const id = h('78563412');
    const expected = aesCmac(key, h('00' + '01000000' + '78563412' + '07070707070707'));
    expect(toHex(omsDeriveKey(key, 0, counter, id))).toBe(toHex(expected));
    expect(toHex(omsDeriveKey(key, 1, counter, id))).not.toBe(toHex(expected));
  });
});

describe('DES', () => {
  it('decrypts the classic single-DES example (ECB = CBC with zero IV)', () => {
    const out = desCbcDecrypt(h('133457799bbcdff1'), new Uint8Array(8), h('85e813540f0ab405'));
    expect(toHex(out)).toBe('0123456789abcdef');
  });
});
