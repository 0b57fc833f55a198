/**
 * A XAdES-BES signer for the simulator's own tests (and as a cross-check for
 * the product's signer): signs an AuthTokenRequest with a test certificate,
 * enveloped, exc-c14n, SHA-256, RSA or ECDSA, with SignedProperties carrying
 * SigningTime and SigningCertificate — the shape docs/auth/podpis-xades.md accepts.
 * Not the product's signer: the client builds its own.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { SignedXml } from './xmldsig-lib.ts';
import { addEcdsa, ECDSA_SHA256, RSA_SHA256 } from './xades-algorithms.ts';
import type { TestCertificate } from './certs.ts';

const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';

const escapeXml = (t: string) => t.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

export function authTokenRequestXml(challenge: string, nip: string, subjectIdentifierType: 'certificateSubject' | 'certificateFingerprint' = 'certificateSubject'): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<AuthTokenRequest xmlns="http://ksef.mf.gov.pl/auth/token/2.0">
  <Challenge>${challenge}</Challenge>
  <ContextIdentifier>
    <Nip>${nip}</Nip>
  </ContextIdentifier>
  <SubjectIdentifierType>${subjectIdentifierType}</SubjectIdentifierType>
</AuthTokenRequest>`;
}

export function signXadesForTest(xml: string, cert: TestCertificate, signingTime = new Date()): string {
  const x = new X509Certificate(cert.certificateDer);
  const certDigest = createHash('sha256').update(cert.certificateDer).digest('base64');
  const serial = BigInt(`0x${x.serialNumber}`).toString(10);
  const issuer = x.issuer.split('\n').reverse().join(', ');
  const qualifying =
    `<xades:QualifyingProperties xmlns:xades="http://uri.etsi.org/01903/v1.3.2#" Target="#Signature-1">` +
    `<xades:SignedProperties Id="SignedProperties-1"><xades:SignedSignatureProperties>` +
    `<xades:SigningTime>${signingTime.toISOString()}</xades:SigningTime>` +
    `<xades:SigningCertificate><xades:Cert><xades:CertDigest>` +
    `<ds:DigestMethod Algorithm="${SHA256}"/><ds:DigestValue>${certDigest}</ds:DigestValue></xades:CertDigest>` +
    `<xades:IssuerSerial><ds:X509IssuerName>${escapeXml(issuer)}</ds:X509IssuerName><ds:X509SerialNumber>${serial}</ds:X509SerialNumber></xades:IssuerSerial>` +
    `</xades:Cert></xades:SigningCertificate>` +
    `</xades:SignedSignatureProperties></xades:SignedProperties></xades:QualifyingProperties>`;
  const sig = new SignedXml({
    privateKey: cert.privateKeyPem,
    publicCert: cert.certificatePem,
    signatureAlgorithm: cert.keyType === 'EC' ? ECDSA_SHA256 : RSA_SHA256,
    canonicalizationAlgorithm: EXC_C14N,
    objects: [{ content: qualifying }],
  });
  addEcdsa(sig);
  sig.addReference({ xpath: '/*', transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', EXC_C14N], digestAlgorithm: SHA256, isEmptyUri: true });
  sig.addReference({ xpath: "//*[local-name(.)='SignedProperties']", transforms: [EXC_C14N], digestAlgorithm: SHA256, type: 'http://uri.etsi.org/01903#SignedProperties' });
  sig.computeSignature(xml, { prefix: 'ds', attrs: { Id: 'Signature-1' }, location: { reference: '/*', action: 'append' } });
  return sig.getSignedXml();
}
