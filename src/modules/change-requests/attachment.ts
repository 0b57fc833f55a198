/** The attachment of a request, decoded and checked on the server (Node's Buffer; the rules in rules.ts run in the browser too). */
import { AppError, badRequest } from '../../lib/errors.ts';
import { MAX_ATTACHMENT_BYTES, sniffAttachment, type AttachmentType } from './rules.ts';

/** A base64 attachment (as the portal form sends it) checked for size and type before anything is stored. */
export function decodeAttachment(b64in: string): { bytes: Buffer; contentType: AttachmentType } {
  const m = /^data:[\w.+-]+\/[\w.+-]+;base64,/.exec(b64in);
  const b64 = (m ? b64in.slice(m[0].length) : b64in).replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 === 1) {
    throw badRequest('change_request.attachment_encoding', 'Załącznik nie jest poprawnie zakodowany (base64).', 'The attachment is not valid base64.', { field: 'attachment' });
  }
  if (Math.floor((b64.length * 3) / 4) - (b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0) > MAX_ATTACHMENT_BYTES) throw attachmentTooLarge();
  const bytes = Buffer.from(b64, 'base64');
  if (bytes.length === 0) throw badRequest('change_request.attachment_empty', 'Załącznik jest pusty.', 'The attachment is empty.', { field: 'attachment' });
  const contentType = sniffAttachment(bytes);
  if (!contentType) {
    throw badRequest('change_request.attachment_type', 'Załącznik musi być plikiem PDF, JPEG lub PNG.', 'The attachment must be a PDF, JPEG or PNG file.', { field: 'attachment' });
  }
  return { bytes, contentType };
}

export const attachmentTooLarge = () =>
  new AppError('too_large', 'change_request.attachment_too_large', { pl: 'Załącznik może mieć najwyżej 5 MB.', en: 'The attachment may be at most 5 MB.' });
