/**
 * Self-signed test certificates as docs/auth/testowe-certyfikaty-i-podpisy-xades.md
 * and docs/auth/podpis-xades.md describe them (allowed on the TEST environment only):
 *
 * - a company seal ("pieczęć firmowa"): organizationName (2.5.4.10),
 *   organizationIdentifier (2.5.4.97) `VATPL-<NIP>`, commonName, countryName PL;
 * - a personal certificate: givenName (2.5.4.42), surname (2.5.4.4),
 *   serialNumber (2.5.4.5) `TINPL-<NIP>` or `PNOPL-<PESEL>`, commonName, countryName PL.
 *
 * RSA 2048 (signatures RSASSA-PKCS1-v1_5 SHA-256) or ECDSA P-256 (SHA-256), as
 * KSeF accepts. Made with @peculiar/x509 on node's WebCrypto (see README's
 * dependency table). Also used by the simulator to make the certificates it
 * publishes in place of the Ministry's.
 */
// @peculiar/x509 resolves its parts through tsyringe, which needs the Reflect metadata polyfill.
import 'reflect-metadata';
import { createHash, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export type KeyType = 'RSA' | 'EC';

export interface TestCertificate {
  /** PEM of the certificate. */
  certificatePem: string;
  /** DER bytes of the certificate. */
  certificateDer: Buffer;
  /** PKCS#8 PEM of the private key. */
  privateKeyPem: string;
  keyType: KeyType;
  /** SHA-256 of the DER, lower-case hex (the "certificateFingerprint" subject identifier). */
  fingerprint: string;
}

export interface CertificateValidity {
  notBefore?: Date;
  notAfter?: Date;
  /**
   * keyUsage flags (x509.KeyUsageFlags); by default digitalSignature |
   * nonRepudiation | keyEncipherment. A KSeF certificate of type
   * Authentication has digitalSignature only, one of type Offline
   * nonRepudiation only (certyfikaty-KSeF.md).
   */
  keyUsage?: number;
}

const algorithms = {
  RSA: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 },
  EC: { name: 'ECDSA', namedCurve: 'P-256' },
} as const;
const signing = { RSA: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, EC: { name: 'ECDSA', hash: 'SHA-256' } } as const;

const pem = (label: string, der: ArrayBuffer | Buffer) =>
  `-----BEGIN ${label}-----\n${Buffer.from(der as ArrayBuffer).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END ${label}-----\n`;

/** A self-signed certificate with the given subject attributes (OID → value, in order). */
export async function makeSelfSignedCertificate(subject: Array<[string, string]>, keyType: KeyType = 'RSA', validity: CertificateValidity = {}): Promise<TestCertificate> {
  const keys = (await webcrypto.subtle.generateKey(algorithms[keyType], true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(8))).toString('hex').replace(/^[89a-f]/, '1'),
    name: new x509.Name(subject.map(([oid, value]) => ({ [oid]: [value] }))),
    notBefore: validity.notBefore ?? new Date(now - 60_000),
    notAfter: validity.notAfter ?? new Date(now + 365 * 86_400_000),
    signingAlgorithm: signing[keyType],
    keys,
    extensions: [new x509.KeyUsagesExtension(validity.keyUsage ?? x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation | x509.KeyUsageFlags.keyEncipherment, true)],
  });
  const der = Buffer.from(cert.rawData);
  return {
    certificatePem: cert.toString('pem') + '\n',
    certificateDer: der,
    privateKeyPem: pem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)),
    keyType,
    fingerprint: createHash('sha256').update(der).digest('hex'),
  };
}

/** KSeF's certificate types by their keyUsage (certyfikaty-KSeF.md). */
export const KSEF_KEY_USAGE = { authentication: x509.KeyUsageFlags.digitalSignature, offline: x509.KeyUsageFlags.nonRepudiation } as const;

/** A company seal for a NIP: organizationIdentifier `VATPL-<NIP>`. */
export function makeSealCertificate(o: { nip: string; organizationName?: string; commonName?: string; keyType?: KeyType } & CertificateValidity): Promise<TestCertificate> {
  return makeSelfSignedCertificate([
    ['2.5.4.10', o.organizationName ?? `Wodociągi testowe ${o.nip}`],
    ['2.5.4.97', `VATPL-${o.nip}`],
    ['2.5.4.3', o.commonName ?? `Pieczęć ${o.nip}`],
    ['2.5.4.6', 'PL'],
  ], o.keyType ?? 'RSA', o);
}

/** A personal certificate: serialNumber `TINPL-<NIP>` (or `PNOPL-<PESEL>` when a PESEL is given). */
export function makePersonalCertificate(o: { nip?: string; pesel?: string; givenName?: string; surname?: string; commonName?: string; keyType?: KeyType } & CertificateValidity): Promise<TestCertificate> {
  if (!o.nip && !o.pesel) throw new Error('makePersonalCertificate: a NIP or a PESEL is needed');
  const givenName = o.givenName ?? 'Jan';
  const surname = o.surname ?? 'Kowalski';
  return makeSelfSignedCertificate([
    ['2.5.4.42', givenName],
    ['2.5.4.4', surname],
    ['2.5.4.5', o.nip ? `TINPL-${o.nip}` : `PNOPL-${o.pesel}`],
    ['2.5.4.3', o.commonName ?? `${givenName} ${surname}`],
    ['2.5.4.6', 'PL'],
  ], o.keyType ?? 'RSA', o);
}

/** The subject attributes KSeF reads from a certificate (podpis-xades.md: the recognised patterns). */
export interface CertificateIdentity {
  kind: 'seal' | 'personal' | 'unknown';
  nip?: string;
  pesel?: string;
}

export function identityOf(certificateDer: Uint8Array): CertificateIdentity {
  const cert = new x509.X509Certificate(new Uint8Array(certificateDer));
  const field = (oid: string) => cert.subjectName.getField(oid)[0];
  const orgId = field('2.5.4.97');
  const serial = field('2.5.4.5');
  const hasPersonNames = Boolean(field('2.5.4.42') || field('2.5.4.4'));
  if (orgId !== undefined && !hasPersonNames) {
    const m = /(VATPL).*?(\d{10})/.exec(orgId);
    return m ? { kind: 'seal', nip: m[2] } : { kind: 'unknown' };
  }
  if (serial !== undefined) {
    const pesel = /(PNOPL|PESEL).*?(\d{11})/.exec(serial);
    if (pesel) return { kind: 'personal', pesel: pesel[2] };
    const nip = /(TINPL|NIP).*?(\d{10})/.exec(serial);
    if (nip) return { kind: 'personal', nip: nip[2] };
  }
  return { kind: 'unknown' };
}
