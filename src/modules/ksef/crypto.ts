/**
 * The encryption KSeF asks of a client (../shared/ksef/docs/sesja-wsadowa.md,
 * sesja-interaktywna.md, uwierzytelnianie.md, bezpieczenstwo/):
 * a fresh AES-256 key and IV per session, documents AES-256-CBC with PKCS#7,
 * the key (and the KSeF token) wrapped RSA-OAEP with SHA-256 and MGF1-SHA-256
 * under the Ministry's published public key, hashes SHA-256 in base64.
 */
import { createCipheriv, createHash, publicEncrypt, randomBytes, constants, X509Certificate, type KeyObject } from 'node:crypto';

export interface SessionKey {
  key: Buffer;
  iv: Buffer;
}

export function newSessionKey(): SessionKey {
  return { key: randomBytes(32), iv: randomBytes(16) };
}

export function sha256b64(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('base64');
}

export function rsaOaepSha256(publicKey: KeyObject, data: Uint8Array): Buffer {
  return publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, data);
}

export function aesCbcEncrypt(k: SessionKey, data: Uint8Array): Buffer {
  const c = createCipheriv('aes-256-cbc', k.key, k.iv);
  return Buffer.concat([c.update(data), c.final()]);
}

export function aesCbcCipher(k: SessionKey) {
  return createCipheriv('aes-256-cbc', k.key, k.iv);
}

/** One published key certificate (GET /security/public-key-certificates). */
export interface PublicKeyCertificate {
  certificate: string;
  certificateId?: string;
  publicKeyId?: string;
  validFrom: string;
  validTo: string;
  usage: string[];
}

export interface MinistryKey {
  publicKey: KeyObject;
  publicKeyId?: string;
}

/**
 * The key for a use, valid now; of several (a rotation, docs section 3) the
 * one valid longest. Null when none is published for that use.
 */
export function pickMinistryKey(certs: PublicKeyCertificate[], usage: 'KsefTokenEncryption' | 'SymmetricKeyEncryption', now = new Date()): MinistryKey | null {
  const fit = certs
    .filter((c) => c.usage.includes(usage) && new Date(c.validFrom) <= now && now < new Date(c.validTo))
    .sort((a, b) => Date.parse(b.validTo) - Date.parse(a.validTo))[0];
  if (!fit) return null;
  const x = new X509Certificate(Buffer.from(fit.certificate, 'base64'));
  return { publicKey: x.publicKey, publicKeyId: fit.publicKeyId };
}

/** The EncryptionInfo of a session opening. */
export function encryptionInfo(k: SessionKey, mk: MinistryKey) {
  return {
    encryptedSymmetricKey: rsaOaepSha256(mk.publicKey, k.key).toString('base64'),
    initializationVector: k.iv.toString('base64'),
    ...(mk.publicKeyId ? { publicKeyId: mk.publicKeyId } : {}),
  };
}
