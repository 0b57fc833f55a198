/**
 * The utility's KSeF certificate and its private key, as the admin uploads
 * them (PEM). Checked before anything is stored: that the key belongs to the
 * certificate, that the certificate is valid now, and that it names the
 * seller's NIP (../shared/ksef/docs/auth/podpis-xades.md: a company seal's
 * organizationIdentifier 2.5.4.97 "VATPL-<NIP>", a person's serialNumber
 * 2.5.4.5 "TINPL-<NIP>"/"NIP…"; a PESEL certificate acts for a company only by
 * its permissions, which only KSeF knows, so it passes here and KSeF decides).
 */
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';

export type CertificateProblem =
  | 'ksef.certificate_unreadable'
  | 'ksef.private_key_unreadable'
  | 'ksef.key_mismatch'
  | 'ksef.certificate_expired'
  | 'ksef.certificate_nip_mismatch'
  | 'ksef.certificate_algorithm'
  | 'ksef.certificate_not_offline';

export interface CertificateInfo {
  subject: string;
  validFrom: string;
  validTo: string;
  fingerprint256: string;
  /** NIP named in the certificate, or null (e.g. a PESEL certificate). */
  nip: string | null;
  keyType: 'rsa' | 'ec';
  /** The certificate's serial number, upper-case hex (as KOD II carries it). */
  serialNumber: string;
}

export class CertificateError extends Error {
  constructor(readonly code: CertificateProblem, message: string) {
    super(message);
  }
}

/** The NIP in a certificate's subject (organizationIdentifier or serialNumber). */
export function nipOfSubject(subject: string): string | null {
  for (const line of subject.split(/\n|,\s*/)) {
    const [k, ...rest] = line.split('=');
    const v = rest.join('=').trim();
    const key = k!.trim();
    if (key === 'organizationIdentifier' || key === '2.5.4.97') {
      const m = /^VATPL-?(\d{10})$/.exec(v);
      if (m) return m[1]!;
    }
    if (key === 'serialNumber' || key === '2.5.4.5') {
      const m = /(TINPL|NIP).*?(\d{10})/.exec(v);
      if (m) return m[2]!;
    }
  }
  return null;
}

/** The serial number in upper-case hex, as KOD II carries it (kody-qr.md: "01F20A5D352AE590"). */
export function serialOf(certificate: X509Certificate): string {
  return certificate.serialNumber.toUpperCase();
}

/** What a certificate says of itself (shown to the admin; never the key). */
export function describeCertificate(certificate: X509Certificate): CertificateInfo {
  return {
    subject: certificate.subject,
    validFrom: new Date(certificate.validFrom).toISOString(),
    validTo: new Date(certificate.validTo).toISOString(),
    fingerprint256: certificate.fingerprint256.replace(/:/g, '').toLowerCase(),
    nip: nipOfSubject(certificate.subject),
    keyType: certificate.publicKey.asymmetricKeyType === 'rsa' ? 'rsa' : 'ec',
    serialNumber: serialOf(certificate),
  };
}

export interface LoadedCredentials {
  certificate: X509Certificate;
  privateKey: KeyObject;
  info: CertificateInfo;
}

/**
 * The bits of a certificate's keyUsage extension (2.5.29.15), or null when it
 * has none: bit 0 digitalSignature, bit 1 nonRepudiation (contentCommitment)…
 * A small DER walk (Certificate → tbsCertificate → [3] extensions), since
 * node's X509Certificate shows only the extended key usage.
 */
export function keyUsageBits(der: Uint8Array): Set<number> | null {
  const tlv = (b: Uint8Array, at: number) => {
    const tag = b[at]!;
    let len = b[at + 1]!;
    let head = 2;
    if (len & 0x80) {
      const n = len & 0x7f;
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + b[at + 2 + i]!;
      head += n;
    }
    if (at + head + len > b.length) throw new Error('truncated DER');
    return { tag, start: at + head, end: at + head + len };
  };
  const children = (b: Uint8Array, from: number, to: number) => {
    const out: ReturnType<typeof tlv>[] = [];
    for (let at = from; at < to; ) {
      const t = tlv(b, at);
      out.push(t);
      at = t.end;
    }
    return out;
  };
  const cert = tlv(der, 0);
  const tbs = tlv(der, cert.start);
  const ext = children(der, tbs.start, tbs.end).find((c) => c.tag === 0xa3);
  if (!ext) return null;
  const list = tlv(der, ext.start);
  for (const e of children(der, list.start, list.end)) {
    const [oid, ...rest] = children(der, e.start, e.end);
    // 2.5.29.15 = 06 03 55 1d 0f
    if (!oid || oid.tag !== 0x06 || Buffer.from(der.subarray(oid.start, oid.end)).toString('hex') !== '551d0f') continue;
    const octets = rest.find((r) => r.tag === 0x04);
    if (!octets) return null;
    const bits = tlv(der, octets.start);
    if (bits.tag !== 0x03) return null;
    const out = new Set<number>();
    for (let i = bits.start + 1; i < bits.end; i++) {
      for (let k = 0; k < 8; k++) if (der[i]! & (0x80 >> k)) out.add((i - bits.start - 1) * 8 + k);
    }
    return out;
  }
  return null;
}

/**
 * What the certificate is for: signing in (any certificate KSeF accepts for
 * XAdES), or KOD II of offline invoices, which only a KSeF certificate of
 * type Offline may sign (kody-qr.md: "Certyfikat typu Authentication nie może
 * być używany do generowania KODU II"; certyfikaty-KSeF.md: an Offline
 * certificate has keyUsage Non-Repudiation, an Authentication one Digital
 * Signature only).
 */
export type CertificatePurpose = 'authentication' | 'offline';

export function loadCredentials(certificatePem: string, privateKeyPem: string, sellerNip: string, now = new Date(), purpose: CertificatePurpose = 'authentication'): LoadedCredentials {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(certificatePem);
  } catch {
    throw new CertificateError('ksef.certificate_unreadable', 'not a PEM X.509 certificate');
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(privateKeyPem);
  } catch {
    throw new CertificateError('ksef.private_key_unreadable', 'not a PEM private key (unencrypted PKCS#8 or PKCS#1/SEC1)');
  }
  if (!certificate.checkPrivateKey(privateKey)) throw new CertificateError('ksef.key_mismatch', 'the private key does not belong to the certificate');
  const kt = certificate.publicKey.asymmetricKeyType;
  const curve = certificate.publicKey.asymmetricKeyDetails?.namedCurve;
  const bits = certificate.publicKey.asymmetricKeyDetails?.modulusLength ?? 0;
  if (!((kt === 'rsa' && bits >= 2048) || (kt === 'ec' && curve === 'prime256v1'))) {
    throw new CertificateError('ksef.certificate_algorithm', 'KSeF takes RSA keys of at least 2048 bits or ECDSA P-256');
  }
  if (now < new Date(certificate.validFrom) || now > new Date(certificate.validTo)) {
    throw new CertificateError('ksef.certificate_expired', `the certificate is valid ${certificate.validFrom} – ${certificate.validTo}`);
  }
  const nip = nipOfSubject(certificate.subject);
  if (nip !== null && nip !== sellerNip) throw new CertificateError('ksef.certificate_nip_mismatch', `the certificate names NIP ${nip}, the seller is ${sellerNip}`);
  if (purpose === 'offline') {
    let usage: Set<number> | null = null;
    try {
      usage = keyUsageBits(certificate.raw);
    } catch {
      usage = null;
    }
    if (!usage?.has(1)) throw new CertificateError('ksef.certificate_not_offline', 'a KSeF certificate of type Offline (keyUsage Non-Repudiation) is needed for KOD II');
  }
  return { certificate, privateKey, info: describeCertificate(certificate) };
}
