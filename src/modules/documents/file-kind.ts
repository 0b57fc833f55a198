/**
 * Which kind of document a form's bytes are, judged by the bytes and the
 * name together (a browser's content type is whatever the sender says):
 * PDF starts with "%PDF-"; DOCX and ODT are ZIP packages, an ODT names its
 * type in the first entry ("mimetype"), a DOCX holds "[Content_Types].xml".
 */
export type FormFileKind = 'pdf' | 'docx' | 'odt';

export const CONTENT_TYPES: Record<FormFileKind, string> = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  odt: 'application/vnd.oasis.opendocument.text',
};

/** The largest form accepted (bytes). */
export const MAX_FORM_BYTES = 10 * 1024 * 1024;

export function formFileKind(bytes: Uint8Array, fileName: string): FormFileKind | null {
  const ext = /\.([a-z0-9]+)$/i.exec(fileName)?.[1]?.toLowerCase();
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 4096)).toString('latin1');
  if (ext === 'pdf') return head.startsWith('%PDF-') ? 'pdf' : null;
  if (!head.startsWith('PK\u0003\u0004')) return null;
  if (ext === 'odt') return head.slice(30, 38) === 'mimetype' && head.includes('application/vnd.oasis.opendocument.text') ? 'odt' : null;
  if (ext === 'docx') return head.includes('[Content_Types].xml') || Buffer.from(bytes).includes('[Content_Types].xml') ? 'docx' : null;
  return null;
}
