/**
 * Test support for the driver unit tests: builds a DriverContext straight from telegram
 * bytes for plain wireless frames (no ELL/AFL), the way the pipeline does, so that the
 * drivers can be tested on their own. Not used by production code.
 */
import type { DriverContext } from '../driver-api.ts';
import { parseRecords } from '../records.ts';

function hexBytes(hex: string): Uint8Array {
  const clean = hex.replace(/[^0-9a-fA-F]/g, '');
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

function mfctText(code: number): string {
  return String.fromCharCode(((code >> 10) & 31) + 64, ((code >> 5) & 31) + 64, (code & 31) + 64);
}

function idText(raw: Uint8Array, at: number): string {
  let s = '';
  for (let i = at + 3; i >= at; i--) s += raw[i].toString(16).padStart(2, '0');
  return s;
}

/**
 * A context for a frame whose CI sits at offset 10. `dataOffset` is where the payload
 * begins (after the TPL header); manufacturer CIs use everything after the CI.
 */
export function contextFromHex(
  hex: string,
  opts: { dataOffset?: number; key?: string; encrypted?: boolean; ciAt?: number } = {},
): DriverContext {
  const raw = hexBytes(hex);
  const code = raw[2] | (raw[3] << 8);
  const ciAt = opts.ciAt ?? 10;
  const ci = raw[ciAt];
  const dataOffset = opts.dataOffset ?? ciAt + (ci === 0x7a ? 5 : ci === 0x72 ? 13 : 1);
  const payload = raw.subarray(dataOffset);
  const standard = !opts.encrypted && (ci === 0x7a || ci === 0x72 || ci === 0x78);
  const parsed = standard ? parseRecords(payload) : { records: [], mfctData: undefined };
  return {
    identity: {
      manufacturer: mfctText(code),
      mfctCode: code,
      id: idText(raw, 4),
      version: raw[8],
      deviceType: raw[9],
    },
    c: raw[1],
    ci,
    ciOffset: ciAt,
    tplStatus: ci === 0x7a ? raw[ciAt + 2] : ci === 0x72 ? raw[ciAt + 10] : undefined,
    payload,
    encrypted: opts.encrypted ?? false,
    records: parsed.records,
    mfctData: parsed.mfctData,
    key: opts.key ? hexBytes(opts.key) : undefined,
    raw,
  };
}

export interface DevVector {
  vector_id: string;
  driver: string;
  key: string | null;
  telegram: string;
  expected: Record<string, unknown>;
  info: { tpl?: { data_offset?: number } };
}

/** The development vectors from ../shared (read in place), by vector id; null when absent. */
export async function loadDevVectors(): Promise<Map<string, DevVector> | null> {
  const { sharedPath } = await import('../../../../../test/support/shared.ts');
  const { readFileSync } = await import('node:fs');
  const p = sharedPath('wmbus/dev_vectors.jsonl');
  if (!p) return null;
  const out = new Map<string, DevVector>();
  for (const line of readFileSync(p, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const v = JSON.parse(line) as DevVector;
    out.set(v.vector_id, v);
  }
  return out;
}

/** A context for one development vector (plain wireless frames only). */
export function contextFromVector(v: DevVector): DriverContext {
  const tpl = v.info.tpl as { data_offset?: number; offset?: number } | undefined;
  return contextFromHex(v.telegram, { dataOffset: tpl?.data_offset, ciAt: tpl?.offset, key: v.key ?? undefined });
}

/** Fields of `expected` that `values` also has and that differ (numbers within 5e-4). */
export function differences(values: Record<string, unknown>, expected: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const [k, want] of Object.entries(expected)) {
    if (!(k in values) || k === 'id' || k === 'media') continue;
    const got = values[k];
    const same = typeof want === 'number' ? typeof got === 'number' && Math.abs(got - want) <= 5e-4 : got === want;
    if (!same) out.push(`${k}: got ${String(got)}, want ${String(want)}`);
  }
  return out;
}
