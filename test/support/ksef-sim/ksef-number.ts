/**
 * KSeF numbers and reference numbers as the Ministry forms them
 * (docs/faktury/numer-ksef.md): `NIP-YYYYMMDD-` + 12 upper-case hex + `-` + CRC-8.
 * The CRC-8 (polynomial 0x07, initial value 0x00, no reflection, no final XOR)
 * is computed over the first 32 characters, i.e. the number without `-CC`.
 */
import { randomBytes } from 'node:crypto';

/** CRC-8 with polynomial 0x07 and initial value 0x00, over the UTF-8 bytes of the text. */
export function crc8(text: string): number {
  let crc = 0;
  for (const byte of Buffer.from(text, 'utf8')) {
    crc ^= byte;
    for (let i = 0; i < 8; i++) crc = crc & 0x80 ? ((crc << 1) ^ 0x07) & 0xff : (crc << 1) & 0xff;
  }
  return crc;
}

const hex2 = (n: number): string => n.toString(16).toUpperCase().padStart(2, '0');

const yyyymmdd = (d: Date): string => d.toISOString().slice(0, 10).replaceAll('-', '');

/** A new KSeF number for a seller's invoice accepted on `date` (UTC day). */
export function makeKsefNumber(sellerNip: string, date: Date, technical: string = randomBytes(6).toString('hex')): string {
  const data = `${sellerNip}-${yyyymmdd(date)}-${technical.toUpperCase()}`;
  return `${data}-${hex2(crc8(data))}`;
}

/** The checks of numer-ksef.md: 35 characters, the format, and the CRC-8 of the first 32. */
export function isValidKsefNumber(n: string): boolean {
  if (n.length !== 35 || !/^\d{10}-\d{8}-[0-9A-F]{12}-[0-9A-F]{2}$/.test(n)) return false;
  return hex2(crc8(n.slice(0, 32))) === n.slice(33);
}

/**
 * A reference number in the format the API uses for challenges, sign-ins,
 * sessions, invoices and UPO pages: `YYYYMMDD-XX-` 10 hex `-` 10 hex `-` 2 hex
 * (36 characters, the `ReferenceNumber` schema and the UPO's TNumerReferencyjny).
 * The last two digits are our CRC-8 of the rest (MF does not publish its rule).
 */
export function makeReferenceNumber(kind: 'CR' | 'AU' | 'SO' | 'SB' | 'EE' | 'EU' | 'TK', date = new Date()): string {
  const r = randomBytes(10).toString('hex').toUpperCase();
  const data = `${yyyymmdd(date)}-${kind}-${r.slice(0, 10)}-${r.slice(10, 20)}`;
  return `${data}-${hex2(crc8(data))}`;
}
