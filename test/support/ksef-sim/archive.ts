/**
 * Reading the invoice files out of a batch package: ZIP (fflate, see README)
 * or tar.gz (node's zlib and the plain ustar layout). Directories and
 * non-XML entries are ignored, as KSeF takes the invoices from `*.xml` files.
 */
import { gunzipSync } from 'node:zlib';
import { unzipSync } from 'fflate';

export interface ArchiveFile { name: string; bytes: Buffer }

export function readArchive(bytes: Buffer, compression: 'Zip' | 'TarGz'): ArchiveFile[] {
  const files = compression === 'Zip' ? Object.entries(unzipSync(bytes)).map(([name, b]) => ({ name, bytes: Buffer.from(b) })) : readTar(gunzipSync(bytes));
  return files.filter((f) => !f.name.endsWith('/') && f.name.toLowerCase().endsWith('.xml'));
}

function readTar(tar: Buffer): ArchiveFile[] {
  const out: ArchiveFile[] = [];
  let pos = 0;
  while (pos + 512 <= tar.length) {
    const header = tar.subarray(pos, pos + 512);
    if (header.every((b) => b === 0)) break;
    const field = (from: number, len: number) => header.subarray(from, from + len).toString('utf8').replace(/\0.*$/s, '');
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1);
    const prefix = field(345, 155);
    const name = (prefix ? `${prefix}/` : '') + field(0, 100);
    if (!Number.isFinite(size) || size < 0 || pos + 512 + size > tar.length) throw new Error('Uszkodzone archiwum tar.');
    if (type === '0' || type === '') out.push({ name, bytes: Buffer.from(tar.subarray(pos + 512, pos + 512 + size)) });
    pos += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}
