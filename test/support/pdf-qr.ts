/**
 * Reads the QR codes printed in a PDF the application produced: finds the
 * greyscale image objects (how the invoice PDF embeds its codes), inflates
 * them, undoes the PNG row filters, and decodes each with jsQR (pure
 * JavaScript). Independent of our renderer's code: it reads the PDF bytes
 * as any viewer would.
 */
import { inflateSync } from 'node:zlib';
import jsQR from 'jsqr';

interface GreyImage {
  width: number;
  height: number;
  pixels: Uint8Array;
}

function unfilter(data: Uint8Array, width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height);
  const stride = width + 1;
  for (let y = 0; y < height; y++) {
    const type = data[y * stride];
    for (let x = 0; x < width; x++) {
      const raw = data[y * stride + 1 + x];
      const a = x > 0 ? out[y * width + x - 1] : 0;
      const b = y > 0 ? out[(y - 1) * width + x] : 0;
      const c = x > 0 && y > 0 ? out[(y - 1) * width + x - 1] : 0;
      let pred = 0;
      if (type === 1) pred = a;
      else if (type === 2) pred = b;
      else if (type === 3) pred = (a + b) >> 1;
      else if (type === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
        pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      } else if (type !== 0) throw new Error(`PNG filter ${type}`);
      out[y * width + x] = (raw + pred) & 0xff;
    }
  }
  return out;
}

/** Every 8-bit greyscale image XObject in the PDF. */
export function greyImages(pdf: Uint8Array): GreyImage[] {
  const buf = Buffer.from(pdf);
  const text = buf.toString('latin1');
  const images: GreyImage[] = [];
  const re = /\d+ 0 obj\s*<<([\s\S]*?)>>\s*stream\r?\n/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    // The dictionary may hold a nested << >> (DecodeParms): take everything up to "stream".
    const dict = text.slice(m.index, re.lastIndex);
    if (!/\/Subtype\s*\/Image/.test(dict) || !/\/ColorSpace\s*\/DeviceGray/.test(dict)) continue;
    const width = Number(/\/Width\s+(\d+)/.exec(dict)![1]);
    const height = Number(/\/Height\s+(\d+)/.exec(dict)![1]);
    const length = Number(/\/Length\s+(\d+)/.exec(dict)![1]);
    const data = inflateSync(buf.subarray(re.lastIndex, re.lastIndex + length));
    const pixels = /\/Predictor\s+1[0-5]/.test(dict) ? unfilter(data, width, height) : new Uint8Array(data);
    images.push({ width, height, pixels });
  }
  return images;
}

/** The texts of all QR codes in the PDF, in the order their images were written. */
export function pdfQrCodes(pdf: Uint8Array): string[] {
  const out: string[] = [];
  for (const img of greyImages(pdf)) {
    const scale = 4;
    const w = img.width * scale;
    const h = img.height * scale;
    const rgba = new Uint8ClampedArray(w * h * 4);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const v = img.pixels[Math.floor(y / scale) * img.width + Math.floor(x / scale)];
        const i = (y * w + x) * 4;
        rgba[i] = rgba[i + 1] = rgba[i + 2] = v;
        rgba[i + 3] = 255;
      }
    }
    const code = jsQR(rgba, w, h);
    if (code) out.push(code.data);
  }
  return out;
}
