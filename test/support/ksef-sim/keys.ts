/**
 * The simulator's stand-in for the Ministry's encryption keys: two RSA 2048
 * key pairs in self-signed X.509 certificates (CN = Ministerstwo Finansów),
 * one for KSeF-token encryption and one for symmetric-key encryption, published
 * as GET /security/public-key-certificates does
 * (docs/bezpieczenstwo/klucze-publiczne-do-szyfrowania.md): `certificate` is
 * the DER in Base64, `certificateId` the SHA-256 of the DER, `publicKeyId` the
 * SHA-256 of the SubjectPublicKeyInfo, both Base64.
 * Made once per process (RSA key generation is the slow part).
 */
import { constants, createDecipheriv, createHash, createPrivateKey, privateDecrypt, X509Certificate, type KeyObject } from 'node:crypto';
import { makeSelfSignedCertificate } from './certs.ts';

export type KeyUsage = 'KsefTokenEncryption' | 'SymmetricKeyEncryption';

export interface PublicKeyCertificate {
  certificate: string;
  certificateId: string;
  publicKeyId: string;
  validFrom: string;
  validTo: string;
  usage: KeyUsage[];
}

export interface SimKey {
  published: PublicKeyCertificate;
  privateKey: KeyObject;
  /** PEM of the certificate, for clients that want it as text. */
  certificatePem: string;
}

export type SimKeys = Record<KeyUsage, SimKey>;

let made: Promise<SimKeys> | null = null;

async function makeKey(usage: KeyUsage): Promise<SimKey> {
  const c = await makeSelfSignedCertificate([['2.5.4.3', 'Ministerstwo Finansów'], ['2.5.4.10', 'Ministerstwo Finansów (symulator KSeF)'], ['2.5.4.6', 'PL']], 'RSA', {
    notBefore: new Date(Date.now() - 86_400_000),
    notAfter: new Date(Date.now() + 2 * 365 * 86_400_000),
  });
  const x = new X509Certificate(c.certificateDer);
  const spki = x.publicKey.export({ type: 'spki', format: 'der' });
  return {
    published: {
      certificate: c.certificateDer.toString('base64'),
      certificateId: createHash('sha256').update(c.certificateDer).digest('base64'),
      publicKeyId: createHash('sha256').update(spki).digest('base64'),
      validFrom: new Date(x.validFrom).toISOString(),
      validTo: new Date(x.validTo).toISOString(),
      usage: [usage],
    },
    privateKey: createPrivateKey(c.privateKeyPem),
    certificatePem: c.certificatePem,
  };
}

export function simKeys(): Promise<SimKeys> {
  made ??= (async () => ({ KsefTokenEncryption: await makeKey('KsefTokenEncryption'), SymmetricKeyEncryption: await makeKey('SymmetricKeyEncryption') }))();
  return made;
}

/** RSA-OAEP with SHA-256 (and MGF1-SHA-256) decryption; null when the bytes are not a ciphertext for this key. */
export function rsaOaepDecrypt(key: SimKey, ciphertext: Buffer): Buffer | null {
  try {
    return privateDecrypt({ key: key.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, ciphertext);
  } catch {
    return null;
  }
}

/**
 * AES-256-CBC with PKCS#7 padding; null on a bad key/IV/padding. The guide says the
 * IV is declared at session opening and also "attached as a prefix" of the
 * ciphertext; both forms are accepted: a ciphertext that starts with the declared
 * IV has it removed first.
 */
export function aesDecrypt(key: Buffer, iv: Buffer, ciphertext: Buffer): Buffer | null {
  const body = ciphertext.length > 16 && ciphertext.subarray(0, 16).equals(iv) && (ciphertext.length - 16) % 16 === 0 ? ciphertext.subarray(16) : ciphertext;
  try {
    const d = createDecipheriv('aes-256-cbc', key, iv);
    return Buffer.concat([d.update(body), d.final()]);
  } catch {
    return null;
  }
}
