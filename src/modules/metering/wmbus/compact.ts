/**
 * Compact frames (EN 13757-3, CI 0x79/0x7B/0x73): the sender leaves out the
 * DIF/VIF bytes and sends a format signature (CRC-16 of the DIF/VIF sequence)
 * instead. A decoder that saw the full frame before, or a driver that
 * declares the format, can put the records back together.
 */
import { crc16 } from './crc.ts';

const lengths = [0, 1, 2, 3, 4, 4, 6, 8, 0, 1, 2, 3, 4, -1, 6, -1];

/** The number of DIF/VIF header bytes of the records. */
function difVifLength(payload: Uint8Array, records: { offset: number; data: Uint8Array }[]): number {
  let n = 0;
  for (const r of records) n += r.data.byteOffset - payload.byteOffset - r.offset;
  return n;
}

/** The DIF/VIF bytes of a record list without their data, as the signature covers them. */
export function difVifSequence(payload: Uint8Array, records: { offset: number; data: Uint8Array }[]): Uint8Array {
  const out = new Uint8Array(difVifLength(payload, records));
  let w = 0;
  for (const r of records) {
    const headerEnd = r.data.byteOffset - payload.byteOffset;
    out.set(payload.subarray(r.offset, headerEnd), w);
    w += headerEnd - r.offset;
  }
  return out;
}

export const formatSignature = (difvif: Uint8Array) => crc16(difvif);

/**
 * Interleaves a DIF/VIF sequence with the compact frame's data into a normal
 * record payload; null when the data do not fit the format (a different or
 * variable-length format).
 */
export function expandCompact(difvif: Uint8Array, data: Uint8Array): Uint8Array | null {
  const out = new Uint8Array(difvif.length + data.length);
  let i = 0;
  let d = 0;
  let w = 0;
  while (i < difvif.length) {
    const start = i;
    const dif = difvif[i++];
    let ext = dif & 0x80;
    while (ext && i < difvif.length) ext = difvif[i++] & 0x80;
    if (i >= difvif.length) return null;
    const vif = difvif[i++];
    ext = vif & 0x80;
    while (ext && i < difvif.length) ext = difvif[i++] & 0x80;
    const len = lengths[dif & 0x0f];
    if (len < 0 || d + len > data.length) return null;
    out.set(difvif.subarray(start, i), w);
    w += i - start;
    out.set(data.subarray(d, d + len), w);
    w += len;
    d += len;
  }
  while (d < data.length && data[d] === 0x2f) d++; // idle fillers pad the last encrypted block
  if (d !== data.length) return null;
  return out;
}
