/**
 * The simulator's memory: challenges, sign-in operations, tokens, sessions,
 * invoices and the register of accepted invoices (for duplicates), plus the
 * fault switches the `control` API sets. One instance per simulator.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { InvoiceFacts, InvoiceStatus } from './invoice-check.ts';
import type { SimKeys } from './keys.ts';
import type { OpenApiChecker } from './openapi.ts';
import type { UpoFault } from './upo.ts';

export interface Status { code: number; description: string; details?: string[] }

export interface Challenge { challenge: string; timestampMs: number; used: boolean }

export type AuthMethod = 'Token' | 'QualifiedSeal' | 'QualifiedSignature';

export interface AuthOperation {
  referenceNumber: string;
  authenticationToken: string;
  method: AuthMethod;
  contextNip: string;
  startDate: Date;
  status: Status;
  /** How many more status polls answer 100 "Uwierzytelnianie w toku". */
  pendingPolls: number;
  redeemed: boolean;
  revoked: boolean;
  upoAuth: { ksefTokenReference: string } | { documentHash: string };
  refreshTokenValidUntil?: Date;
  lastTokenRefreshDate?: Date;
}

export interface TokenRecord { kind: 'authentication' | 'access' | 'refresh'; authRef: string; expiresAt: number }

export interface SessionInvoice {
  ordinalNumber: number;
  referenceNumber: string;
  invoiceHash: string;
  invoiceFileName?: string;
  invoicingDate: Date;
  acquisitionDate?: Date;
  ksefNumber?: string;
  facts?: Partial<InvoiceFacts>;
  status: InvoiceStatus;
  mode: 'Online' | 'Offline';
  upo?: string;
  pendingPolls: number;
  /** A technical correction: the SHA-256 of the rejected offline invoice it replaces. */
  hashOfCorrectedInvoice?: string;
  /** Set on a rejected offline invoice once a technical correction of it is accepted. */
  correctedBy?: string;
}

export interface BatchInfo {
  fileSize: number;
  fileHash: string;
  compression: 'Zip' | 'TarGz';
  parts: Array<{ ordinalNumber: number; fileSize: number; fileHash: string }>;
  uploaded: Map<number, Buffer>;
  uploadSecret: string;
  uploadDeadline: number;
}

export interface Session {
  referenceNumber: string;
  type: 'Online' | 'Batch';
  contextNip: string;
  authRef: string;
  /** null when the wrapped key did not decrypt (status 415). */
  key: Buffer | null;
  iv: Buffer;
  offlineMode: boolean;
  dateCreated: Date;
  dateUpdated: Date;
  validUntil: Date;
  status: Status;
  closed: boolean;
  invoices: SessionInvoice[];
  upoPages: Array<{ referenceNumber: string; xml: string }>;
  /** Status polls that still answer the in-between state after closing. */
  pendingPolls: number;
  /** The status the session ends in once its pending polls are used up. */
  finalStatus?: Status;
  batch?: BatchInfo;
}

export interface RegisteredInvoice { ksefNumber: string; sessionReferenceNumber: string; invoiceReferenceNumber: string; sellerNip: string; invoiceNumber: string; kind: string; /** SHA-256 (Base64) of the invoice file, as in the UPO (the bytes are not kept: memory stays small in a 10,000-invoice run). */ invoiceHash: string }

export interface Faults {
  unavailable: false | '503';
  tooMany: { remaining: number; retryAfter: number };
  serverErrors: { remaining: number; status: number };
  slowMs: number;
  rejections: Map<string, InvoiceStatus>;
  sessionCloseFailures: Array<{ sessionReferenceNumber?: string; status: Status }>;
  /** Every UPO served is broken this way (control.invalidUpos) until set back to false. */
  invalidUpo: false | UpoFault;
}

export interface SimSettings {
  accessTokenLifetimeMs: number;
  refreshTokenLifetimeMs: number;
  authPendingPolls: number;
  invoicePendingPolls: number;
  sessionPendingPolls: number;
  rateLimitScale: number;
  checkNip: boolean;
  validateSchema: boolean;
  maxInvoicesPerSession: number;
  fa3SchemaDir?: string;
  now: () => Date;
}

export class SimState {
  readonly challenges = new Map<string, Challenge>();
  readonly authOps = new Map<string, AuthOperation>();
  readonly tokens = new Map<string, TokenRecord>();
  readonly ksefTokens = new Map<string, { nip: string; referenceNumber: string; revoked: boolean }>();
  readonly grants = { fingerprints: new Map<string, Set<string>>(), pesels: new Map<string, Set<string>>() };
  readonly sessions = new Map<string, Session>();
  readonly register = new Map<string, RegisteredInvoice>();
  readonly downloads = new Map<string, { xml: string; expiresAt: number }>();
  readonly requestLog: Array<{ method: string; path: string; status: number }> = [];
  readonly faults: Faults = { unavailable: false, tooMany: { remaining: 0, retryAfter: 1 }, serverErrors: { remaining: 0, status: 500 }, slowMs: 0, rejections: new Map(), sessionCloseFailures: [], invalidUpo: false };
  private readonly secret = randomBytes(32);

  constructor(readonly settings: SimSettings, readonly keys: SimKeys, readonly openapi: OpenApiChecker) {}

  /** A JWT (HS256) like KSeF's, kept in `tokens` so that it can be checked and expired. */
  issueToken(kind: TokenRecord['kind'], authRef: string, lifetimeMs: number, claims: Record<string, unknown> = {}): { token: string; validUntil: string } {
    const now = this.settings.now().getTime();
    const expiresAt = now + lifetimeMs;
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const body = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ 'token-type': kind, 'operation-reference-number': authRef, ...claims, jti: randomBytes(8).toString('hex'), iat: Math.floor(now / 1000), exp: Math.floor(expiresAt / 1000), iss: 'ksef-sim', aud: 'ksef-sim' })}`;
    const token = `${body}.${createHmac('sha256', this.secret).update(body).digest('base64url')}`;
    this.tokens.set(token, { kind, authRef, expiresAt });
    return { token, validUntil: new Date(expiresAt).toISOString() };
  }

  registerKey(sellerNip: string, kind: string, invoiceNumber: string): string {
    return `${sellerNip}|${kind}|${invoiceNumber}`;
  }
}
