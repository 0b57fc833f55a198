/**
 * Photos of a meter's register taken by the reader. Only JPEG and PNG up to
 * 5 MB, recognised by their first bytes (a file name or a declared type
 * proves nothing).
 */
import { badRequest, AppError } from '../../../lib/errors.ts';

export const MAX_PHOTO_BYTES = 5 * 1024 * 1024;

export type PhotoType = 'image/jpeg' | 'image/png';

export function sniffImage(bytes: Uint8Array): PhotoType | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length >= 8 && png.every((b, i) => bytes[i] === b)) return 'image/png';
  return null;
}

/** Accepts a base64 string or a data URL ("data:image/jpeg;base64,…"); returns the checked bytes and type. */
export function decodePhoto(input: string): { bytes: Buffer; contentType: PhotoType } {
  const m = /^data:[\w.+-]+\/[\w.+-]+;base64,/.exec(input);
  const b64 = (m ? input.slice(m[0].length) : input).replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 === 1) {
    throw badRequest('reader.photo_encoding', 'Zdjęcie nie jest poprawnie zakodowane (base64).', 'The photo is not valid base64.');
  }
  // Check the size before decoding the whole thing.
  if (Math.floor((b64.length * 3) / 4) - (b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0) > MAX_PHOTO_BYTES) {
    throw photoTooLarge();
  }
  const bytes = Buffer.from(b64, 'base64');
  if (bytes.length === 0) throw badRequest('reader.photo_empty', 'Zdjęcie jest puste.', 'The photo is empty.');
  if (bytes.length > MAX_PHOTO_BYTES) throw photoTooLarge();
  const contentType = sniffImage(bytes);
  if (!contentType) {
    throw badRequest('reader.photo_type', 'Zdjęcie musi być plikiem JPEG lub PNG.', 'The photo must be a JPEG or PNG image.');
  }
  return { bytes, contentType };
}

const photoTooLarge = () =>
  new AppError('too_large', 'reader.photo_too_large', { pl: 'Zdjęcie może mieć najwyżej 5 MB.', en: 'The photo may be at most 5 MB.' });
