/**
 * The extended link layer (EN 13757-4 / OMS): CI 0x8C–0x8F. ELL II and IV
 * (0x8D, 0x8F) carry a session number whose top three bits select AES-128-CTR
 * over the rest of the telegram, guarded by a 2-byte payload CRC.
 */
import { crc16 } from './crc.ts';
import { fail } from './errors.ts';

export interface Ell {
  ci: number;
  cc: number;
  acc: number;
  /** Session number (little-endian), when present. */
  sn?: number;
  /** Offset of the payload CRC (the start of the encrypted part), when present. */
  crcOffset?: number;
  /** Offset of the 8-byte M/A of ELL III/IV (address of the other party). */
  addressOffset?: number;
  /** 0 none, 1 AES-128-CTR; others reserved. */
  encryption: number;
  /** Offset right after the ELL header (the next CI, or payload after the CRC). */
  next: number;
}

export const isEllCi = (ci: number) => ci >= 0x8c && ci <= 0x8f;

export function parseEll(b: Uint8Array, o: number, end: number): Ell {
  const ci = b[o];
  const withAddress = ci === 0x8e || ci === 0x8f;
  const withSession = ci === 0x8d || ci === 0x8f;
  const headerLength = 3 + (withAddress ? 8 : 0) + (withSession ? 6 : 0);
  if (o + headerLength > end) fail('wmbus.truncated', `ELL header (CI 0x${ci.toString(16)}) runs past the end`);
  const ell: Ell = { ci, cc: b[o + 1], acc: b[o + 2], encryption: 0, next: o + headerLength };
  let p = o + 3;
  if (withAddress) {
    ell.addressOffset = p;
    p += 8;
  }
  if (withSession) {
    ell.sn = (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0;
    ell.encryption = ell.sn >>> 29;
    ell.crcOffset = p + 4;
  }
  return ell;
}

/** True when the ELL payload CRC (stored LSB first, unlike the DLL's) matches the bytes after it: plaintext, or decrypted correctly. */
export function ellCrcOk(b: Uint8Array, crcOffset: number, end: number): boolean {
  return crcOffset + 2 <= end && crc16(b, crcOffset + 2, end) === (b[crcOffset] | (b[crcOffset + 1] << 8));
}

/** The 16-byte CTR IV: M(2) A(6) CC (without H and R bits) SN(4) FN(2)=0 BC(1)=0. */
export function ellIv(b: Uint8Array, addressOffset: number, ell: Ell, snOffset: number): Uint8Array {
  const iv = new Uint8Array(16);
  iv.set(b.subarray(addressOffset, addressOffset + 8), 0);
  // The hop-count (0x10) and repeated-access (0x02) bits change when a repeater
  // forwards the telegram, so they are left out of the IV.
  iv[8] = ell.cc & ~0x12;
  iv.set(b.subarray(snOffset, snOffset + 4), 9);
  return iv;
}
