/**
 * A phone photo of the register is several megabytes; the reader's mobile
 * data and the phone's storage are not. The photo is scaled down to at most
 * 1600 px and re-encoded as JPEG before it is queued. When the browser cannot
 * decode it, the original is kept if it is a JPEG or PNG within 5 MB.
 */
const MAX_SIDE = 1600;
export const MAX_PHOTO_BYTES = 5 * 1024 * 1024;

export async function preparePhoto(file: File): Promise<Blob> {
  try {
    const bitmap = await createImageBitmap(file);
    const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(bitmap.width * scale));
    canvas.height = Math.max(1, Math.round(bitmap.height * scale));
    canvas.getContext('2d')!.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.82));
    if (blob && blob.size <= MAX_PHOTO_BYTES) return blob;
  } catch {
    // fall through to the original file
  }
  if ((file.type === 'image/jpeg' || file.type === 'image/png') && file.size <= MAX_PHOTO_BYTES) return file;
  throw new Error('photo');
}

/** "123,45" or "123.45" → "123.450"; null when it is not a register value (up to 9 digits, 3 decimals). */
export function normaliseVolume(typed: string): string | null {
  const m = /^\s*(\d{1,9})(?:[.,](\d{1,3}))?\s*$/.exec(typed);
  if (!m) return null;
  return `${String(Number(m[1]))}.${(m[2] ?? '').padEnd(3, '0')}`;
}
