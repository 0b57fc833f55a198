/**
 * Keys that manufacturers publish as factory defaults. The pipeline tries
 * them only after the meter's own key (or when none is known), and only the
 * 2F2F check decides: a default key that does not fit changes nothing.
 */
import type { DriverContext } from './driver-api.ts';
import { diehlDefaultOmsKey } from './drivers/diehl.ts';

export type DefaultKeyContext = Pick<DriverContext, 'identity' | 'c' | 'ci' | 'tplConfig' | 'raw' | 'ciOffset'>;

const providers: ((ctx: DefaultKeyContext) => Uint8Array | null)[] = [diehlDefaultOmsKey];

export function defaultKeys(ctx: DefaultKeyContext): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const p of providers) {
    const k = p(ctx);
    if (k && k.length === 16) out.push(k);
  }
  return out;
}
