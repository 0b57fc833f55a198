/**
 * Hashing and comparing the providers' signatures: pure, shared by the
 * adapters and by the test simulators (which must compute the very same
 * values from the published rules).
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Przelewy24's `sign`: SHA-384 (hex) of the JSON of the named fields in the
 * documented order. P24's docs say to encode it like PHP's json_encode with
 * JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES, which is what
 * JSON.stringify writes (no escaped "/" and no \u escapes for Polish letters).
 * https://developers.przelewy24.pl/index.php?en#tag/Transaction-service-API
 */
export function p24Sign(fields: Array<[string, string | number]>): string {
  const json = JSON.stringify(Object.fromEntries(fields));
  return createHash('sha384').update(json, 'utf8').digest('hex');
}

/**
 * PayU's notification signature: hash(body + second key) in hex, MD5 or
 * SHA-256 as the header's `algorithm` says.
 * https://developers.payu.com/europe/docs/payment-flows/lifecycle#notifications
 * ("Verifying notification signature": concatenated = JSONnotification + second_key).
 */
export function payuSignature(body: string, secondKey: string, algorithm: 'MD5' | 'SHA-256'): string {
  return createHash(algorithm === 'MD5' ? 'md5' : 'sha256').update(body + secondKey, 'utf8').digest('hex');
}

/** PayU's `OpenPayu-Signature: sender=…;signature=…;algorithm=…;content=DOCUMENT` as a map. */
export function parseOpenPayuSignature(header: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i).trim().toLowerCase()] = part.slice(i + 1).trim();
  }
  return out;
}

/** Constant-time comparison of two hex strings (case-insensitive). */
export function sameHex(a: string, b: string): boolean {
  const x = Buffer.from(a.toLowerCase(), 'utf8');
  const y = Buffer.from(b.toLowerCase(), 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
