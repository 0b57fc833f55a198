/**
 * What one walk-by file may hold once unpacked: a 1 MB gzip can hold 1 GiB
 * of newlines, so the limits count what comes out of the decompressor and
 * stop it as soon as one is passed, never after. Configurable (README):
 * WODNIK_WALKBY_MAX_BYTES, WODNIK_WALKBY_MAX_LINES, and on the embedded
 * database WODNIK_WALKBY_COMMIT_BYTES (how much is committed per transaction).
 */
import { AppError } from '../../../lib/errors.ts';

export interface WalkbyLimits {
  /** Unpacked bytes. */
  maxBytes: number;
  maxLines: number;
  /** Embedded database: unpacked bytes per committed batch (about 100 bytes a telegram). */
  commitBytes: number;
}

/** 512 MiB and 5 million lines: five times the largest walk-by session we have seen (a million telegrams, ~100 MB). */
export const DEFAULT_LIMITS: WalkbyLimits = { maxBytes: 512 * 1024 * 1024, maxLines: 5_000_000, commitBytes: 100_000 };

function positive(env: Record<string, string | undefined>, name: string, dflt: number): number {
  const v = env[name];
  if (v === undefined || v.trim() === '') return dflt;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`${name} must be a positive whole number, got "${v}"`);
  return n;
}

export function walkbyLimits(env: Record<string, string | undefined> = process.env): WalkbyLimits {
  return {
    maxBytes: positive(env, 'WODNIK_WALKBY_MAX_BYTES', DEFAULT_LIMITS.maxBytes),
    maxLines: positive(env, 'WODNIK_WALKBY_MAX_LINES', DEFAULT_LIMITS.maxLines),
    commitBytes: positive(env, 'WODNIK_WALKBY_COMMIT_BYTES', DEFAULT_LIMITS.commitBytes),
  };
}

export function tooLarge(limits: WalkbyLimits, what: 'bytes' | 'lines'): AppError {
  const mb = (limits.maxBytes / 1024 / 1024).toFixed(0);
  const lines = limits.maxLines.toLocaleString('pl-PL');
  return new AppError(
    'too_large',
    'walkby.too_large',
    what === 'bytes'
      ? { pl: `Plik po rozpakowaniu jest większy niż ${mb} MB. Nic nie zapisano.`, en: `The file is larger than ${mb} MB once unpacked. Nothing was saved.` }
      : { pl: `Plik ma więcej niż ${lines} wierszy. Nic nie zapisano.`, en: `The file has more than ${limits.maxLines} lines. Nothing was saved.` },
    { maxBytes: limits.maxBytes, maxLines: limits.maxLines },
  );
}

/** Passes the unpacked chunks through, counting bytes and line ends; throws walkby.too_large the moment a limit is passed. */
export async function* limited(source: AsyncIterable<Buffer>, limits: WalkbyLimits): AsyncGenerator<Buffer> {
  let bytes = 0;
  let lines = 0;
  for await (const c of source) {
    bytes += c.length;
    if (bytes > limits.maxBytes) throw tooLarge(limits, 'bytes');
    for (let i = c.indexOf(0x0a); i >= 0; i = c.indexOf(0x0a, i + 1)) {
      // A last line without its line end is counted by nobody: at most one more than maxLines.
      if (++lines > limits.maxLines) throw tooLarge(limits, 'lines');
    }
    yield c;
  }
}
