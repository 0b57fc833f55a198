/**
 * Test support: builds OMS water-meter telegrams the way a radio module sends
 * them (EN 13757-4 link layer, CI 0x7A short transport header, security mode 5
 * = AES-128-CBC with the IV from the header), for tests and the benchmark.
 * Not used by the server.
 */
import { createCipheriv } from 'node:crypto';

export interface TelegramSpec {
  manufacturer: string;
  /** 8 printed digits. */
  id: string;
  version?: number;
  /** 0x07 water. */
  deviceType?: number;
  accessNumber?: number;
  /** TPL status byte. */
  status?: number;
  /** Volume in m³ (stored as litres, VIF 0x13). */
  totalM3: number;
  /** The meter's clock, civil time (record 04 6D, type F). */
  meterDatetime?: { y: number; mo: number; d: number; h: number; mi: number };
  /** A target (billing) date (record 42 6C, type G, storage 1) with its volume (44 13). */
  target?: { m3: number; y: number; mo: number; d: number };
  /** Error flags record (01 FD 17), one byte. */
  errorFlags?: number;
  /** 16-byte AES key; without it the telegram goes out unencrypted (mode 0). */
  key?: Uint8Array;
}

export interface KamstrupSpec {
  id: string;
  totalM3: number;
  meterDatetime?: { y: number; mo: number; d: number; h: number; mi: number };
  /** Alarm bits of record 02 FF 20: 1 dry, 2 reverse, 4 leak, 8 burst. */
  alarms: number;
  /** Newer meters' 32-bit status record 04 FF 23 (0x10 tamper, 0x20 low battery). */
  status32?: number;
}

/** A Kamstrup (KAM, cold water) full frame, CI 0x78, unencrypted, with its alarm record 02 FF 20. */
export function buildKamstrupTelegram(spec: KamstrupSpec): Uint8Array {
  const m = manufacturerCode('KAM');
  const a = address({ manufacturer: 'KAM', id: spec.id, totalM3: 0, version: 0x1b, deviceType: 0x16 });
  const records = [0x02, 0xff, 0x20, spec.alarms & 0xff, (spec.alarms >> 8) & 0xff, 0x04, 0x13, ...u32le(Math.round(spec.totalM3 * 1000))];
  if (spec.status32 !== undefined) records.push(0x04, 0xff, 0x23, ...u32le(spec.status32));
  if (spec.meterDatetime) records.push(0x04, 0x6d, ...typeF(spec.meterDatetime));
  const body = [0x44, m & 0xff, m >> 8, ...a, 0x78, ...records];
  return Uint8Array.from([body.length, ...body]);
}

export function manufacturerCode(m: string): number {
  const c = m.toUpperCase();
  return ((c.charCodeAt(0) - 64) << 10) | ((c.charCodeAt(1) - 64) << 5) | (c.charCodeAt(2) - 64);
}

function u32le(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
}

function typeF(t: { y: number; mo: number; d: number; h: number; mi: number }): number[] {
  const y = t.y - 2000;
  return [t.mi & 0x3f, t.h & 0x1f, (t.d & 0x1f) | ((y & 0x07) << 5), (t.mo & 0x0f) | ((y >> 3) << 4)];
}

function typeG(t: { y: number; mo: number; d: number }): number[] {
  const y = t.y - 2000;
  return [(t.d & 0x1f) | ((y & 0x07) << 5), (t.mo & 0x0f) | ((y >> 3) << 4)];
}

/** The link-layer address: id as BCD little-endian, version, device type. */
function address(spec: TelegramSpec): number[] {
  if (!/^\d{8}$/.test(spec.id)) throw new Error('id must be 8 digits');
  const bcd = [6, 4, 2, 0].map((i) => parseInt(spec.id.slice(i, i + 2), 16));
  return [...bcd, spec.version ?? 0x01, spec.deviceType ?? 0x07];
}

export function buildTelegram(spec: TelegramSpec): Uint8Array {
  const m = manufacturerCode(spec.manufacturer);
  const mBytes = [m & 0xff, m >> 8];
  const a = address(spec);
  const acc = (spec.accessNumber ?? 1) & 0xff;

  const records: number[] = [0x04, 0x13, ...u32le(Math.round(spec.totalM3 * 1000))];
  if (spec.meterDatetime) records.push(0x04, 0x6d, ...typeF(spec.meterDatetime));
  if (spec.target) records.push(0x44, 0x13, ...u32le(Math.round(spec.target.m3 * 1000)), 0x42, 0x6c, ...typeG(spec.target));
  if (spec.errorFlags !== undefined) records.push(0x01, 0xfd, 0x17, spec.errorFlags & 0xff);

  let payload: number[];
  let cfg: number[];
  if (spec.key) {
    const plain = [0x2f, 0x2f, ...records];
    while (plain.length % 16 !== 0) plain.push(0x2f);
    const iv = Buffer.from([...mBytes, ...a, ...new Array(8).fill(acc)]);
    const c = createCipheriv('aes-128-cbc', spec.key, iv);
    c.setAutoPadding(false);
    payload = [...c.update(Buffer.from(plain)), ...c.final()];
    const blocks = plain.length / 16;
    cfg = [(blocks << 4) & 0xf0, 0x05];
  } else {
    payload = records;
    cfg = [0x00, 0x00];
  }
  const body = [0x44, ...mBytes, ...a, 0x7a, acc, spec.status ?? 0x00, ...cfg, ...payload];
  return Uint8Array.from([body.length, ...body]);
}

export function toHex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex').toUpperCase();
}
