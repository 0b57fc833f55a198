/** Little-endian integers, BCD and reals as the data records encode them. */

/** Signed little-endian integer of `len` bytes (1..8; 7–8 bytes lose precision past 2^53 as any JS number does). */
export function intLE(b: Uint8Array, o: number, len: number): number {
  if (len <= 4) {
    let v = 0;
    for (let i = len - 1; i >= 0; i--) v = v * 256 + b[o + i];
    const top = 2 ** (8 * len);
    return v >= top / 2 ? v - top : v;
  }
  let v = 0;
  const negative = (b[o + len - 1] & 0x80) !== 0;
  for (let i = len - 1; i >= 0; i--) v = v * 256 + (negative ? 255 - b[o + i] : b[o + i]);
  return negative ? -v - 1 : v;
}

/** Unsigned little-endian integer of `len` bytes. */
export function uintLE(b: Uint8Array, o: number, len: number): number {
  let v = 0;
  for (let i = len - 1; i >= 0; i--) v = v * 256 + b[o + i];
  return v;
}

/**
 * Packed BCD, least significant byte first. A top nibble 0xF is a minus sign
 * (EN 13757-3); any other non-decimal nibble makes the value unreadable (null).
 */
export function bcdLE(b: Uint8Array, o: number, len: number): number | null {
  let v = 0;
  let sign = 1;
  for (let i = len - 1; i >= 0; i--) {
    const x = b[o + i];
    let hi = x >> 4;
    const lo = x & 15;
    if (i === len - 1 && hi === 15) {
      sign = -1;
      hi = 0;
    }
    if (hi > 9 || lo > 9) return null;
    v = v * 100 + hi * 10 + lo;
  }
  return sign * v;
}

/** IEEE 754 single precision, little-endian. */
export function float32LE(b: Uint8Array, o: number): number {
  return new DataView(b.buffer, b.byteOffset + o, 4).getFloat32(0, true);
}
