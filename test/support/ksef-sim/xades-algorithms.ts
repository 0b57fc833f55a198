/**
 * ECDSA signature methods for xml-crypto, which ships RSA ones only. XML-DSig 1.1
 * (and docs/auth/podpis-xades.md) encode an ECDSA SignatureValue as R || S, which is
 * node's `dsaEncoding: 'ieee-p1363'`.
 */
import { sign, verify, type KeyLike } from 'node:crypto';
import type { SignedXmlInstance } from './xmldsig-lib.ts';

const ECDSA = {
  'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256': 'sha256',
  'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384': 'sha384',
  'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512': 'sha512',
} as const;

export const ECDSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256';
export const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';

/** Registers the ECDSA methods on one SignedXml instance. */
export function addEcdsa(sig: SignedXmlInstance): void {
  for (const [uri, hash] of Object.entries(ECDSA)) {
    sig.SignatureAlgorithms[uri] = class {
      getSignature(signedInfo: Buffer | string, privateKey: KeyLike): string {
        return sign(hash, Buffer.from(signedInfo), { key: privateKey as string, dsaEncoding: 'ieee-p1363' }).toString('base64');
      }
      verifySignature(material: string, key: KeyLike, signatureValue: string): boolean {
        return verify(hash, Buffer.from(material), { key: key as string, dsaEncoding: 'ieee-p1363' }, Buffer.from(signatureValue, 'base64'));
      }
      getAlgorithmName(): string {
        return uri;
      }
    };
  }
}
