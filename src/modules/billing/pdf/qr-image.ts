/**
 * A QR code as a small 8-bit greyscale PNG, one pixel per module plus the
 * four-module quiet zone, made from qrcode's symbol (`QRCode.create`).
 *
 * Why not `QRCode.toBuffer`: it writes RGBA, and pdfkit must then decode
 * the pixels and split off the alpha channel for every code. A greyscale PNG
 * without alpha is passed into the PDF as it is (its zlib data becomes the
 * image stream), which is what keeps rendering at well over 50 invoices a
 * second. The image is scaled up in the PDF without smoothing (pdfkit sets
 * no /Interpolate), so it prints sharp.
 */
import { deflateSync } from 'node:zlib';
import QRCode from 'qrcode';

const QUIET = 4;

let crcTable: Int32Array | undefined;
function crc32(buf: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Int32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c;
    }
  }
  let c = -1;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** The QR code of `text` (error correction M) as a greyscale PNG. */
export function qrPng(text: string): Buffer {
  const symbol = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = symbol.modules.size;
  const side = n + 2 * QUIET;
  // Each row: filter byte 0 (none), then one byte per pixel, 0 black, 255 white.
  const raw = Buffer.alloc(side * (side + 1), 255);
  for (let y = 0; y < side; y++) {
    raw[y * (side + 1)] = 0;
    for (let x = 0; x < n && y >= QUIET && y < QUIET + n; x++) {
      if (symbol.modules.get(y - QUIET, x)) raw[y * (side + 1) + 1 + QUIET + x] = 0;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(side, 0);
  ihdr.writeUInt32BE(side, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // colour type: greyscale
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}
