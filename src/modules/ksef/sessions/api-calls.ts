/**
 * The session calls of KSeF API 2.0 (../shared/ksef/docs/sesja-interaktywna.md,
 * sesja-wsadowa.md, faktury/sesje/sesja-sprawdzenie-stanu-i-pobranie-upo.md),
 * each as the OpenAPI spec words its request. No state here: send.ts
 * records what was done before and after each call.
 */
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import type { KsefApi } from '../api.ts';
import { aesCbcEncrypt, encryptionInfo, sha256b64, type MinistryKey, type SessionKey } from '../crypto.ts';
import type { Package } from './zip-parts.ts';

export const FORM_CODE = { systemCode: 'FA (3)', schemaVersion: '1-0E', value: 'FA' };

export async function openOnlineSession(api: KsefApi, token: string, key: SessionKey, mk: MinistryKey): Promise<string> {
  const r = await api.request<{ referenceNumber: string }>('/sessions/online', { method: 'POST', token, json: { formCode: FORM_CODE, encryption: encryptionInfo(key, mk) } });
  return r.referenceNumber;
}

export async function sendOnlineInvoice(api: KsefApi, token: string, session: string, key: SessionKey, xml: Uint8Array, opts: { offline?: boolean } = {}): Promise<string> {
  const encrypted = aesCbcEncrypt(key, xml);
  const r = await api.request<{ referenceNumber: string }>(`/sessions/online/${session}/invoices`, {
    method: 'POST',
    token,
    json: {
      invoiceHash: sha256b64(xml),
      invoiceSize: xml.length,
      encryptedInvoiceHash: sha256b64(encrypted),
      encryptedInvoiceSize: encrypted.length,
      encryptedInvoiceContent: encrypted.toString('base64'),
      ...(opts.offline ? { offlineMode: true } : {}),
    },
  });
  return r.referenceNumber;
}

export async function closeOnlineSession(api: KsefApi, token: string, session: string): Promise<void> {
  await api.request(`/sessions/online/${session}/close`, { method: 'POST', token });
}

export interface PartUploadRequest {
  ordinalNumber: number;
  method: string;
  url: string;
  headers: Record<string, string>;
}

export async function openBatchSession(api: KsefApi, token: string, key: SessionKey, mk: MinistryKey, pkg: Package, opts: { offline?: boolean } = {}) {
  return api.request<{ referenceNumber: string; partUploadRequests: PartUploadRequest[] }>('/sessions/batch', {
    method: 'POST',
    token,
    json: {
      formCode: FORM_CODE,
      batchFile: {
        fileSize: pkg.zip.fileSize,
        fileHash: pkg.zip.fileHash,
        fileParts: pkg.parts.map((p) => ({ ordinalNumber: p.ordinalNumber, fileSize: p.fileSize, fileHash: p.fileHash })),
      },
      encryption: encryptionInfo(key, mk),
      ...(opts.offline ? { offlineMode: true } : {}),
    },
  });
}

/** Sends one part's bytes as KSeF said (its URL, method and headers; no access token), streamed from its file. */
export async function uploadPart(api: KsefApi, req: PartUploadRequest, file: { path: string; fileSize: number }): Promise<void> {
  const body = Readable.toWeb(createReadStream(file.path)) as unknown as ReadableStream;
  await api.request(req.url, { method: req.method, body: body as never, headers: { ...req.headers, 'content-length': String(file.fileSize) }, accept: 'text' });
}

export async function closeBatchSession(api: KsefApi, token: string, session: string): Promise<void> {
  await api.request(`/sessions/batch/${session}/close`, { method: 'POST', token });
}

export interface StatusInfo {
  code: number;
  description: string;
  details?: string[];
  extensions?: Record<string, unknown> | null;
}

export interface SessionStatus {
  status: StatusInfo;
  invoiceCount?: number | null;
  successfulInvoiceCount?: number | null;
  failedInvoiceCount?: number | null;
}

export function sessionStatus(api: KsefApi, token: string, session: string): Promise<SessionStatus> {
  return api.request<SessionStatus>(`/sessions/${session}`, { token });
}

export interface SessionInvoice {
  ordinalNumber: number;
  invoiceNumber?: string | null;
  ksefNumber?: string | null;
  referenceNumber: string;
  invoiceHash: string;
  invoiceFileName?: string | null;
  upoDownloadUrl?: string | null;
  status: StatusInfo;
}

/** Every invoice of a session, page by page (continuation token). */
export async function* sessionInvoices(api: KsefApi, token: string, session: string): AsyncGenerator<SessionInvoice> {
  let cont: string | undefined;
  do {
    const r = await api.request<{ continuationToken?: string | null; invoices: SessionInvoice[] }>(`/sessions/${session}/invoices`, {
      token,
      query: { pageSize: 1000 },
      headers: cont ? { 'x-continuation-token': cont } : {},
    });
    yield* r.invoices;
    cont = r.continuationToken ?? undefined;
  } while (cont);
}

export function sessionInvoice(api: KsefApi, token: string, session: string, invoiceRef: string): Promise<SessionInvoice> {
  return api.request<SessionInvoice>(`/sessions/${session}/invoices/${invoiceRef}`, { token });
}

/** An accepted invoice's UPO: the link KSeF gave (outside the API limits) or the API path. */
export async function invoiceUpo(api: KsefApi, token: string, session: string, inv: { referenceNumber?: string; ksefNumber?: string | null; upoDownloadUrl?: string | null }): Promise<Buffer> {
  if (inv.upoDownloadUrl) {
    try {
      return await api.request<Buffer>(inv.upoDownloadUrl, { accept: 'bytes' });
    } catch {
      /* the link lapsed: the API path below */
    }
  }
  const path = inv.referenceNumber ? `/sessions/${session}/invoices/${inv.referenceNumber}/upo` : `/sessions/${session}/invoices/ksef/${inv.ksefNumber}/upo`;
  return api.request<Buffer>(path, { token, accept: 'bytes' });
}
