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
  | 'ksef.certificate_algorithm';

export interface CertificateInfo {
  subject: string;
  validFrom: string;
  validTo: string;
  fingerprint256: string;
  /** NIP named in the certificate, or null (e.g. a PESEL certificate). */
  nip: string | null;
  keyType: 'rsa' | 'ec';
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

export interface LoadedCredentials {
  certificate: X509Certificate;
  privateKey: KeyObject;
  info: CertificateInfo;
}

export function loadCredentials(certificatePem: string, privateKeyPem: string, sellerNip: string, now = new Date()): LoadedCredentials {
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
  return {
    certificate,
    privateKey,
    info: {
      subject: certificate.subject,
      validFrom: new Date(certificate.validFrom).toISOString(),
      validTo: new Date(certificate.validTo).toISOString(),
      fingerprint256: certificate.fingerprint256.replace(/:/g, '').toLowerCase(),
      nip,
      keyType: kt === 'rsa' ? 'rsa' : 'ec',
    },
  };
}
