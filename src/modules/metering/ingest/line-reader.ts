/**
 * Streams the lines of a walk-by file, never holding the whole file: chunks
 * are split on newlines as they arrive, a gzip file (magic 1F 8B) is
 * unpacked on the fly, and an overlong "line" (a binary file, a 100 MB blob
 * without newlines) is cut off at MAX_LINE and reported instead of buffered.
 */
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { asBuffer } from '../../../db/bytea.ts';
import { badRequest } from '../../../lib/errors.ts';

export const MAX_LINE = 4096;
/** lineBatches replaces a line longer than MAX_LINE that spans chunks by this one character. */
export const OVERLONG_MARK = '\u0000';

export interface Line {
  no: number;
  /** The text, or null when the line was longer than MAX_LINE (its text is dropped). */
  text: string | null;
}

export async function* unpacked(source: AsyncIterable<Buffer | Uint8Array | string>): AsyncGenerator<Buffer> {
  const it = source[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done) return;
  const head = toBuffer(first.value);
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
    const rest = (async function* () {
      yield head;
      for (let r = await it.next(); !r.done; r = await it.next()) yield toBuffer(r.value);
    })();
    const gz = Readable.from(rest).pipe(createGunzip());
    try {
      for await (const c of gz) yield c as Buffer;
    } catch {
      throw badRequest('walkby.bad_gzip', 'Plik .gz jest uszkodzony lub niekompletny.', 'The .gz file is damaged or incomplete.');
    }
    return;
  }
  yield head;
  for (let r = await it.next(); !r.done; r = await it.next()) yield toBuffer(r.value);
}

function toBuffer(c: Buffer | Uint8Array | string): Buffer {
  return typeof c === 'string' ? Buffer.from(c, 'latin1') : asBuffer(c);
}

/** Yields the file's lines in groups (one group per incoming chunk, maybe empty), numbered from 1. */
export async function* readLines(source: AsyncIterable<Buffer | Uint8Array | string>): AsyncGenerator<Line[]> {
  let no = 0;
  let partial: Buffer[] = [];
  let partialLen = 0;
  let overlong = false;
  for await (const chunk of unpacked(source)) {
    const out: Line[] = [];
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      const end = nl < 0 ? chunk.length : nl;
      const piece = chunk.subarray(start, end);
      if (!overlong) {
        if (partialLen + piece.length > MAX_LINE) {
          overlong = true;
          partial = [];
          partialLen = 0;
        } else if (piece.length > 0) {
          partial.push(piece);
          partialLen += piece.length;
        }
      }
      if (nl < 0) {
        // Keep a copy: the chunk's memory may be reused by the stream.
        if (!overlong && partial.length > 0) partial[partial.length - 1] = Buffer.from(partial[partial.length - 1]);
        break;
      }
      no++;
      out.push({ no, text: overlong ? null : Buffer.concat(partial, partialLen).toString('latin1').replace(/\r$/, '') });
      partial = [];
      partialLen = 0;
      overlong = false;
      start = nl + 1;
    }
    // Also an empty group: the reader can count bytes and give up on a file without telegrams.
    yield out;
  }
  if (overlong || partialLen > 0) {
    no++;
    yield [{ no, text: overlong ? null : Buffer.concat(partial, partialLen).toString('latin1').replace(/\r$/, '') }];
  }
}

/**
 * Cuts the byte stream into batches of whole lines (about batchBytes each) as
 * fresh buffers that can be transferred to a worker. A line longer than
 * MAX_LINE that spans chunks is not buffered: it becomes OVERLONG_MARK.
 */
export async function* lineBatches(source: AsyncIterable<Buffer>, batchBytes: number): AsyncGenerator<Uint8Array> {
  let parts: Buffer[] = [];
  let size = 0;
  let carry: Buffer[] = [];
  let carryLen = 0;
  let skipping = false;
  const take = (): Uint8Array => {
    const out = new Uint8Array(size);
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    parts = [];
    size = 0;
    return out;
  };
  const push = (b: Buffer) => {
    if (b.length === 0) return;
    parts.push(b);
    size += b.length;
  };
  for await (let chunk of source) {
    if (skipping) {
      const nl = chunk.indexOf(0x0a);
      if (nl < 0) continue;
      skipping = false;
      push(MARK_LINE);
      chunk = chunk.subarray(nl + 1);
    }
    const last = chunk.lastIndexOf(0x0a);
    if (last < 0) {
      carry.push(Buffer.from(chunk)); // the stream may reuse the chunk's memory
      carryLen += chunk.length;
      if (carryLen > MAX_LINE) {
        skipping = true;
        carry = [];
        carryLen = 0;
      }
      continue;
    }
    for (const c of carry) push(c);
    carry = [];
    carryLen = 0;
    push(chunk.subarray(0, last + 1));
    if (size >= batchBytes) yield take();
    const rest = chunk.subarray(last + 1);
    if (rest.length) {
      carry.push(Buffer.from(rest));
      carryLen = rest.length;
    }
  }
  if (skipping) push(MARK_LINE);
  for (const c of carry) push(c);
  if (size > 0) yield take();
}

const MARK_LINE = Buffer.from(`${OVERLONG_MARK}\n`, 'latin1');
