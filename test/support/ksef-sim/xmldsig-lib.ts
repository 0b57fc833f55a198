/**
 * xml-crypto and @xmldom/xmldom, loaded without their type declarations:
 * those pull the DOM lib into the whole TypeScript program (`/// <reference
 * lib="dom">`), which changes the types the rest of the project compiles
 * against. The few members the simulator uses are typed here instead.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The parts of a DOM node the XAdES code reads. */
export interface XNode {
  nodeType: number;
  localName: string | null;
  namespaceURI: string | null;
  textContent: string | null;
  parentNode: XNode | null;
  childNodes: ArrayLike<XNode>;
  documentElement?: XNode | null;
  getAttribute(name: string): string | null;
  getElementsByTagNameNS(ns: string, name: string): ArrayLike<XNode>;
}

export interface DomParserCtor {
  new (options?: { onError?: (level: string, message: unknown) => void; errorHandler?: unknown }): { parseFromString(xml: string, mime: string): XNode & { documentElement: XNode | null } };
}

export interface XmlReference { uri?: string; transforms: string[]; type?: string }

export interface SignedXmlInstance {
  SignatureAlgorithms: Record<string, unknown>;
  loadSignature(node: XNode | string): void;
  checkSignature(xml: string): boolean;
  getReferences(): XmlReference[];
  getSignedReferences(): string[];
  addReference(r: { xpath: string; transforms: string[]; digestAlgorithm: string; isEmptyUri?: boolean; type?: string; uri?: string }): void;
  computeSignature(xml: string, options?: { prefix?: string; attrs?: Record<string, string>; location?: { reference: string; action: 'append' | 'prepend' | 'before' | 'after' } }): void;
  getSignedXml(): string;
}

export interface SignedXmlCtor {
  new (options?: {
    publicCert?: string;
    privateKey?: string;
    signatureAlgorithm?: string;
    canonicalizationAlgorithm?: string;
    objects?: Array<{ content: string; attributes?: Record<string, string> }>;
  }): SignedXmlInstance;
}

export const DOMParser = (require('@xmldom/xmldom') as { DOMParser: DomParserCtor }).DOMParser;
export const SignedXml = (require('xml-crypto') as { SignedXml: SignedXmlCtor }).SignedXml;
