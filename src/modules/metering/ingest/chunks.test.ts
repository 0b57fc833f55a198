import { describe, expect, it } from 'vitest';
import { lineBatches, MAX_LINE, OVERLONG_MARK } from './line-reader.ts';
import type { DecodedItem } from './decode-core.ts';
import { RepeatFilter, TelegramBatchBuilder } from './telegram-batch.ts';
import { processChunk } from './walkby-chunk.ts';
import { parseWalkbyLine } from './walkby-format.ts';

async function batches(chunks: string[], size: number): Promise<string[]> {
  const out: string[] = [];
  const src = (async function* () {
    for (const c of chunks) yield Buffer.from(c, 'latin1');
  })();
  for await (const b of lineBatches(src, size)) out.push(Buffer.from(b).toString('latin1'));
  return out;
}

const HEX = '2E4493157856341233037A2A0020052F2F0413A0860100';

describe('lineBatches', () => {
  it('cuts only at line ends, whatever the chunks', async () => {
    const text = Array.from({ length: 50 }, (_, i) => `line ${i}`).join('\n') + '\nlast without newline';
    for (const step of [1, 3, 7, 64, 1000]) {
      const chunks: string[] = [];
      for (let i = 0; i < text.length; i += step) chunks.push(text.slice(i, i + step));
      const out = await batches(chunks, 40);
      expect(out.join('')).toBe(text);
      for (const b of out.slice(0, -1)) expect(b.endsWith('\n')).toBe(true);
    }
  });

  it('turns a line longer than MAX_LINE spanning chunks into one mark, without buffering it', async () => {
    const long = 'x'.repeat(1000);
    const chunks = ['a\nb', ...Array.from({ length: 10 }, () => long), 'tail\nc\n'];
    const out = (await batches(chunks, 1 << 20)).join('');
    expect(out).toBe(`a\n${OVERLONG_MARK}\nc\n`);
    expect(MAX_LINE).toBeLessThan(10 * 1000);
  });
});

describe('processChunk', () => {
  const decode = (): DecodedItem => ({ alarms: [] });
  const builder = () => new TelegramBatchBuilder({ utilityId: 1, source: 'walkby', detail: null, uploadId: null }, () => undefined, new RepeatFilter());
  it('numbers lines within the chunk, finds the header only in the first chunk and reports overlong lines', () => {
    const text = `timestamp;rssi;telegram\nzzz\n${OVERLONG_MARK}\n${'y'.repeat(MAX_LINE + 1)}\n${HEX}\n`;
    const first = processChunk(Buffer.from(text, 'latin1'), { first: true, defaultTime: 0 }, decode, builder);
    expect(first.lines).toBe(5);
    expect(first.received).toBe(1);
    expect(first.badSamples).toEqual([
      { line: 2, reason: 'not hexadecimal' },
      { line: 3, reason: 'line too long' },
      { line: 4, reason: 'line too long' },
    ]);
    const later = processChunk(Buffer.from(text, 'latin1'), { first: false, defaultTime: 0 }, decode, builder);
    expect(later.badSamples[0]).toEqual({ line: 1, reason: 'no telegram in the line' });
    expect(later.badLines).toBe(4);
  });
});

describe('fast path of the line parser', () => {
  it('gives what the general rules give for the common shapes', () => {
    const cases = [
      `2026-11-25T08:15:02Z;-71;${HEX}`,
      `2026-11-25T08:15:02.250Z,-71,${HEX.toLowerCase()}`,
      `2026-11-25T08:15:02Z\t-7\t${HEX}`,
      HEX,
      HEX.toLowerCase(),
    ];
    for (const c of cases) {
      const r = parseWalkbyLine(c);
      // The same line with a trailing separator takes the general path (no fast shape matches it).
      const general = parseWalkbyLine(`${c} `.replace(/^/, ' '));
      expect(r).toEqual(general);
      expect(r.kind).toBe('telegram');
    }
    // Out of range or odd: the general rules decide.
    expect(parseWalkbyLine(`2026-11-25T08:15:02Z;-200;${HEX}`).kind).toBe('bad');
    expect(parseWalkbyLine(`${HEX}0`)).toEqual({ kind: 'bad', reason: 'odd number of hex digits' });
  });
});
