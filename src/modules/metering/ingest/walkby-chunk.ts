/**
 * One chunk of a walk-by file (whole lines, as bytes) → a telegram batch: the
 * lines parsed, the hex turned into bytes, decrypted and decoded, matched to
 * meters and written as the batch's log text, quarantine rows and reading
 * candidates. Runs in a decode worker thread (or inline for small files); the
 * same code either way.
 */
import type { DecodedItem } from './decode-core.ts';
import type { TelegramBatch, TelegramBatchBuilder } from './telegram-batch.ts';
import { MAX_LINE, OVERLONG_MARK } from './line-reader.ts';
import { parseWalkbyLine } from './walkby-format.ts';

const MAX_BAD_SAMPLES = 100;

export interface ChunkResult extends TelegramBatch {
  lines: number;
  badLines: number;
  /** Line numbers relative to the chunk (from 1). */
  badSamples: Array<{ line: number; reason: string }>;
}

export function processChunk(
  buf: Uint8Array,
  opts: { first: boolean; defaultTime: number },
  decode: (bytes: Uint8Array) => DecodedItem,
  builderFor: (capacity: number) => TelegramBatchBuilder,
): ChunkResult {
  const text = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString('latin1');
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const builder = builderFor(lines.length || 1);
  let badLines = 0;
  const badSamples: ChunkResult['badSamples'] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const r = line === OVERLONG_MARK || line.length > MAX_LINE ? ({ kind: 'bad', reason: 'line too long' } as const) : parseWalkbyLine(line, opts.first && i === 0 ? 1 : 2);
    if (r.kind === 'telegram') {
      const bytes = Buffer.from(r.hex, 'hex');
      builder.add(r.hex, bytes, r.receivedAt ? r.receivedAt.getTime() : opts.defaultTime, r.rssi, decode(bytes));
    } else if (r.kind === 'bad') {
      badLines++;
      if (badSamples.length < MAX_BAD_SAMPLES) badSamples.push({ line: i + 1, reason: r.reason });
    }
  }
  return { ...builder.finish(), lines: lines.length, badLines, badSamples };
}
