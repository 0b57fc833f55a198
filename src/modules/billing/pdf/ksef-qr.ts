/**
 * KSeF's verification code "KOD I" (../shared/ksef/docs/kody-qr.md, the
 * Ministry of Finance's KSeF 2.0 guide, section "1. KOD I – Weryfikacja i
 * pobieranie faktury"): a link
 *
 *   <environment>/invoice/<seller's NIP>/<issue date P_1 as DD-MM-RRRR>/<SHA-256 of the invoice file, Base64URL>
 *
 * e.g. https://qr-test.ksef.mf.gov.pl/invoice/1111111111/01-02-2026/UtQp9Gpc51y-u3xApZjIjgkpZ01js-J8KflSPW8WzIE
 *
 * The hash is of the XML bytes exactly as sent (stored in invoices.xml),
 * never of a rebuilt document. Under the code goes the invoice's KSeF number,
 * or "OFFLINE" while it has none.
 */
import { createHash } from 'node:crypto';

/** Addresses of the QR service per KSeF environment (kody-qr.md, "Środowiska"). */
export const KSEF_QR_BASE = {
  test: 'https://qr-test.ksef.mf.gov.pl',
  demo: 'https://qr-demo.ksef.mf.gov.pl',
  prod: 'https://qr.ksef.mf.gov.pl',
} as const;
export type KsefEnvironment = keyof typeof KSEF_QR_BASE;

/** SHA-256 in Base64URL without padding (RFC 4648 §5), as KOD I carries it. */
export function invoiceHash(xml: Uint8Array): string {
  return createHash('sha256').update(xml).digest('base64url');
}

export function ksefVerificationUrl(env: KsefEnvironment, sellerNip: string, issueDate: string, xml: Uint8Array): string {
  const [y, m, d] = issueDate.split('-');
  const nip = sellerNip.replace(/[\s-]/g, '').replace(/^PL/i, '');
  return `${KSEF_QR_BASE[env]}/invoice/${nip}/${d}-${m}-${y}/${invoiceHash(xml)}`;
}

/** The environment from KSEF_ENV (test | demo | prod); production when unset. */
export function ksefEnvironment(value = process.env.KSEF_ENV): KsefEnvironment {
  return value === 'test' || value === 'demo' ? value : 'prod';
}
