/**
 * The simulator's check of a signed `AuthTokenRequest` (POST /auth/xades-signature),
 * following docs/auth/podpis-xades.md: an enveloped XAdES signature (BES or
 * richer), RSA (PKCS#1 v1.5) or ECDSA (R||S) with SHA-1/256/384/512, whose
 * references cover the whole document (so the challenge and the context are
 * signed) and the XAdES SignedProperties, whose SigningCertificate digest is
 * the certificate in KeyInfo. The signature maths is xml-crypto's (well-kept,
 * c14n/exc-c14n and the enveloped transform); the XAdES rules are here.
 * The values the caller gets (challenge, context) are read from the signed
 * canonical bytes, never from the raw document.
 */
import { createHash, createPublicKey, X509Certificate } from 'node:crypto';
import { DOMParser, SignedXml, type XNode } from './xmldsig-lib.ts';
import { addEcdsa } from './xades-algorithms.ts';
import { apiError, type ApiError } from './errors.ts';

const DS = 'http://www.w3.org/2000/09/xmldsig#';
const XADES = 'http://uri.etsi.org/01903/v1.3.2#';
const AUTH_NS = ['http://ksef.mf.gov.pl/auth/token/2.0', 'http://ksef.mf.gov.pl/auth/token/2.1'];
const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';
const SIGNED_PROPS_TYPE = 'http://uri.etsi.org/01903#SignedProperties';
const DIGESTS: Record<string, string> = {
  'http://www.w3.org/2000/09/xmldsig#sha1': 'sha1',
  'http://www.w3.org/2001/04/xmlenc#sha256': 'sha256',
  'http://www.w3.org/2001/04/xmldsig-more#sha384': 'sha384',
  'http://www.w3.org/2001/04/xmlenc#sha512': 'sha512',
};

export interface VerifiedAuthRequest {
  challenge: string;
  context: { type: 'Nip' | 'InternalId' | 'NipVatUe'; value: string };
  subjectIdentifierType: string;
  certificateDer: Buffer;
  /** SHA-256 (base64) of the document as received, for the UPO's SkrotDokumentuUwierzytelniajacego. */
  documentHash: string;
}

export type VerifyResult = { ok: true; value: VerifiedAuthRequest } | { ok: false; error: ApiError };

const fail = (error: ApiError): VerifyResult => ({ ok: false, error });

type El = XNode;
const children = (el: El, ns: string, name: string): El[] =>
  Array.from(el.childNodes).filter((n) => n.nodeType === 1 && n.localName === name && n.namespaceURI === ns);
const text = (el: El | undefined) => (el?.textContent ?? '').trim();

export function verifyAuthTokenRequest(xml: string): VerifyResult {
  const parseErrors: string[] = [];
  const doc = new DOMParser({ onError: (level: string, msg: unknown) => { if (level !== 'warning') parseErrors.push(String(msg)); } }).parseFromString(xml, 'application/xml');
  const root = doc?.documentElement ?? null;
  if (!root || parseErrors.length) return fail(apiError(21001, ...parseErrors.slice(0, 3)));
  if (root.localName !== 'AuthTokenRequest' || !AUTH_NS.includes(root.namespaceURI ?? '')) {
    return fail(apiError(21401, `Oczekiwano elementu AuthTokenRequest w przestrzeni nazw ${AUTH_NS[0]}.`));
  }
  const signatures = Array.from(doc.getElementsByTagNameNS(DS, 'Signature'));
  if (signatures.length === 0) return fail(apiError(9102));
  if (signatures.length > 1) return fail(apiError(9103));
  const signature = signatures[0];
  if (signature.parentNode !== root) return fail(apiError(9101, 'Podpis musi być podpisem otaczanym (enveloped) elementu AuthTokenRequest.'));

  // The certificate: KeyInfo/X509Data/X509Certificate.
  const keyInfo = children(signature, DS, 'KeyInfo')[0];
  const certText = keyInfo ? children(keyInfo, DS, 'X509Data').flatMap((d) => children(d, DS, 'X509Certificate'))[0] : undefined;
  if (!certText) return fail(apiError(21115, 'Brak certyfikatu X509 w KeyInfo.'));
  let cert: X509Certificate;
  const certificateDer = Buffer.from(text(certText).replace(/\s+/g, ''), 'base64');
  try {
    cert = new X509Certificate(certificateDer);
  } catch {
    return fail(apiError(21115, 'Nie można odczytać certyfikatu.'));
  }
  const key = createPublicKey(cert.publicKey.export({ type: 'spki', format: 'pem' }));
  const bits = key.asymmetricKeyDetails?.modulusLength ?? (key.asymmetricKeyDetails?.namedCurve ? ({ prime256v1: 256, secp384r1: 384, secp521r1: 521 } as Record<string, number>)[key.asymmetricKeyDetails.namedCurve] ?? 0 : 0);
  if ((key.asymmetricKeyType === 'rsa' && bits < 2048) || (key.asymmetricKeyType === 'ec' && bits < 256) || !['rsa', 'ec', 'rsa-pss'].includes(key.asymmetricKeyType ?? '')) {
    return fail(apiError(21115, 'Niedozwolony typ lub długość klucza.'));
  }

  // The signature maths and every reference's digest.
  const sig = new SignedXml({ publicCert: cert.toString() });
  addEcdsa(sig);
  let valid = false;
  try {
    sig.loadSignature(signature);
    valid = sig.checkSignature(xml);
  } catch (e) {
    return fail(apiError(9105, (e as Error).message));
  }
  if (!valid) return fail(apiError(9105));

  const refs = sig.getReferences();
  const signedXmls = sig.getSignedReferences();
  const whole = refs.findIndex((r) => (r.uri === '' || r.uri === `#${root.getAttribute('Id') ?? '\u0000'}`) && r.transforms.includes(ENVELOPED));
  if (whole < 0) return fail(apiError(9105, 'Podpis nie obejmuje całego dokumentu AuthTokenRequest.'));
  // xml-crypto does not keep a loaded Reference's Type: read it from SignedInfo.
  const signedInfo = children(signature, DS, 'SignedInfo')[0];
  const propsUri = children(signedInfo, DS, 'Reference').find((r) => r.getAttribute('Type') === SIGNED_PROPS_TYPE)?.getAttribute('URI');
  if (!propsUri || !refs.some((r) => r.uri === propsUri)) return fail(apiError(9105, 'Brak referencji do SignedProperties (XAdES).'));

  // XAdES: SignedProperties/…/SigningCertificate(V2)/Cert/CertDigest must be the KeyInfo certificate.
  const props = Array.from(doc.getElementsByTagNameNS(XADES, 'SignedProperties')).find((p) => `#${p.getAttribute('Id')}` === propsUri);
  if (!props) return fail(apiError(9105, 'Brak elementu SignedProperties wskazanego w referencji.'));
  const certDigests = Array.from(props.getElementsByTagNameNS(XADES, 'CertDigest'));
  const matches = certDigests.some((d) => {
    const method = children(d, DS, 'DigestMethod')[0]?.getAttribute('Algorithm') ?? '';
    const alg = DIGESTS[method];
    return alg !== undefined && createHash(alg).update(certificateDer).digest('base64') === text(children(d, DS, 'DigestValue')[0]);
  });
  if (!matches) return fail(apiError(9105, 'SigningCertificate nie odpowiada certyfikatowi podpisu.'));

  // The request's values, read from the signed canonical form of the whole document.
  const signed = new DOMParser().parseFromString(signedXmls[whole] ?? '', 'application/xml').documentElement;
  if (!signed) return fail(apiError(9105));
  const ns = signed.namespaceURI ?? AUTH_NS[0];
  const challenge = text(children(signed, ns, 'Challenge')[0]);
  const ctxEl = children(signed, ns, 'ContextIdentifier')[0];
  const ctxChild = ctxEl ? Array.from(ctxEl.childNodes).find((n) => n.nodeType === 1) : undefined;
  const subjectIdentifierType = text(children(signed, ns, 'SubjectIdentifierType')[0]);
  if (!challenge || !ctxChild || !['Nip', 'InternalId', 'NipVatUe'].includes(ctxChild.localName ?? '') || !['certificateSubject', 'certificateFingerprint'].includes(subjectIdentifierType)) {
    return fail(apiError(21401, 'Wymagane elementy: Challenge, ContextIdentifier (Nip, InternalId lub NipVatUe), SubjectIdentifierType (certificateSubject lub certificateFingerprint).'));
  }
  return {
    ok: true,
    value: {
      challenge,
      context: { type: ctxChild.localName as 'Nip' | 'InternalId' | 'NipVatUe', value: text(ctxChild) },
      subjectIdentifierType,
      certificateDer,
      documentHash: createHash('sha256').update(xml, 'utf8').digest('base64'),
    },
  };
}
