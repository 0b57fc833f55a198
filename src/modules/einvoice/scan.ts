/**
 * The scan of a signed paper e-invoice consent form, sent as base64 in the
 * JSON body (like the meter reader's photos): a PDF, JPEG or PNG of at most
 * 5 MB, its type told by its bytes, not by what the browser claims.
 */
import { createHash } from 'node:crypto';
import type { Tx } from '../../db/tenant.ts';
import { AppError, badRequest } from '../../lib/errors.ts';

export const MAX_SCAN_BYTES = 5 * 1024 * 1024;

type ScanType = 'application/pdf' | 'image/jpeg' | 'image/png';

function sniff(b: Buffer): ScanType | null {
  if (b.length >= 5 && b.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  return null;
}

const tooLarge = () => new AppError('too_large', 'einvoice.scan_too_large', { pl: 'Skan formularza może mieć najwyżej 5 MB.', en: 'The form scan may be at most 5 MB.' });

export function decodeScan(input: string): { bytes: Buffer; contentType: ScanType } {
  const m = /^data:[\w.+-]+\/[\w.+-]+;base64,/.exec(input);
  const b64 = (m ? input.slice(m[0].length) : input).replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 === 1) {
    throw badRequest('einvoice.scan_encoding', 'Skan formularza nie jest poprawnie zakodowany (base64).', 'The form scan is not valid base64.', { field: 'body.scan' });
  }
  if (Math.floor((b64.length * 3) / 4) - (b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0) > MAX_SCAN_BYTES) throw tooLarge();
  const bytes = Buffer.from(b64, 'base64');
  if (bytes.length === 0) throw badRequest('einvoice.scan_empty', 'Skan formularza jest pusty.', 'The form scan is empty.', { field: 'body.scan' });
  const contentType = sniff(bytes);
  if (!contentType) {
    throw badRequest('einvoice.scan_type', 'Skan formularza musi być plikiem PDF, JPEG lub PNG.', 'The form scan must be a PDF, JPEG or PNG file.', { field: 'body.scan' });
  }
  return { bytes, contentType };
}

export async function storeScan(tx: Tx, utilityId: number, customerNumber: string, scan: { bytes: Buffer; contentType: ScanType }): Promise<number> {
  const ext = scan.contentType === 'application/pdf' ? 'pdf' : scan.contentType === 'image/png' ? 'png' : 'jpg';
  const row = await tx
    .insertInto('files')
    .values({
      utility_id: utilityId,
      name: `zgoda-e-faktura-${customerNumber.replace(/[^\w-]+/g, '_')}.${ext}`,
      content_type: scan.contentType,
      size_bytes: scan.bytes.length,
      sha256: createHash('sha256').update(scan.bytes).digest('hex'),
      data: scan.bytes,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
