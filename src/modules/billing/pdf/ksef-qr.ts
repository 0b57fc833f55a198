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
 *
 * KOD II (same document, "2. KOD II - Weryfikacja certyfikatu"), only on
 * invoices issued offline: a link
 *
 *   <environment>/certificate/<context type>/<context value>/<seller's NIP>/<certificate serial>/<invoice hash>/<signature>
 *
 * whose signature, with the private key of the issuer's KSeF certificate of
 * type Offline, is over the link without "https://" (and without a trailing
 * "/"): RSASSA-PSS (SHA-256, MGF1 SHA-256, 32-byte salt) for an RSA key,
 * ECDSA P-256 SHA-256 as IEEE P1363 r||s (the format the guide recommends)
 * for an EC key; Base64URL. Under the code goes "CERTYFIKAT".
 */
import { createHash, constants, sign, verify, type KeyObject } from 'node:crypto';

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

/** The QR environment of a utility's KSeF environment (ksef_settings.environment). */
export function qrEnvironmentOf(env: 'test' | 'demo' | 'production'): KsefEnvironment {
  return env === 'production' ? 'prod' : env;
}

/** The environment from KSEF_ENV (test | demo | prod); production when unset. */
export function ksefEnvironment(value = process.env.KSEF_ENV): KsefEnvironment {
  return value === 'test' || value === 'demo' ? value : 'prod';
}

/** The context a KOD II names (uwierzytelnianie.md's ContextIdentifier types). */
export type KsefContextType = 'Nip' | 'InternalId' | 'NipVatUe' | 'PeppolId';

export interface CertificateCodeInput {
  env: KsefEnvironment;
  contextType: KsefContextType;
  contextValue: string;
  sellerNip: string;
  /** The offline certificate's serial number, hex as the certificate gives it. */
  certificateSerial: string;
  /** SHA-256 of the invoice file, Base64URL (the same as in KOD I). */
  invoiceHash: string;
}

/** The signed part of a KOD II link: host and path, no scheme, no trailing slash. */
export function certificateCodePath(i: CertificateCodeInput): string {
  const host = KSEF_QR_BASE[i.env].replace(/^https:\/\//, '');
  return `${host}/certificate/${i.contextType}/${i.contextValue}/${i.sellerNip}/${i.certificateSerial}/${i.invoiceHash}`;
}

/** Signs a KOD II path as kody-qr.md asks (RSA-PSS or ECDSA P-256 in P1363), Base64URL. */
export function signCertificateCodePath(path: string, privateKey: KeyObject): string {
  const data = Buffer.from(path, 'utf8');
  if (privateKey.asymmetricKeyType === 'rsa') {
    return sign('sha256', data, { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }).toString('base64url');
  }
  if (privateKey.asymmetricKeyType === 'ec' && privateKey.asymmetricKeyDetails?.namedCurve === 'prime256v1') {
    return sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url');
  }
  throw new Error('KOD II is signed with an RSA or an ECDSA P-256 key');
}

/** The whole KOD II link of an offline invoice. */
export function certificateVerificationUrl(i: CertificateCodeInput, privateKey: KeyObject): string {
  const path = certificateCodePath(i);
  return `https://${path}/${signCertificateCodePath(path, privateKey)}`;
}

/**
 * Checks a KOD II link's signature with the certificate's public key, as
 * KSeF does after the scan (either ECDSA encoding the guide allows). Returns
 * the link's parts, or null when it is not a KOD II link or the signature fails.
 */
export function verifyCertificateUrl(url: string, publicKey: KeyObject): { path: string; parts: string[] } | null {
  const m = /^https:\/\/(.+)\/([A-Za-z0-9_-]+)$/.exec(url);
  if (!m) return null;
  const path = m[1]!;
  const parts = path.split('/');
  if (parts[1] !== 'certificate' || parts.length !== 7) return null;
  const sig = Buffer.from(m[2]!, 'base64url');
  const data = Buffer.from(path, 'utf8');
  const ok =
    publicKey.asymmetricKeyType === 'rsa'
      ? verify('sha256', data, { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, sig)
      : verify('sha256', data, { key: publicKey, dsaEncoding: sig.length === 64 ? 'ieee-p1363' : 'der' }, sig);
  return ok ? { path, parts } : null;
}
