/**
 * The ciphers of wireless M-Bus, on node:crypto's AES-128-ECB (and DES-EDE-ECB
 * for the old DES modes) with CBC/CTR chaining done here. One ECB cipher
 * object per key and direction is kept and reused, made when first needed:
 * the key schedule is computed once per key, not once per telegram, and ECB
 * keeps no state between blocks. The decoder keeps each meter's decrypting
 * object with the meter (aesKey), so a telegram costs one update() call.
 *  - TPL mode 5: AES-128-CBC, IV = M(2) A(6) ACC×8.
 *  - TPL mode 7: AES-128-CBC with IV 0 under a key derived per message (OMS KDF
 *    = AES-CMAC over Dc ‖ counter ‖ id ‖ 0x07 padding).
 *  - ELL: AES-128-CTR, IV = M(2) A(6) CC SN(4) FN(2) BC(1).
 *  - TPL modes 2/3: DES-CBC with IV from the header / zero IV.
 */
import { createCipheriv, createDecipheriv, type Cipher, type Decipher } from 'node:crypto';

/**
 * The ECB objects of one key, each made when first needed: decoding only
 * decrypts (modes 5 and 7 after the key derivation), so most keys never get
 * an encrypting object, which halves the native memory and the setup per key.
 */
interface KeyCiphers {
  key: Uint8Array;
  enc: Cipher | null;
  dec: Decipher | null;
}

const aesCache = new Map<string, KeyCiphers>();
const desCache = new Map<string, Decipher>();
const CACHE_LIMIT = 10_000;

function keyString(key: Uint8Array): string {
  // latin1 of 16 bytes: cheap, collision-free map key.
  return String.fromCharCode.apply(null, key as unknown as number[]);
}

/**
 * Fast path: the same key object (the decoder's callers keep one parsed key
 * per meter, and toKey caches hex keys), so no key string is built. It holds
 * any number of keys, so the bounded by-value cache below may be cleared
 * without every key in use having to build its ciphers again.
 */
const byObject = new WeakMap<Uint8Array, KeyCiphers>();

function aes(key: Uint8Array): KeyCiphers {
  const hit = byObject.get(key);
  if (hit) return hit;
  const c = aesByValue(key);
  byObject.set(key, c);
  return c;
}

function aesByValue(key: Uint8Array): KeyCiphers {
  const k = keyString(key);
  let c = aesCache.get(k);
  if (!c) {
    if (aesCache.size >= CACHE_LIMIT) aesCache.clear();
    // A copy: the caller may reuse or change its array, the ciphers are made later.
    c = { key: Uint8Array.from(key), enc: null, dec: null };
    aesCache.set(k, c);
  }
  return c;
}

function encryptor(c: KeyCiphers): Cipher {
  if (c.enc) return c.enc;
  const enc = createCipheriv('aes-128-ecb', c.key, null);
  enc.setAutoPadding(false);
  return (c.enc = enc);
}

function decryptor(c: KeyCiphers): Decipher {
  if (c.dec) return c.dec;
  const dec = createDecipheriv('aes-128-ecb', c.key, null);
  dec.setAutoPadding(false);
  return (c.dec = dec);
}

/** AES-128 of whole 16-byte blocks in ECB mode (encrypt). */
export function aesEcbEncrypt(key: Uint8Array, data: Uint8Array): Uint8Array {
  if (data.length % 16 !== 0) throw new RangeError('AES-ECB data must be whole 16-byte blocks');
  return encryptor(aes(key)).update(data);
}

/** A key's decrypting object, to keep next to the key and skip the lookup by key object (aesKey). */
export type AesKey = Decipher;

export function aesKey(key: Uint8Array): AesKey {
  return decryptor(aes(key));
}

/** AES-128-CBC decryption of data (a multiple of 16 bytes) with the given IV. */
export function aesCbcDecrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  return aesCbcDecryptWith(decryptor(aes(key)), iv, data);
}

/**
 * aesCbcDecrypt with the key's decrypting object already at hand. The result
 * is a plain Uint8Array (over the Buffer node:crypto returns): views into it
 * are cheap builtin subarrays, and its slice() copies.
 */
export function aesCbcDecryptWith(dec: AesKey, iv: Uint8Array, data: Uint8Array): Uint8Array {
  // A partial block would stay buffered inside the shared ECB object and spoil the next telegram.
  if (data.length % 16 !== 0) throw new RangeError('AES-CBC data must be whole 16-byte blocks');
  const b = dec.update(data);
  const out = new Uint8Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < 16; i++) out[i] ^= iv[i];
  for (let i = 16; i < out.length; i++) out[i] ^= data[i - 16];
  return out;
}

/** AES-128-CBC encryption (used to build test and benchmark telegrams). */
export function aesCbcEncrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  const enc = encryptor(aes(key));
  const out = new Uint8Array(data.length);
  const block = new Uint8Array(16);
  let prev: Uint8Array = iv;
  for (let o = 0; o < data.length; o += 16) {
    for (let i = 0; i < 16; i++) block[i] = data[o + i] ^ prev[i];
    const c = enc.update(block);
    out.set(c, o);
    prev = out.subarray(o, o + 16);
  }
  return out;
}

/** AES-128-CTR (encryption and decryption are the same); the last byte of the IV counts blocks. */
export function aesCtr(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  const blocks = Math.ceil(data.length / 16);
  const counters = new Uint8Array(blocks * 16);
  for (let b = 0; b < blocks; b++) {
    counters.set(iv, b * 16);
    // Big-endian increment of the counter block by b.
    let carry = b;
    for (let i = 15; i >= 0 && carry > 0; i--) {
      const s = counters[b * 16 + i] + (carry & 0xff);
      counters[b * 16 + i] = s & 0xff;
      carry = (carry >> 8) + (s >> 8);
    }
  }
  const stream = encryptor(aes(key)).update(counters);
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = data[i] ^ stream[i];
  return out;
}

function shiftLeft(b: Uint8Array): Uint8Array {
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) out[i] = ((b[i] << 1) | (i < 15 ? b[i + 1] >> 7 : 0)) & 0xff;
  if (b[0] & 0x80) out[15] ^= 0x87;
  return out;
}

/** AES-CMAC (RFC 4493), full 16 bytes. */
export function aesCmac(key: Uint8Array, msg: Uint8Array): Uint8Array {
  const enc = encryptor(aes(key));
  const l = enc.update(new Uint8Array(16));
  const k1 = shiftLeft(l);
  const k2 = shiftLeft(k1);
  const n = Math.max(1, Math.ceil(msg.length / 16));
  const complete = msg.length > 0 && msg.length % 16 === 0;
  let x = new Uint8Array(16);
  const y = new Uint8Array(16);
  for (let b = 0; b < n; b++) {
    const last = b === n - 1;
    for (let i = 0; i < 16; i++) {
      const p = b * 16 + i;
      let m = p < msg.length ? msg[p] : p === msg.length ? 0x80 : 0;
      if (last) m ^= complete ? k1[i] : k2[i];
      y[i] = x[i] ^ m;
    }
    x = new Uint8Array(enc.update(y));
  }
  return x;
}

/**
 * OMS key derivation (mode 7, KDF-A): Dc 0x00 gives the encryption key, 0x01
 * the MAC key (meter to collector); counter and id are little-endian.
 */
export function omsDeriveKey(key: Uint8Array, dc: number, counter: Uint8Array, id: Uint8Array): Uint8Array {
  const input = new Uint8Array(16).fill(0x07);
  input[0] = dc;
  input.set(counter.subarray(0, 4), 1);
  input.set(id.subarray(0, 4), 5);
  return aesCmac(key, input);
}

/** DES-CBC decryption (8-byte key; single DES as DES-EDE with both halves equal). */
export function desCbcDecrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  const k = keyString(key);
  let dec = desCache.get(k);
  if (!dec) {
    if (desCache.size >= CACHE_LIMIT) desCache.clear();
    const k16 = new Uint8Array(16);
    k16.set(key.subarray(0, 8), 0);
    k16.set(key.subarray(0, 8), 8);
    dec = createDecipheriv('des-ede-ecb', k16, null);
    dec.setAutoPadding(false);
    desCache.set(k, dec);
  }
  if (data.length % 8 !== 0) throw new RangeError('DES-CBC data must be whole 8-byte blocks');
  const b = dec.update(data);
  const out = new Uint8Array(b.buffer, b.byteOffset, b.length); // plain, as aesCbcDecryptWith's
  for (let i = 0; i < 8; i++) out[i] ^= iv[i];
  for (let i = 8; i < out.length; i++) out[i] ^= data[i - 8];
  return out;
}
