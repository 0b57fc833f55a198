/**
 * The data link layer: wireless frames (EN 13757-4) in format A or B, with or
 * without their block CRCs, and the wired M-Bus long frame (EN 13757-2,
 * `68 L L 68 C A CI … CS 16`). Output: the frame without CRCs, its C field,
 * the DLL identity and where the first CI field sits.
 */
import type { MeterIdentity } from './driver-api.ts';
import { crc16, crcMatches } from './crc.ts';
import { fail } from './errors.ts';

export interface Frame {
  /** The telegram from the L field with DLL CRCs removed (for a wired frame: the whole frame). */
  raw: Uint8Array;
  c: number;
  /** The wireless A/M fields; null for a wired frame (its identity comes from the TPL long header). */
  identity: MeterIdentity | null;
  /** Offset of the M field in raw (8 bytes M+A are the IV's source), -1 for a wired frame. */
  addressOffset: number;
  /** Offset of the first CI field in raw. */
  ciOffset: number;
  /** End of the application data in raw (exclusive). */
  end: number;
  dllCrc: 'none' | 'A' | 'B' | 'checksum';
  /** Bytes after the end the L field gives (receivers append RSSI/LQI or junk); they are left out. */
  extraBytes: number;
  /**
   * For a frame read as format B: the same bytes read as a frame without CRCs.
   * The last two bytes of a CRC-less frame match a format-B CRC once in 65,536
   * frames by chance, so the decoder tries this reading when the other fails.
   */
  withoutCrc?: Frame;
}

const manufacturerCache = new Map<number, string>();

/** The three-letter code packed into the 2-byte M field (each letter 5 bits, 'A' = 1). */
export function manufacturerCode(m: number): string {
  let s = manufacturerCache.get(m);
  if (s === undefined) {
    s = String.fromCharCode(((m >> 10) & 31) + 64, ((m >> 5) & 31) + 64, (m & 31) + 64);
    manufacturerCache.set(m, s);
  }
  return s;
}

/** Character codes of the hex digits 0-9a-f. */
const hexCodes = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));

/** The id as printed on the meter: the 4 address bytes (LSB first) as 8 hex/BCD digits (one string built, not eight). */
export function idString(b: Uint8Array, o: number): string {
  const b3 = b[o + 3];
  const b2 = b[o + 2];
  const b1 = b[o + 1];
  const b0 = b[o];
  return String.fromCharCode(hexCodes[b3 >> 4], hexCodes[b3 & 15], hexCodes[b2 >> 4], hexCodes[b2 & 15], hexCodes[b1 >> 4], hexCodes[b1 & 15], hexCodes[b0 >> 4], hexCodes[b0 & 15]);
}

/** Identity from 8 bytes M(2) ID(4) version type at offset o. */
export function identityAt(b: Uint8Array, o: number): MeterIdentity {
  const mfctCode = b[o] | (b[o + 1] << 8);
  return { manufacturer: manufacturerCode(mfctCode), mfctCode, id: idString(b, o + 2), version: b[o + 6], deviceType: b[o + 7] };
}

/** Identity from a TPL long header: ID(4) M(2) version type at offset o. */
export function longHeaderIdentity(b: Uint8Array, o: number): MeterIdentity {
  const mfctCode = b[o + 4] | (b[o + 5] << 8);
  return { manufacturer: manufacturerCode(mfctCode), mfctCode, id: idString(b, o), version: b[o + 6], deviceType: b[o + 7] };
}

export function parseFrame(bytes: Uint8Array): Frame {
  if (bytes[0] === 0x68 && bytes.length >= 4 && bytes[3] === 0x68 && bytes[1] === bytes[2]) return wiredLongFrame(bytes);
  const n = bytes.length;
  if (n < 11) fail('wmbus.truncated', `a telegram needs at least 11 bytes, got ${n}`);
  const l = bytes[0];
  if (l < 10) fail('wmbus.length', `L field ${l} is too small for a telegram`);
  const frameA = formatALength(l);
  if (n === frameA && frameA !== l + 1) {
    if (!formatACrcsOk(bytes, l)) fail('wmbus.crc', 'DLL CRC (frame format A) does not match');
    return wireless(stripFormatA(bytes, l), 'A');
  }
  if (n === l + 1) {
    const stripped = formatBStripped(bytes);
    if (stripped) {
      const frame = wireless(stripped, 'B');
      frame.withoutCrc = wireless(bytes, 'none');
      return frame;
    }
    return wireless(bytes, 'none');
  }
  if (n < l + 1) fail('wmbus.truncated', `L field says ${l + 1} bytes, got ${n}`);
  // More bytes than the L field says and not a CRC layout: decode the L field's
  // bytes (as wmbusmeters does, it only warns) and report the extra ones.
  const frame = wireless(bytes.subarray(0, l + 1), 'none');
  frame.extraBytes = n - l - 1;
  return frame;
}

/** Whole length of a format-A frame with L field l: 10-byte first block, 16-byte blocks, 2 CRC bytes each. */
function formatALength(l: number): number {
  const rest = l - 9;
  return 1 + l + 2 * (1 + Math.ceil(rest / 16));
}

function formatACrcsOk(b: Uint8Array, l: number): boolean {
  if (!crcMatches(b, 0, 10)) return false;
  let remaining = l - 9;
  let o = 12;
  while (remaining > 0) {
    const size = remaining < 16 ? remaining : 16;
    if (!crcMatches(b, o, o + size)) return false;
    o += size + 2;
    remaining -= size;
  }
  return true;
}

function stripFormatA(b: Uint8Array, l: number): Uint8Array {
  const out = new Uint8Array(l + 1);
  out.set(b.subarray(0, 10), 0);
  let remaining = l - 9;
  let o = 12;
  let w = 10;
  while (remaining > 0) {
    const size = remaining < 16 ? remaining : 16;
    out.set(b.subarray(o, o + size), w);
    w += size;
    o += size + 2;
    remaining -= size;
  }
  return out;
}

/**
 * Format B: the L field counts the CRC bytes; the first CRC covers up to 126
 * bytes from the L field, a second one the rest. Returns the frame without
 * CRCs (L corrected) when the CRCs match, else null (then the frame has none).
 */
function formatBStripped(b: Uint8Array): Uint8Array | null {
  const n = b.length;
  if (n < 13) return null;
  if (n <= 128) {
    if (!crcMatches(b, 0, n - 2)) return null;
    const out = new Uint8Array(b.subarray(0, n - 2)); // a copy (Buffer#slice would alias the caller's bytes)
    out[0] = b[0] - 2;
    return out;
  }
  if (!crcMatches(b, 0, 126) || !crcMatches(b, 128, n - 2)) return null;
  const out = new Uint8Array(n - 4);
  out.set(b.subarray(0, 126), 0);
  out.set(b.subarray(128, n - 2), 126);
  out[0] = b[0] - 4;
  return out;
}

function wireless(raw: Uint8Array, dllCrc: Frame['dllCrc']): Frame {
  return { raw, c: raw[1], identity: identityAt(raw, 2), addressOffset: 2, ciOffset: 10, end: raw.length, dllCrc, extraBytes: 0 };
}

function wiredLongFrame(b: Uint8Array): Frame {
  const l = b[1];
  if (b.length < l + 6) fail('wmbus.truncated', `M-Bus long frame says ${l + 6} bytes, got ${b.length}`);
  if (b.length > l + 6) fail('wmbus.length', `M-Bus long frame says ${l + 6} bytes, got ${b.length}`);
  if (l < 3) fail('wmbus.length', 'M-Bus long frame too short');
  let sum = 0;
  for (let i = 4; i < 4 + l; i++) sum = (sum + b[i]) & 0xff;
  if (sum !== b[4 + l] || b[5 + l] !== 0x16) fail('wmbus.crc', 'M-Bus long frame checksum or stop byte does not match');
  return { raw: b, c: b[4], identity: null, addressOffset: -1, ciOffset: 6, end: 4 + l, dllCrc: 'checksum', extraBytes: 0 };
}

export { crc16 };
