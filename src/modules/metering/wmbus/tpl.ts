/**
 * The transport layer (EN 13757-7): which CI fields carry no, a short (ACC STS
 * CFG) or a long (ID M VER TYPE ACC STS CFG) header, and what the
 * configuration field says about the security mode.
 */
import type { MeterIdentity } from './driver-api.ts';
import { fail } from './errors.ts';
import { longHeaderIdentity } from './link-layer.ts';

export type TplHeader = 'none' | 'short' | 'long' | 'mfct';

export interface Tpl {
  ci: number;
  header: TplHeader;
  acc?: number;
  sts?: number;
  cfg?: number;
  /** Security mode from CFG bits 8–12 (0 when there is no header). */
  mode: number;
  /** Encrypted blocks (CFG bits 4–7) in modes 5 and 7. */
  blocks: number;
  cfgExt?: number;
  /** Long header: the meter identity it carries, and where its 8 address bytes start (for the IV). */
  identity?: MeterIdentity;
  addressOffset?: number;
  /** Offset of the first byte after the header. */
  dataOffset: number;
  /** Compact frame (0x79/0x7B/0x73): format signature instead of DIF/VIF. */
  compact: boolean;
  /** Format frame (0x69–0x6B): carries a DIF/VIF list and no data. */
  format: boolean;
}

const NONE = new Set([0x78, 0x79, 0x69, 0x70, 0x71, 0x51]);
const SHORT = new Set([0x7a, 0x7b, 0x6a, 0x6e, 0x74, 0x5a, 0x8a]);
const LONG = new Set([0x72, 0x73, 0x6b, 0x6f, 0x75, 0x5b, 0x8b]);
const COMPACT = new Set([0x79, 0x7b, 0x73]);
const FORMAT = new Set([0x69, 0x6a, 0x6b]);

export const isMfctCi = (ci: number) => ci >= 0xa0 && ci <= 0xb7;

export function parseTpl(b: Uint8Array, o: number, end: number): Tpl {
  const ci = b[o];
  // Plain object literals of one shape (no spreads): this runs once per telegram.
  const tpl: Tpl = {
    ci,
    header: 'none',
    acc: undefined,
    sts: undefined,
    cfg: undefined,
    mode: 0,
    blocks: 0,
    cfgExt: undefined,
    identity: undefined,
    addressOffset: undefined,
    dataOffset: o + 1,
    compact: COMPACT.has(ci),
    format: FORMAT.has(ci),
  };
  if (isMfctCi(ci)) {
    tpl.header = 'mfct';
    return tpl;
  }
  if (NONE.has(ci)) return tpl;
  let p = o + 1;
  if (SHORT.has(ci)) {
    tpl.header = 'short';
    if (p + 4 > end) fail('wmbus.truncated', 'TPL short header runs past the end');
  } else if (LONG.has(ci)) {
    tpl.header = 'long';
    if (p + 12 > end) fail('wmbus.truncated', 'TPL long header runs past the end');
    tpl.identity = longHeaderIdentity(b, p);
    tpl.addressOffset = p;
    p += 8;
  } else {
    fail('wmbus.unknown_ci', `unknown CI field 0x${ci.toString(16).padStart(2, '0')}`);
  }
  const cfg = b[p + 2] | (b[p + 3] << 8);
  const mode = (cfg >> 8) & 0x1f;
  tpl.acc = b[p];
  tpl.sts = b[p + 1];
  tpl.cfg = cfg;
  tpl.mode = mode;
  tpl.blocks = (cfg >> 4) & 0x0f;
  tpl.dataOffset = p + 4;
  if (mode === 7) {
    if (p + 5 > end) fail('wmbus.truncated', 'TPL configuration field extension runs past the end');
    tpl.cfgExt = b[p + 4];
    tpl.dataOffset = p + 5;
  }
  return tpl;
}

/**
 * The 8 address bytes M(2) ID(4) VER TYPE that IVs and key derivation use:
 * from the long header when there is one (it stores ID before M), else from the DLL.
 */
export function addressBytes(b: Uint8Array, tpl: Tpl, dllAddressOffset: number): Uint8Array {
  if (tpl.addressOffset !== undefined) {
    const p = tpl.addressOffset;
    return Uint8Array.of(b[p + 4], b[p + 5], b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 6], b[p + 7]);
  }
  return b.subarray(dllAddressOffset, dllAddressOffset + 8);
}

/** The 16-byte mode-5 IV: M(2) A(6) of the meter, then the access number 8 times; written into `into` when given (a reused array), else a fresh one. */
export function mode5Iv(address: Uint8Array, acc: number, into = new Uint8Array(16)): Uint8Array {
  for (let i = 0; i < 8; i++) {
    into[i] = address[i];
    into[8 + i] = acc;
  }
  return into;
}
