/**
 * Turning one decrypted invoice into its KSeF outcome: the checks of
 * invoice-check.ts, the rejections the control API set, the duplicate
 * register (seller NIP, RodzajFaktury, P_2 → 440 with the original number),
 * and for an accepted invoice its KSeF number and UPO. Also the end of a
 * session: its final status and the collective UPO pages.
 */
import { createHash } from 'node:crypto';
import { checkInvoice, STATUS } from './invoice-check.ts';
import { makeKsefNumber, makeReferenceNumber } from './ksef-number.ts';
import type { Session, SessionInvoice, SimState, Status } from './state.ts';
import { invoiceUpo, sessionUpoPages, type UpoContext, type UpoDocument } from './upo.ts';

/** Today's date in Poland (the day KSeF accepts a document), YYYY-MM-DD. */
const warsawDay = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Warsaw' });
export const polishDay = (d: Date) => warsawDay.format(d);

export const upoContext = (sim: SimState, s: Session): UpoContext => ({
  sessionReferenceNumber: s.referenceNumber,
  contextNip: s.contextNip,
  auth: sim.authOps.get(s.authRef)?.upoAuth ?? { documentHash: createHash('sha256').update(s.authRef).digest('base64') },
});

export function newInvoice(sim: SimState, s: Session, invoiceHash: string, fileName?: string): SessionInvoice {
  const inv: SessionInvoice = {
    ordinalNumber: s.invoices.length + 1,
    referenceNumber: makeReferenceNumber('EE', sim.settings.now()),
    invoiceHash,
    ...(fileName !== undefined ? { invoiceFileName: fileName } : {}),
    invoicingDate: sim.settings.now(),
    status: { ...STATUS.accepted },
    mode: s.offlineMode ? 'Offline' : 'Online',
    pendingPolls: sim.settings.invoicePendingPolls,
  };
  s.invoices.push(inv);
  return inv;
}

/** Checks and (when it passes) numbers one decrypted invoice of a session. */
export function processInvoice(sim: SimState, s: Session, inv: SessionInvoice, bytes: Buffer): void {
  const now = sim.settings.now();
  const r = checkInvoice(bytes, {
    acceptanceDay: polishDay(inv.invoicingDate),
    contextNip: s.contextNip,
    // A technical correction may carry attachments in an interactive session (weryfikacja-faktury.md).
    interactive: s.type === 'Online' && inv.hashOfCorrectedInvoice === undefined,
    checkNip: sim.settings.checkNip,
    validateSchema: sim.settings.validateSchema,
    ...(sim.settings.fa3SchemaDir ? { fa3SchemaDir: sim.settings.fa3SchemaDir } : {}),
  });
  inv.facts = r.ok ? r.facts : r.facts;
  if (!r.ok) {
    inv.status = r.status;
    return;
  }
  const f = r.facts;
  const forced = sim.faults.rejections.get(f.invoiceNumber);
  if (forced) {
    inv.status = { ...forced };
    return;
  }
  const key = sim.registerKey(f.sellerNip, f.kind, f.invoiceNumber);
  const original = sim.register.get(key);
  if (original) {
    inv.status = {
      ...STATUS.duplicate,
      details: [`Duplikat faktury. Faktura o numerze ${f.invoiceNumber} została już przyjęta z numerem KSeF ${original.ksefNumber}.`],
      extensions: { originalSessionReferenceNumber: original.sessionReferenceNumber, originalKsefNumber: original.ksefNumber },
    };
    return;
  }
  inv.ksefNumber = makeKsefNumber(f.sellerNip, inv.invoicingDate);
  inv.acquisitionDate = now;
  inv.status = { ...STATUS.success };
  inv.upo = invoiceUpo(upoContext(sim, s), upoDocumentOf(inv));
  if (inv.hashOfCorrectedInvoice) {
    for (const other of sim.sessions.values()) {
      for (const o of other.invoices) if (o.invoiceHash === inv.hashOfCorrectedInvoice && o.mode === 'Offline' && o.status.code >= 400) o.correctedBy = inv.ksefNumber;
    }
  }
  sim.register.set(key, { ksefNumber: inv.ksefNumber, sessionReferenceNumber: s.referenceNumber, invoiceReferenceNumber: inv.referenceNumber, sellerNip: f.sellerNip, invoiceNumber: f.invoiceNumber, kind: f.kind, invoiceHash: inv.invoiceHash });
}

function upoDocumentOf(inv: SessionInvoice): UpoDocument {
  return {
    sellerNip: inv.facts!.sellerNip!,
    ksefNumber: inv.ksefNumber!,
    invoiceNumber: inv.facts!.invoiceNumber!,
    issueDate: inv.facts!.issueDate!,
    sentAt: inv.invoicingDate,
    numberedAt: inv.acquisitionDate!,
    invoiceHash: inv.invoiceHash,
    mode: inv.mode,
  };
}

/** Session statuses of open-api.json (SessionStatusResponse.status). */
export const SESSION = {
  onlineOpen: { code: 100, description: 'Sesja interaktywna otwarta' },
  onlineClosed: { code: 170, description: 'Sesja interaktywna zamknięta' },
  onlineDone: { code: 200, description: 'Sesja interaktywna przetworzona pomyślnie' },
  batchOpen: { code: 100, description: 'Sesja wsadowa rozpoczęta' },
  batchProcessing: { code: 150, description: 'Trwa przetwarzanie' },
  batchDone: { code: 200, description: 'Sesja wsadowa przetworzona pomyślnie' },
  badParts: { code: 405, description: 'Błąd weryfikacji poprawności dostarczonych elementów paczki' },
  badKey: { code: 415, description: 'Błąd odszyfrowania dostarczonego klucza' },
  tooManyInvoices: { code: 420, description: 'Przekroczony limit faktur w sesji' },
  badArchive: { code: 430, description: 'Błąd dekompresji pierwotnego archiwum' },
  badPartDecrypt: { code: 435, description: 'Błąd odszyfrowania zaszyfrowanych części archiwum' },
  noInvoices: { code: 440, description: 'Sesja anulowana', details: ['Nie przesłano faktur'] },
  noValidInvoices: { code: 445, description: 'Błąd weryfikacji, brak poprawnych faktur' },
} satisfies Record<string, Status>;

/**
 * The status a closed session ends in and its UPO pages. A failure set with
 * control.failSessionClose wins; invoices not yet decided then get 405.
 */
export function finishSession(sim: SimState, s: Session): void {
  const i = sim.faults.sessionCloseFailures.findIndex((f) => f.sessionReferenceNumber === undefined || f.sessionReferenceNumber === s.referenceNumber);
  if (i >= 0) {
    const [f] = sim.faults.sessionCloseFailures.splice(i, 1);
    for (const inv of s.invoices) if (inv.status.code < 200) inv.status = { ...STATUS.sessionError };
    s.finalStatus = f.status;
    return;
  }
  const ok = s.invoices.filter((x) => x.status.code === 200);
  if (s.invoices.length === 0) s.finalStatus = SESSION.noInvoices;
  else if (ok.length === 0) s.finalStatus = SESSION.noValidInvoices;
  else s.finalStatus = s.type === 'Online' ? SESSION.onlineDone : SESSION.batchDone;
  s.upoPages = sessionUpoPages(upoContext(sim, s), ok.map(upoDocumentOf)).map((xml) => ({ referenceNumber: makeReferenceNumber('EU', sim.settings.now()), xml }));
}

export function sessionStatusNow(s: Session): Status {
  if (!s.closed || !s.finalStatus) return s.status;
  if (s.pendingPolls > 0) {
    s.pendingPolls--;
    return s.status;
  }
  s.status = s.finalStatus;
  return s.status;
}
