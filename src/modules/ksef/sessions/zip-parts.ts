/**
 * A batch session's package (../shared/ksef/docs/sesja-wsadowa.md): the
 * invoices' XML files in one ZIP, split binarily into parts of at most
 * `maxPartBytes` (KSeF: 100 MB before encryption, at most 50 parts), each
 * part AES-256-CBC encrypted with the session key. KSeF wants the ZIP's hash
 * and size and each encrypted part's hash and size when the session opens,
 * before any part is sent, so the parts are written to temporary files as
 * the ZIP streams out of yazl: memory holds one invoice and one chunk, never
 * the package.
 */
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHash, type Cipher, type Hash } from 'node:crypto';
import yazl from 'yazl';
import { aesCbcCipher, type SessionKey } from '../crypto.ts';

export const MAX_PART_BYTES = 100_000_000;
export const MAX_PARTS = 50;

export interface PartFile {
  ordinalNumber: number;
  path: string;
  fileSize: number;
  fileHash: string;
}

export interface Package {
  dir: string;
  zip: { fileSize: number; fileHash: string };
  parts: PartFile[];
  /** Removes the temporary files. */
  dispose(): void;
}

export interface PackageEntry {
  fileName: string;
  xml: Uint8Array;
}

class PartWriter {
  parts: PartFile[] = [];
  private fd = -1;
  private cipher: Cipher | null = null;
  private hash: Hash | null = null;
  private inPart = 0;
  private size = 0;

  constructor(private readonly dir: string, private readonly key: SessionKey, private readonly maxPartBytes: number) {}

  private out(buf: Buffer) {
    if (buf.length === 0) return;
    writeSync(this.fd, buf);
    this.hash!.update(buf);
    this.size += buf.length;
  }

  private start() {
    const n = this.parts.length + 1;
    if (n > MAX_PARTS) throw new Error(`the package needs more than ${MAX_PARTS} parts`);
    const p = path.join(this.dir, `part_${n}.zip.aes`);
    this.fd = openSync(p, 'w');
    this.cipher = aesCbcCipher(this.key);
    this.hash = createHash('sha256');
    this.inPart = 0;
    this.size = 0;
    this.parts.push({ ordinalNumber: n, path: p, fileSize: 0, fileHash: '' });
  }

  private finish() {
    if (!this.cipher) return;
    this.out(this.cipher.final());
    closeSync(this.fd);
    const last = this.parts[this.parts.length - 1]!;
    last.fileSize = this.size;
    last.fileHash = this.hash!.digest('base64');
    this.cipher = null;
  }

  write(chunk: Buffer) {
    let off = 0;
    while (off < chunk.length) {
      if (!this.cipher || this.inPart >= this.maxPartBytes) {
        this.finish();
        this.start();
      }
      const take = Math.min(chunk.length - off, this.maxPartBytes - this.inPart);
      this.out(this.cipher!.update(chunk.subarray(off, off + take)));
      this.inPart += take;
      off += take;
    }
  }

  end() {
    this.finish();
  }
}

/** Builds the encrypted parts of a package from the entries (read lazily, one at a time). */
export async function buildPackage(entries: AsyncIterable<PackageEntry>, key: SessionKey, opts: { maxPartBytes?: number } = {}): Promise<Package> {
  const dir = mkdtempSync(path.join(tmpdir(), 'wodnik-ksef-'));
  const dispose = () => rmSync(dir, { recursive: true, force: true });
  try {
    const writer = new PartWriter(dir, key, opts.maxPartBytes ?? MAX_PART_BYTES);
    const zipHash = createHash('sha256');
    let zipSize = 0;
    const zip = new yazl.ZipFile();
    const done = new Promise<void>((resolve, reject) => {
      zip.outputStream.on('data', (chunk: Buffer) => {
        try {
          zipHash.update(chunk);
          zipSize += chunk.length;
          writer.write(chunk);
        } catch (err) {
          reject(err);
        }
      });
      zip.outputStream.on('end', resolve);
      zip.outputStream.on('error', reject);
    });
    for await (const e of entries) {
      zip.addBuffer(Buffer.from(e.xml), e.fileName, { compress: true });
      // Let the stream drain the entry before the next is read: bounded memory.
      await new Promise((r) => setImmediate(r));
    }
    zip.end();
    await done;
    writer.end();
    return { dir, zip: { fileSize: zipSize, fileHash: zipHash.digest('base64') }, parts: writer.parts, dispose };
  } catch (err) {
    dispose();
    throw err;
  }
}
