/**
 * The XAdES-BES signature of an AuthTokenRequest (../shared/ksef/docs/
 * uwierzytelnianie.md, auth/podpis-xades.md): enveloped, exclusive c14n,
 * SHA-256 digests, RSASSA-PKCS1-v1_5 SHA-256 or ECDSA P-256 SHA-256
 * (SignatureValue as R||S, which is what WebCrypto produces), the signing
 * certificate in KeyInfo and in SignedProperties/SigningCertificate.
 *
 * Library: xadesjs (PeculiarVentures; with xmldsigjs and xml-core), on
 * Node's WebCrypto — it builds the XAdES QualifyingProperties itself, where
 * xml-crypto signs plain XML-DSig only and the SignedProperties would be ours
 * to build and reference. See README, dependency table.
 */
import { webcrypto, type KeyObject, type X509Certificate } from 'node:crypto';
import * as xmldom from '@xmldom/xmldom';
import { createRequire } from 'node:module';
import * as xadesjs from 'xadesjs';
import { setNodeDependencies } from 'xml-core';

// xpath's own typings switch on the DOM library for the whole program; loaded untyped instead.
const xpath = createRequire(import.meta.url)('xpath') as unknown;

let ready = false;
function setup() {
  if (ready) return;
  setNodeDependencies({ XMLSerializer: xmldom.XMLSerializer, DOMParser: xmldom.DOMParser, DOMImplementation: xmldom.DOMImplementation, xpath });
  xadesjs.Application.setEngine('NodeJS', webcrypto as never);
  ready = true;
}

const AUTH_NS = 'http://ksef.mf.gov.pl/auth/token/2.0';

/** The unsigned AuthTokenRequest: the challenge, the seller's NIP as context, the subject from the certificate. */
export function authTokenRequestXml(challenge: string, nip: string): string {
  const esc = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return (
    `<?xml version="1.0" encoding="utf-8"?>` +
    `<AuthTokenRequest xmlns="${AUTH_NS}">` +
    `<Challenge>${esc(challenge)}</Challenge>` +
    `<ContextIdentifier><Nip>${esc(nip)}</Nip></ContextIdentifier>` +
    `<SubjectIdentifierType>certificateSubject</SubjectIdentifierType>` +
    `</AuthTokenRequest>`
  );
}

/** Signs the XML (enveloped XAdES-BES) with the certificate's key; returns the signed document. */
export async function signXades(xml: string, certificate: X509Certificate, privateKey: KeyObject): Promise<string> {
  setup();
  const isRsa = privateKey.asymmetricKeyType === 'rsa';
  const algorithm = isRsa ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } : { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' });
  const key = await webcrypto.subtle.importKey('pkcs8', pkcs8, isRsa ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } : { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
  const doc = xadesjs.Parse(xml);
  const signed = new xadesjs.SignedXml();
  const certB64 = certificate.raw.toString('base64');
  const signature = await signed.Sign(algorithm as never, key as never, doc, {
    references: [{ hash: 'SHA-256', uri: '', transforms: ['enveloped', 'exc-c14n'] }],
    x509: [certB64],
    signingCertificate: { certificate: certB64, digestAlgorithm: 'SHA-256' },
    signingTime: { value: new Date() },
  });
  doc.documentElement.appendChild(signature.GetXml()!);
  return new xmldom.XMLSerializer().serializeToString(doc as unknown as xmldom.Node);
}
