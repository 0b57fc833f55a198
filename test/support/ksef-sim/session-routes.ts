/**
 * Interactive sessions (docs/sesja-interaktywna.md) and the status/UPO
 * operations shared with batch sessions
 * (docs/faktury/sesje/sesja-sprawdzenie-stanu-i-pobranie-upo.md).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireToken } from './auth-routes.ts';
import { badRequest } from './errors.ts';
import { STATUS } from './invoice-check.ts';
import { aesDecrypt, rsaOaepDecrypt } from './keys.ts';
import { makeReferenceNumber } from './ksef-number.ts';
import { finishSession, newInvoice, processInvoice, SESSION, sessionStatusNow } from './processing.ts';
import type { AuthOperation, BatchInfo, Session, SessionInvoice, SimState } from './state.ts';
import { brokenUpo } from './upo.ts';

const ONLINE_LIFETIME_MS = 12 * 3_600_000;
const DOWNLOAD_LIFETIME_MS = 3_600_000;
const sha256b64 = (b: Buffer | string) => createHash('sha256').update(b).digest('base64');

export interface EncryptionInfo { encryptedSymmetricKey: string; initializationVector: string; publicKeyId?: string | null }
export interface FormCode { systemCode: string; schemaVersion: string; value: string }

/** Only FA(3) is simulated (the schema the project validates against). */
export function checkFormCode(f: FormCode): void {
  if (f.systemCode !== 'FA (3)' || f.schemaVersion !== '1-0E' || f.value !== 'FA') throw badRequest(21405, 'Wskazany kod formularza nie jest wspierany.');
}

/** Unwraps the session key (RSA-OAEP SHA-256 with the SymmetricKeyEncryption key); null key → the session gets status 415. */
export function unwrapKey(sim: SimState, e: EncryptionInfo): { key: Buffer | null; iv: Buffer } {
  const k = sim.keys.SymmetricKeyEncryption;
  if (e.publicKeyId && e.publicKeyId !== k.published.publicKeyId) throw badRequest(21470, `Klucz o identyfikatorze ${e.publicKeyId} nie jest wspierany.`);
  const iv = Buffer.from(e.initializationVector, 'base64');
  if (iv.length !== 16) throw badRequest(21405, 'Wektor inicjalizujący musi mieć 16 bajtów.');
  const key = rsaOaepDecrypt(k, Buffer.from(e.encryptedSymmetricKey, 'base64'));
  return { key: key && key.length === 32 ? key : null, iv };
}

/**
 * A new session of the caller's context with the unwrapped key; a key that does
 * not unwrap gives a session already ended with 415 "Błąd odszyfrowania dostarczonego klucza".
 */
export function openSession(sim: SimState, op: AuthOperation, type: Session['type'], encryption: EncryptionInfo, offlineMode: boolean, lifetimeMs: number, batch?: BatchInfo): Session {
  const { key, iv } = unwrapKey(sim, encryption);
  const now = sim.settings.now();
  const s: Session = {
    referenceNumber: makeReferenceNumber(type === 'Online' ? 'SO' : 'SB', now),
    type,
    contextNip: op.contextNip,
    authRef: op.referenceNumber,
    key,
    iv,
    offlineMode,
    dateCreated: now,
    dateUpdated: now,
    validUntil: new Date(now.getTime() + lifetimeMs),
    status: key ? (type === 'Online' ? SESSION.onlineOpen : SESSION.batchOpen) : SESSION.badKey,
    closed: key === null,
    invoices: [],
    upoPages: [],
    pendingPolls: 0,
    ...(key ? {} : { finalStatus: SESSION.badKey }),
    ...(batch ? { batch } : {}),
  };
  sim.sessions.set(s.referenceNumber, s);
  return s;
}

/**
 * A technical correction (docs/offline/korekta-techniczna.md): offline mode, and the
 * corrected invoice is an offline invoice of this context that KSeF rejected and
 * that has no accepted correction yet (21166 / 21167 otherwise).
 */
function checkTechnicalCorrection(sim: SimState, contextNip: string, hash: string, offline: boolean): void {
  if (!offline) throw badRequest(21405, 'Korekta techniczna wymaga offlineMode = true.');
  const originals = [...sim.sessions.values()].filter((x) => x.contextNip === contextNip).flatMap((x) => x.invoices).filter((i) => i.invoiceHash === hash);
  if (originals.some((i) => i.status.code === 200)) throw badRequest(21167, 'Nie można wysłać korekty technicznej do prawidłowo przetworzonej faktury.');
  if (originals.some((i) => i.correctedBy)) throw badRequest(21166, 'Faktura posiada już przetworzoną prawidłowo korektę techniczną.');
  if (!originals.some((i) => i.mode === 'Offline' && i.status.code >= 400)) throw badRequest(21167, 'Nie znaleziono odrzuconej faktury offline o wskazanym skrócie.');
}

/** The caller's session (same context), else 21173. */
export function sessionOf(sim: SimState, req: FastifyRequest, type?: Session['type']): Session {
  const { op } = requireToken(sim, req, 'access');
  const ref = (req.params as { referenceNumber: string }).referenceNumber;
  const s = sim.sessions.get(ref);
  if (!s || s.contextNip !== op.contextNip || (type && s.type !== type)) throw badRequest(21173, `Sesja o numerze referencyjnym ${ref} nie została odnaleziona.`);
  return s;
}

export function downloadUrl(sim: SimState, origin: string, xml: string): { url: string; expires: string } {
  const id = randomBytes(16).toString('hex');
  const expiresAt = sim.settings.now().getTime() + DOWNLOAD_LIFETIME_MS;
  sim.downloads.set(id, { xml, expiresAt });
  return { url: `${origin}/upo-download/${id}`, expires: new Date(expiresAt).toISOString() };
}

function invoiceView(sim: SimState, origin: string, inv: SessionInvoice, polled: boolean) {
  let status = inv.status;
  if (polled && inv.pendingPolls > 0 && inv.status.code >= 200) {
    inv.pendingPolls--;
    status = STATUS.processing;
  }
  const final = status === inv.status;
  const dl = final && inv.upo ? downloadUrl(sim, origin, inv.upo) : null;
  return {
    ordinalNumber: inv.ordinalNumber,
    ...(inv.facts?.invoiceNumber ? { invoiceNumber: inv.facts.invoiceNumber } : {}),
    ...(final && inv.ksefNumber ? { ksefNumber: inv.ksefNumber } : {}),
    referenceNumber: inv.referenceNumber,
    invoiceHash: inv.invoiceHash,
    ...(inv.invoiceFileName ? { invoiceFileName: inv.invoiceFileName } : {}),
    ...(final && inv.acquisitionDate ? { acquisitionDate: inv.acquisitionDate.toISOString(), permanentStorageDate: new Date(inv.acquisitionDate.getTime() + 1000).toISOString() } : {}),
    invoicingDate: inv.invoicingDate.toISOString(),
    ...(dl ? { upoDownloadUrl: dl.url, upoDownloadUrlExpirationDate: dl.expires } : {}),
    invoicingMode: inv.mode,
    status,
  };
}

function sendXml(sim: SimState, reply: FastifyReply, stored: string) {
  const xml = sim.faults.invalidUpo ? brokenUpo(stored, sim.faults.invalidUpo) : stored;
  return reply.type('application/xml; charset=utf-8').header('x-ms-meta-hash', sha256b64(Buffer.from(xml, 'utf8'))).send(xml);
}

function page<T>(req: FastifyRequest, list: T[]) {
  const size = Number((req.query as { pageSize?: number }).pageSize ?? 10);
  const token = req.headers['x-continuation-token'];
  let offset = 0;
  if (typeof token === 'string' && token !== '') {
    offset = Number(Buffer.from(token, 'base64url').toString('utf8').replace(/^offset:/, ''));
    if (!Number.isInteger(offset) || offset < 0) throw badRequest(21418);
  }
  const items = list.slice(offset, offset + size);
  const next = offset + size < list.length ? Buffer.from(`offset:${offset + size}`).toString('base64url') : null;
  return { items, next };
}

export function registerSessionRoutes(app: FastifyInstance, sim: SimState, origin: () => string): void {
  app.post('/v2/sessions/online', { config: { spec: '/sessions/online' } }, async (req, reply) => {
    const { op } = requireToken(sim, req, 'access');
    const body = req.body as { formCode: FormCode; encryption: EncryptionInfo };
    checkFormCode(body.formCode);
    const s = openSession(sim, op, 'Online', body.encryption, false, ONLINE_LIFETIME_MS);
    return reply.code(201).send({ referenceNumber: s.referenceNumber, validUntil: s.validUntil.toISOString() });
  });

  app.post('/v2/sessions/online/:referenceNumber/invoices', { config: { spec: '/sessions/online/{referenceNumber}/invoices' } }, async (req, reply) => {
    const s = sessionOf(sim, req, 'Online');
    if (s.closed || s.status.code !== 100) throw badRequest(21180, `Status sesji ${s.status.code} uniemożliwia wysyłkę faktur.`);
    if (s.invoices.length >= sim.settings.maxInvoicesPerSession) throw badRequest(21155, `Sesja o numerze referencyjnym ${s.referenceNumber} osiągnęła dozwolony limit liczby faktur ${sim.settings.maxInvoicesPerSession}.`);
    const b = req.body as { invoiceHash: string; invoiceSize: number; encryptedInvoiceHash: string; encryptedInvoiceSize: number; encryptedInvoiceContent: string; offlineMode?: boolean; hashOfCorrectedInvoice?: string | null };
    if (b.hashOfCorrectedInvoice) checkTechnicalCorrection(sim, s.contextNip, b.hashOfCorrectedInvoice, b.offlineMode === true);
    const encrypted = Buffer.from(b.encryptedInvoiceContent, 'base64');
    if (encrypted.length !== b.encryptedInvoiceSize) throw badRequest(21402, 'Długość treści nie zgadza się z rozmiarem pliku.');
    if (sha256b64(encrypted) !== b.encryptedInvoiceHash) throw badRequest(21403, 'Skrót treści nie zgadza się ze skrótem pliku.');
    const plain = aesDecrypt(s.key!, s.iv, encrypted);
    if (plain && plain.length !== b.invoiceSize) throw badRequest(21402, 'Długość treści nie zgadza się z rozmiarem pliku.');
    if (plain && sha256b64(plain) !== b.invoiceHash) throw badRequest(21403, 'Skrót treści nie zgadza się ze skrótem pliku.');
    s.dateUpdated = sim.settings.now();
    const inv = newInvoice(sim, s, b.invoiceHash);
    if (b.offlineMode) inv.mode = 'Offline';
    if (b.hashOfCorrectedInvoice) inv.hashOfCorrectedInvoice = b.hashOfCorrectedInvoice;
    if (!plain) inv.status = { ...STATUS.decrypt };
    else processInvoice(sim, s, inv, plain);
    return reply.code(202).send({ referenceNumber: inv.referenceNumber });
  });

  app.post('/v2/sessions/online/:referenceNumber/close', { config: { spec: '/sessions/online/{referenceNumber}/close' } }, async (req, reply) => {
    const s = sessionOf(sim, req, 'Online');
    if (s.closed) throw badRequest(21180, `Status sesji ${s.status.code} uniemożliwia jej zamknięcie.`);
    s.closed = true;
    s.status = SESSION.onlineClosed;
    s.dateUpdated = sim.settings.now();
    s.pendingPolls = sim.settings.sessionPendingPolls;
    finishSession(sim, s);
    return reply.code(204).send();
  });

  app.get('/v2/sessions', { config: { spec: '/sessions' } }, async (req) => {
    const { op } = requireToken(sim, req, 'access');
    const q = req.query as { sessionType: Session['type']; referenceNumber?: string; statuses?: string[]; dateCreatedFrom?: string; dateCreatedTo?: string; pageSize?: number };
    const common = (s: Session) => {
      const st = s.closed && s.finalStatus && s.pendingPolls === 0 ? s.finalStatus : s.status;
      return st.code < 200 ? 'InProgress' : st.code === 200 ? 'Succeeded' : st.code === 440 ? 'Cancelled' : 'Failed';
    };
    const list = [...sim.sessions.values()].filter(
      (s) =>
        s.contextNip === op.contextNip &&
        s.type === q.sessionType &&
        (!q.referenceNumber || s.referenceNumber === q.referenceNumber) &&
        (!q.statuses?.length || q.statuses.includes(common(s))) &&
        (!q.dateCreatedFrom || s.dateCreated >= new Date(q.dateCreatedFrom)) &&
        (!q.dateCreatedTo || s.dateCreated <= new Date(q.dateCreatedTo)),
    );
    const { items, next } = page(req, list);
    return {
      ...(next ? { continuationToken: next } : {}),
      sessions: items.map((s) => ({
        referenceNumber: s.referenceNumber,
        status: s.closed && s.finalStatus && s.pendingPolls === 0 ? s.finalStatus : s.status,
        dateCreated: s.dateCreated.toISOString(),
        dateUpdated: s.dateUpdated.toISOString(),
        ...(s.type === 'Online' ? { validUntil: s.validUntil.toISOString() } : {}),
        totalInvoiceCount: s.invoices.length,
        successfulInvoiceCount: s.invoices.filter((i) => i.status.code === 200).length,
        failedInvoiceCount: s.invoices.filter((i) => i.status.code >= 400).length,
      })),
    };
  });

  app.get('/v2/sessions/:referenceNumber', { config: { spec: '/sessions/{referenceNumber}' } }, async (req) => {
    const s = sessionOf(sim, req);
    const status = sessionStatusNow(s);
    const done = s.closed && status === s.finalStatus;
    const ok = s.invoices.filter((x) => x.status.code === 200).length;
    const failed = s.invoices.filter((x) => x.status.code >= 400).length;
    return {
      status,
      dateCreated: s.dateCreated.toISOString(),
      dateUpdated: s.dateUpdated.toISOString(),
      ...(s.type === 'Online' ? { validUntil: s.validUntil.toISOString() } : {}),
      ...(done && s.upoPages.length
        ? {
            upo: {
              pages: s.upoPages.map((p) => {
                const dl = downloadUrl(sim, origin(), p.xml);
                return { referenceNumber: p.referenceNumber, downloadUrl: dl.url, downloadUrlExpirationDate: dl.expires };
              }),
            },
          }
        : {}),
      invoiceCount: s.invoices.length,
      ...(done || s.type === 'Online' ? { successfulInvoiceCount: ok, failedInvoiceCount: failed } : {}),
    };
  });

  app.get('/v2/sessions/:referenceNumber/invoices', { config: { spec: '/sessions/{referenceNumber}/invoices' } }, async (req) => {
    const s = sessionOf(sim, req);
    const { items, next } = page(req, s.invoices);
    return { ...(next ? { continuationToken: next } : {}), invoices: items.map((i) => invoiceView(sim, origin(), i, false)) };
  });

  app.get('/v2/sessions/:referenceNumber/invoices/failed', { config: { spec: '/sessions/{referenceNumber}/invoices/failed' } }, async (req) => {
    const s = sessionOf(sim, req);
    const { items, next } = page(req, s.invoices.filter((i) => i.status.code >= 400));
    return { ...(next ? { continuationToken: next } : {}), invoices: items.map((i) => invoiceView(sim, origin(), i, false)) };
  });

  app.get('/v2/sessions/:referenceNumber/invoices/:invoiceReferenceNumber', { config: { spec: '/sessions/{referenceNumber}/invoices/{invoiceReferenceNumber}' } }, async (req) => {
    const s = sessionOf(sim, req);
    const ref = (req.params as { invoiceReferenceNumber: string }).invoiceReferenceNumber;
    const inv = s.invoices.find((i) => i.referenceNumber === ref);
    if (!inv) throw badRequest(21405, `Faktura o numerze referencyjnym ${ref} nie została znaleziona w sesji ${s.referenceNumber}.`);
    return invoiceView(sim, origin(), inv, true);
  });

  app.get('/v2/sessions/:referenceNumber/invoices/:invoiceReferenceNumber/upo', { config: { spec: '/sessions/{referenceNumber}/invoices/{invoiceReferenceNumber}/upo' } }, async (req, reply) => {
    const s = sessionOf(sim, req);
    const ref = (req.params as { invoiceReferenceNumber: string }).invoiceReferenceNumber;
    const inv = s.invoices.find((i) => i.referenceNumber === ref);
    if (!inv?.upo) throw badRequest(21178, `UPO faktury ${ref} w sesji ${s.referenceNumber} nie zostało znalezione.`);
    return sendXml(sim, reply, inv.upo);
  });

  app.get('/v2/sessions/:referenceNumber/invoices/ksef/:ksefNumber/upo', { config: { spec: '/sessions/{referenceNumber}/invoices/ksef/{ksefNumber}/upo' } }, async (req, reply) => {
    const s = sessionOf(sim, req);
    const n = (req.params as { ksefNumber: string }).ksefNumber;
    const inv = s.invoices.find((i) => i.ksefNumber === n);
    if (!inv?.upo) throw badRequest(21178, `UPO o numerze KSeF ${n} i numerze referencyjnym sesji ${s.referenceNumber} nie zostało znalezione.`);
    return sendXml(sim, reply, inv.upo);
  });

  app.get('/v2/sessions/:referenceNumber/upo/:upoReferenceNumber', { config: { spec: '/sessions/{referenceNumber}/upo/{upoReferenceNumber}' } }, async (req, reply) => {
    const s = sessionOf(sim, req);
    const ref = (req.params as { upoReferenceNumber: string }).upoReferenceNumber;
    const p = s.status === s.finalStatus ? s.upoPages.find((x) => x.referenceNumber === ref) : undefined;
    if (!p) throw badRequest(21178, `UPO o numerze referencyjnym ${ref} dla sesji ${s.referenceNumber} nie zostało znalezione.`);
    return sendXml(sim, reply, p.xml);
  });

  // The pre-signed download links of UPOs (no access token, not rate-limited).
  app.get('/upo-download/:id', async (req, reply) => {
    const d = sim.downloads.get((req.params as { id: string }).id);
    if (!d || d.expiresAt < sim.settings.now().getTime()) return reply.code(404).send();
    return sendXml(sim, reply, d.xml);
  });
}
