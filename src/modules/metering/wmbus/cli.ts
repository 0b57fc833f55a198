/**
 * `wodnik wmbus decode [--key HEX] [--keys FILE] [HEX...]`: telegrams from the
 * arguments, or one per line on standard input; one JSON object per telegram
 * in input order. Imports only the decoder (no database, no web server).
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createDecoder, toJson } from './index.ts';

const isHexKey = (s: string) => /^[0-9a-fA-F]{32}$/.test(s) || /^[0-9a-fA-F]{16}$/.test(s);

class UsageError extends Error {}

/** keys.csv: lines `id,key` (id as printed, 8 characters; key 32 hex digits, or 16 for DES); a header line is optional. */
export function parseKeysCsv(text: string): Map<string, string> {
  const keys = new Map<string, string>();
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((line, i) => {
    const t = line.trim();
    if (t === '' || t.startsWith('#')) return;
    const [id = '', key = ''] = t.split(/[,;\t]/).map((x) => x.trim().replace(/^"|"$/g, ''));
    if (i === 0 && !isHexKey(key)) return; // header
    if (!/^[0-9a-fA-F]{8}$/.test(id)) throw new UsageError(`keys file line ${i + 1}: meter id must be 8 hex digits, got "${id}"`);
    if (!isHexKey(key)) throw new UsageError(`keys file line ${i + 1}: key must be 32 hex digits`);
    keys.set(id.toLowerCase(), key);
  });
  return keys;
}

export async function decodeCommand(hex: string[], opts: { key?: string; keys?: string }): Promise<void> {
  let keys = new Map<string, string>();
  try {
    if (opts.key !== undefined && !isHexKey(opts.key)) throw new UsageError('--key must be 32 hex digits (AES-128) or 16 (DES)');
    if (opts.keys !== undefined) {
      let text: string;
      try {
        text = readFileSync(opts.keys, 'utf8');
      } catch (e) {
        throw new UsageError(`cannot read keys file ${opts.keys}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      keys = parseKeysCsv(text);
    }
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`wodnik: wmbus.bad_option: ${e.message}\n`);
    process.exitCode = 2;
    return;
  }
  const fallback = opts.key;
  const decoder = createDecoder({ keyFor: (id) => keys.get(id) ?? fallback });
  const line = (t: string) => JSON.stringify(toJson(decoder.decode(t)));

  if (hex.length > 0) {
    process.stdout.write(hex.map(line).join('\n') + '\n');
    return;
  }
  let out: string[] = [];
  const flush = async () => {
    if (out.length === 0) return;
    const chunk = out.join('\n') + '\n';
    out = [];
    if (!process.stdout.write(chunk)) await new Promise((r) => process.stdout.once('drain', r));
  };
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const raw of rl) {
    const t = raw.trim();
    if (t === '' || t.startsWith('#')) continue;
    out.push(line(t));
    if (out.length >= 1000) await flush();
  }
  await flush();
}
