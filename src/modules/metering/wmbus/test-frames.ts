/** Builders of test telegrams: DLL CRCs in frame format A or B around a frame without them. */
import { crc16 } from './crc.ts';
import { aesCbcEncrypt, aesCtr, omsDeriveKey } from './security.ts';
import { parseTpl, addressBytes, mode5Iv } from './tpl.ts';
import { parseAfl } from './afl.ts';
import { parseEll, ellIv } from './ell.ts';

const put = (out: number[], b: Uint8Array, from: number, to: number) => {
  for (let i = from; i < to; i++) out.push(b[i]);
  const c = crc16(b, from, to);
  out.push(c >> 8, c & 0xff);
};

/** Frame format A: CRC after the first 10 bytes and after every 16 bytes; L unchanged. */
export function withFormatACrcs(frame: Uint8Array): Uint8Array {
  const out: number[] = [];
  put(out, frame, 0, 10);
  for (let o = 10; o < frame.length; o += 16) put(out, frame, o, Math.min(o + 16, frame.length));
  return Uint8Array.from(out);
}

/** Frame format B: L counts the CRCs; one CRC over the first 126 bytes, a second over the rest. */
export function withFormatBCrcs(frame: Uint8Array): Uint8Array {
  const long = frame.length + 2 > 128;
  const f = frame.slice();
  f[0] = frame[0] + (long ? 4 : 2);
  const out: number[] = [];
  if (!long) put(out, f, 0, f.length);
  else {
    put(out, f, 0, 126);
    const c2 = crc16(f, 126, f.length);
    for (let i = 126; i < f.length; i++) out.push(f[i]);
    out.push(c2 >> 8, c2 & 0xff);
  }
  return Uint8Array.from(out);
}


/**
 * Encrypts a telegram that was logged already decrypted (TPL mode 5 or 7,
 * payload starting 2F2F) with `key`, as the meter would have sent it.
 * Handles an ELL (0x8C) and AFL in front of the TPL.
 */
export function encryptLoggedTelegram(frame: Uint8Array, key: Uint8Array): Uint8Array {
  const out = frame.slice();
  let o = 10;
  if (out[o] === 0x8c) o = parseEll(out, o, out.length).next;
  let mcr: Uint8Array | undefined;
  if (out[o] === 0x90) {
    const afl = parseAfl(out, o, out.length);
    mcr = afl.mcr;
    o = afl.next;
  }
  const tpl = parseTpl(out, o, out.length);
  const n = tpl.blocks * 16;
  const plain = out.subarray(tpl.dataOffset, tpl.dataOffset + n);
  if (plain[0] !== 0x2f || plain[1] !== 0x2f) throw new Error('payload is not logged decrypted');
  const address = addressBytes(out, tpl, 2);
  if (tpl.mode === 5) out.set(aesCbcEncrypt(key, mode5Iv(address, tpl.acc!), plain), tpl.dataOffset);
  else if (tpl.mode === 7) out.set(aesCbcEncrypt(omsDeriveKey(key, 0, mcr!, address.subarray(2, 6)), new Uint8Array(16), plain), tpl.dataOffset);
  else throw new Error(`mode ${tpl.mode} not handled`);
  return out;
}

/** Encrypts an ELL-II (0x8D) telegram logged decrypted with AES-CTR. */
export function encryptEllTelegram(frame: Uint8Array, key: Uint8Array): Uint8Array {
  const out = frame.slice();
  const ell = parseEll(out, 10, out.length);
  const iv = ellIv(out, 2, ell, ell.crcOffset! - 4);
  out.set(aesCtr(key, iv, out.subarray(ell.crcOffset!)), ell.crcOffset!);
  return out;
}

