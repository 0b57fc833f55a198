/**
 * Batch sessions (docs/sesja-wsadowa.md): opening with the declared package and
 * parts, the upload of each encrypted part to the URL the opening returned
 * (PUT, raw bytes, no access token, 201), and closing, which starts the
 * processing: each part's size and hash as declared, each part decrypted
 * (AES-256-CBC, same key and IV), the joined package's size and hash as
 * declared, the archive read, at most 10,000 invoices, then every invoice as in
 * an interactive session. Processing runs after the close answer, in slices,
 * so the status endpoint shows 150 "Trwa przetwarzanie" meanwhile.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { requireToken } from './auth-routes.ts';
import { readArchive } from './archive.ts';
import { badRequest, KsefHttpError } from './errors.ts';
import { aesDecrypt } from './keys.ts';
import { finishSession, newInvoice, processInvoice, SESSION } from './processing.ts';
import { checkFormCode, openSession, sessionOf, type EncryptionInfo, type FormCode } from './session-routes.ts';
import type { Session, SimState, Status } from './state.ts';

const PART_TIME_MS = 20 * 60_000;
const MAX_PART_PLAIN = 100_000_000;
const sha256b64 = (b: Buffer) => createHash('sha256').update(b).digest('base64');

interface OpenBatch {
  formCode: FormCode;
  batchFile: { fileSize: number; fileHash: string; compressionType?: 'Zip' | 'TarGz' | null; fileParts: Array<{ ordinalNumber: number; fileSize: number; fileHash: string }> };
  encryption: EncryptionInfo;
  offlineMode?: boolean;
}

export function registerBatchRoutes(app: FastifyInstance, sim: SimState, origin: () => string): void {
  app.post('/v2/sessions/batch', { config: { spec: '/sessions/batch' } }, async (req, reply) => {
    const { op } = requireToken(sim, req, 'access');
    const body = req.body as OpenBatch;
    checkFormCode(body.formCode);
    const parts = body.batchFile.fileParts;
    const ordinals = parts.map((p) => p.ordinalNumber).sort((a, b) => a - b);
    if (ordinals.some((n, i) => n !== i + 1)) throw badRequest(21405, 'Numery części (ordinalNumber) muszą być kolejnymi liczbami od 1.');
    const tooBig = parts.find((p) => p.fileSize > MAX_PART_PLAIN + 16);
    if (tooBig) throw badRequest(21157, `Rozmiar części ${tooBig.ordinalNumber} przekroczył dozwolony rozmiar 100MB.`);
    const now = sim.settings.now().getTime();
    const s = openSession(sim, op, 'Batch', body.encryption, body.offlineMode === true, parts.length * PART_TIME_MS, {
      fileSize: body.batchFile.fileSize,
      fileHash: body.batchFile.fileHash,
      compression: body.batchFile.compressionType ?? 'Zip',
      parts: parts.map((p) => ({ ...p })),
      uploaded: new Map(),
      uploadSecret: randomBytes(16).toString('hex'),
      uploadDeadline: now + parts.length * PART_TIME_MS,
    });
    return reply.code(201).send({
      referenceNumber: s.referenceNumber,
      partUploadRequests: ordinals.map((n) => ({
        ordinalNumber: n,
        method: 'PUT',
        url: `${origin()}/upload/${s.referenceNumber}/${n}?sig=${s.batch!.uploadSecret}`,
        headers: { 'x-ms-blob-type': 'BlockBlob', 'Content-Type': 'application/octet-stream' },
      })),
    });
  });

  // The part upload (stands in for the storage service behind the real URLs).
  app.put('/upload/:ref/:ordinal', async (req, reply) => {
    const { ref, ordinal } = req.params as { ref: string; ordinal: string };
    const s = sim.sessions.get(ref);
    const sig = (req.query as { sig?: string }).sig;
    if (!s?.batch || sig !== s.batch.uploadSecret) return reply.code(401).send();
    if (s.closed || sim.settings.now().getTime() > s.batch.uploadDeadline) return reply.code(403).send();
    const n = Number(ordinal);
    if (!s.batch.parts.some((p) => p.ordinalNumber === n)) return reply.code(400).send();
    if (!Buffer.isBuffer(req.body)) return reply.code(400).send();
    s.batch.uploaded.set(n, req.body);
    s.dateUpdated = sim.settings.now();
    return reply.code(201).send();
  });

  app.post('/v2/sessions/batch/:referenceNumber/close', { config: { spec: '/sessions/batch/{referenceNumber}/close' } }, async (req, reply) => {
    const s = sessionOf(sim, req, 'Batch');
    const b = s.batch!;
    if (s.closed) throw badRequest(21180, `Status sesji ${s.status.code} uniemożliwia jej zamknięcie.`);
    if (sim.settings.now().getTime() > b.uploadDeadline) {
      s.closed = true;
      s.status = s.finalStatus = { code: 440, description: 'Sesja anulowana', details: ['Przekroczono czas wysyłki'] };
      throw badRequest(21208, 'Sesja anulowana, przekroczony czas wysyłki.');
    }
    const errors = [];
    for (const p of b.parts) {
      const got = b.uploaded.get(p.ordinalNumber);
      if (!got) errors.push({ code: 21205, description: 'Pakiet nie może być pusty.', details: [`Nie przesłano zadeklarowanej '${p.ordinalNumber}' części pliku.`] });
      else if (got.length !== p.fileSize) errors.push({ code: 21157, description: 'Nieprawidłowy rozmiar części pakietu.', details: [`Zadeklarowany rozmiar części '${p.ordinalNumber}' nie zgadza się z rzeczywistym.`] });
    }
    if (errors.length) throw new KsefHttpError(400, errors);
    s.closed = true;
    s.status = SESSION.batchProcessing;
    s.dateUpdated = sim.settings.now();
    s.pendingPolls = sim.settings.sessionPendingPolls;
    setImmediate(() => void processBatch(sim, s));
    return reply.code(204).send();
  });
}

const end = (sim: SimState, s: Session, status: Status) => {
  const forced = sim.faults.sessionCloseFailures.findIndex((f) => f.sessionReferenceNumber === undefined || f.sessionReferenceNumber === s.referenceNumber);
  if (forced >= 0) return finishSession(sim, s);
  s.finalStatus = status;
};

async function processBatch(sim: SimState, s: Session): Promise<void> {
  const b = s.batch!;
  // A failure set with control.failSessionClose: the batch fails at its close, before any invoice is processed.
  if (sim.faults.sessionCloseFailures.some((f) => f.sessionReferenceNumber === undefined || f.sessionReferenceNumber === s.referenceNumber)) return finishSession(sim, s);
  const plainParts: Buffer[] = [];
  for (const p of b.parts) {
    const enc = b.uploaded.get(p.ordinalNumber)!;
    if (sha256b64(enc) !== p.fileHash) return end(sim, s, { ...SESSION.badParts, details: [`Skrót części ${p.ordinalNumber} nie zgadza się z zadeklarowanym.`] });
    const plain = aesDecrypt(s.key!, s.iv, enc);
    if (!plain) return end(sim, s, SESSION.badPartDecrypt);
    plainParts.push(plain);
  }
  b.uploaded.clear(); // the encrypted parts are no longer needed: keep memory bounded
  const pkg = Buffer.concat(plainParts);
  if (pkg.length !== b.fileSize || sha256b64(pkg) !== b.fileHash) return end(sim, s, { ...SESSION.badParts, details: ['Rozmiar lub skrót paczki nie zgadza się z zadeklarowanym.'] });
  let files;
  try {
    files = readArchive(pkg, b.compression);
  } catch (e) {
    return end(sim, s, { ...SESSION.badArchive, details: [(e as Error).message] });
  }
  if (files.length > sim.settings.maxInvoicesPerSession) return end(sim, s, SESSION.tooManyInvoices);
  // Slices of 20 invoices (~0.1 s) per turn of the event loop: status polls are answered meanwhile.
  for (let i = 0; i < files.length; i += 20) {
    for (const f of files.slice(i, i + 20)) {
      const inv = newInvoice(sim, s, sha256b64(f.bytes), f.name);
      processInvoice(sim, s, inv, f.bytes);
    }
    await new Promise((r) => setImmediate(r));
  }
  s.dateUpdated = sim.settings.now();
  finishSession(sim, s);
}
