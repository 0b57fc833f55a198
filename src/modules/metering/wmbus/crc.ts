/**
 * The CRC of EN 13757-4 (wireless M-Bus DLL blocks, ELL payload CRC):
 * CRC-16, polynomial 0x3D65, initial value 0, result inverted.
 */
const table = new Uint16Array(256);
for (let i = 0; i < 256; i++) {
  let crc = i << 8;
  for (let b = 0; b < 8; b++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x3d65) & 0xffff : (crc << 1) & 0xffff;
  table[i] = crc;
}

/** CRC of bytes[from, to). */
export function crc16(bytes: Uint8Array, from = 0, to = bytes.length): number {
  let crc = 0;
  for (let i = from; i < to; i++) crc = ((crc << 8) & 0xffff) ^ table[((crc >> 8) ^ bytes[i]) & 0xff];
  return ~crc & 0xffff;
}

/** True when the two bytes at `at` (big-endian, as sent) are the CRC of bytes[from, at). */
export function crcMatches(bytes: Uint8Array, from: number, at: number): boolean {
  return at + 2 <= bytes.length && crc16(bytes, from, at) === ((bytes[at] << 8) | bytes[at + 1]);
}
