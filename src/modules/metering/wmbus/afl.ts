/**
 * The authentication and fragmentation layer (CI 0x90, EN 13757-7 / OMS 4):
 * fragment control, message control, key information, message counter, MAC
 * and message length. Fragmented messages cannot be decoded one telegram at a time.
 */
import { fail } from './errors.ts';

export interface Afl {
  fcl: number;
  mcl?: number;
  ki?: number;
  /** Message counter (4 bytes little-endian), needed by the mode-7 key derivation. */
  mcr?: Uint8Array;
  mac?: Uint8Array;
  ml?: number;
  /** Offset of the next CI field. */
  next: number;
}

/** MAC length per authentication type (MCL bits 0–3). */
const macLengths: Record<number, number> = { 3: 2, 4: 4, 5: 8, 6: 12, 7: 16 };

export function parseAfl(b: Uint8Array, o: number, end: number): Afl {
  if (o + 4 > end) fail('wmbus.truncated', 'AFL header runs past the end');
  const len = b[o + 1];
  const next = o + 2 + len;
  if (next > end) fail('wmbus.truncated', 'AFL header runs past the end');
  let p = o + 2;
  const take = (n: number) => {
    if (p + n > next) fail('wmbus.malformed', 'AFL fields do not fit its length');
    const at = p;
    p += n;
    return at;
  };
  const fcl = b[take(2)] | (b[p - 1] << 8);
  const afl: Afl = { fcl, next };
  if (fcl & 0x4000) fail('wmbus.malformed', 'fragmented AFL message (more fragments follow) is not supported');
  if (fcl & 0x2000) afl.mcl = b[take(1)];
  if (fcl & 0x0200) {
    const at = take(2);
    afl.ki = b[at] | (b[at + 1] << 8);
  }
  if (fcl & 0x0800) {
    const at = take(4);
    afl.mcr = b.subarray(at, at + 4);
  }
  if (fcl & 0x0400) {
    const n = macLengths[(afl.mcl ?? 0) & 0x0f] ?? 0;
    if (n === 0) fail('wmbus.malformed', 'AFL carries a MAC of an unknown authentication type');
    const at = take(n);
    afl.mac = b.subarray(at, at + n);
  }
  if (fcl & 0x1000) {
    const at = take(2);
    afl.ml = b[at] | (b[at + 1] << 8);
  }
  return afl;
}
