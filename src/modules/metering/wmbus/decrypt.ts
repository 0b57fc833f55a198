/**
 * Decryption of the TPL security modes, each checked by the 2F2F that a
 * correctly decrypted payload starts with: mode 5 (AES-128-CBC, IV from the
 * header; the meter's key, then published default keys), mode 7 (AES-128-CBC
 * with the OMS key derivation from the AFL counter), modes 2/3 (DES-CBC).
 * A payload already starting with 2F2F was logged decrypted and is kept.
 */
import type { Afl } from './afl.ts';
import { defaultKeys, type DefaultKeyContext } from './default-keys.ts';
import { fail } from './errors.ts';
import { aesCbcDecrypt, aesCbcDecryptWith, desCbcDecrypt, omsDeriveKey, type AesKey } from './security.ts';
import { mode5Iv, type Tpl } from './tpl.ts';

export const is2F2F = (b: Uint8Array, o = 0) => b.length >= o + 2 && b[o] === 0x2f && b[o + 1] === 0x2f;

export function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (b.length === 0) return a;
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}


/**
 * How many payload bytes are encrypted: the blocks the configuration field
 * announces, or, when it announces none, every whole block (as wmbusmeters
 * reads such meters). When the telegram is shorter than announced, the whole
 * blocks it has (the 2F2F check still decides).
 */
function encryptedLength(tpl: Tpl, payload: Uint8Array): number {
  const whole = payload.length - (payload.length % 16);
  const announced = tpl.blocks * 16;
  return announced === 0 || announced > whole ? whole : announced;
}

/** The mode-5 IV of the telegram being decoded (read only during aesCbcDecrypt; one array, not one per telegram). */
const mode5IvScratch = new Uint8Array(16);

/**
 * Mode 5: AES-128-CBC over the encrypted blocks with the meter's key, then
 * the manufacturer's published default keys; a payload already starting with
 * 2F2F was logged decrypted. `ciphers` are the key's (aesKey(key)) when the
 * caller keeps them.
 */
export function decryptMode5(payload: Uint8Array, tpl: Tpl, address: Uint8Array, key: Uint8Array | null, defaultKeyContext: DefaultKeyContext, ciphers?: AesKey | null): Uint8Array {
  const plainAlready = is2F2F(payload);
  const n = encryptedLength(tpl, payload);
  if (n > 0) {
    const iv = mode5Iv(address, tpl.acc!, mode5IvScratch);
    const whole = n === payload.length;
    const data = whole ? payload : payload.subarray(0, n);
    if (key && key.length === 16) {
      const plain = ciphers ? aesCbcDecryptWith(ciphers, iv, data) : aesCbcDecrypt(key, iv, data);
      if (is2F2F(plain)) return whole ? plain : concat(plain, payload.subarray(n));
    }
    if (!plainAlready) {
      for (const k of defaultKeys(defaultKeyContext)) {
        const plain = aesCbcDecrypt(k, iv, data);
        if (is2F2F(plain)) return whole ? plain : concat(plain, payload.subarray(n));
      }
    }
  }
  if (plainAlready) return payload;
  if (n === 0 || tpl.blocks * 16 > payload.length) fail('wmbus.truncated', `security header announces ${tpl.blocks * 16 || 'whole'} encrypted bytes, the telegram has ${payload.length}`);
  if (!key) fail('wmbus.no_key', 'telegram is encrypted (mode 5) and no key is known for the meter');
  fail('wmbus.wrong_key', 'decryption did not give 2F2F: wrong key');
}

/** Mode 7: AES-128-CBC, IV 0, key derived from the message counter and id (OMS KDF). */
export function decryptMode7(payload: Uint8Array, tpl: Tpl, address: Uint8Array, afl: Afl | undefined, key: Uint8Array | null): Uint8Array {
  if (is2F2F(payload)) return payload;
  const n = encryptedLength(tpl, payload);
  if (n === 0) fail('wmbus.truncated', `mode 7 payload of ${payload.length} bytes has no whole block`);
  if (!key || key.length !== 16) fail('wmbus.no_key', 'telegram is encrypted (mode 7) and no key is known for the meter');
  if (!afl?.mcr) fail('wmbus.malformed', 'mode 7 telegram without an AFL message counter');
  const kenc = omsDeriveKey(key, 0x00, afl.mcr, address.subarray(2, 6));
  const plain = aesCbcDecrypt(kenc, new Uint8Array(16), payload.subarray(0, n));
  if (!is2F2F(plain)) fail(tpl.blocks * 16 > payload.length ? 'wmbus.truncated' : 'wmbus.wrong_key', 'decryption did not give 2F2F: wrong key');
  return concat(plain, payload.subarray(n));
}

/** Modes 2 and 3: DES-CBC (zero IV, or the IV from the address), checked by 2F2F. */
export function decryptDes(payload: Uint8Array, tpl: Tpl, address: Uint8Array, key: Uint8Array | null): Uint8Array {
  if (is2F2F(payload)) return payload;
  if (!key) fail('wmbus.no_key', `telegram is encrypted (DES, mode ${tpl.mode}) and no key is known for the meter`);
  const n = payload.length - (payload.length % 8);
  if (n === 0) fail('wmbus.truncated', 'DES-encrypted payload shorter than one block');
  const k = key.subarray(0, 8);
  const data = payload.subarray(0, n);
  for (const iv of [new Uint8Array(8), address.subarray(0, 8)]) {
    const plain = desCbcDecrypt(k, iv, data);
    if (is2F2F(plain)) return concat(plain, payload.subarray(n));
  }
  fail('wmbus.wrong_key', 'decryption did not give 2F2F: wrong key');
}
