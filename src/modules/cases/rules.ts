/**
 * The rules of cases (sprawy), pure: which kinds and statuses exist, what a
 * customer's new case and a reply must hold, which attachments are taken,
 * the complaint deadline and its warning. The web app imports this file too
 * (web/src/pages/cases/), so the form and the server refuse the same input
 * with the same words.
 */

export const CASE_KINDS = ['reading', 'dataChange', 'complaint', 'failure', 'message'] as const;
export type CaseKind = (typeof CASE_KINDS)[number];
/** What a customer may open from the portal (readings and data changes come from their own forms). */
export const CUSTOMER_KINDS = ['complaint', 'failure', 'message'] as const;
export type CustomerKind = (typeof CUSTOMER_KINDS)[number];

export const CASE_STATUSES = ['new', 'in_progress', 'waiting_for_customer', 'resolved', 'rejected', 'closed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];
export const OPEN_STATUSES: readonly CaseStatus[] = ['new', 'in_progress', 'waiting_for_customer'];
export const isOpen = (s: string) => (OPEN_STATUSES as readonly string[]).includes(s);

export const SUBJECT_MAX = 200;
export const BODY_MAX = 5000;
export const PLACE_MAX = 300;
/** Attachments: photos only (a failure, a meter, a document photographed), at most this many bytes. */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
export const ATTACHMENT_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/heic'] as const;
export type AttachmentType = (typeof ATTACHMENT_TYPES)[number];
/** A warning shows this many days before the complaint deadline. */
export const DUE_WARNING_DAYS = 3;

export interface Problem {
  field: string;
  code: string;
  pl: string;
  en: string;
}

const p = (field: string, code: string, pl: string, en: string): Problem => ({ field, code, pl, en });

export interface NewCaseInput {
  kind: string;
  subject: string;
  body: string;
  place?: string;
}

/** What is wrong with a customer's new case (empty when nothing). */
export function newCaseProblems(i: NewCaseInput): Problem[] {
  const out: Problem[] = [];
  if (!(CUSTOMER_KINDS as readonly string[]).includes(i.kind)) {
    out.push(p('kind', 'cases.kind_invalid', 'Prosimy wybrać rodzaj sprawy: reklamacja, zgłoszenie awarii albo wiadomość.', 'Please choose the kind of case: a complaint, a failure report or a message.'));
  }
  const subject = i.subject.trim();
  if (!subject) out.push(p('subject', 'cases.subject_required', 'Prosimy podać temat sprawy.', 'Please enter a subject.'));
  else if (subject.length > SUBJECT_MAX) out.push(p('subject', 'cases.subject_too_long', `Temat może mieć najwyżej ${SUBJECT_MAX} znaków.`, `The subject may be at most ${SUBJECT_MAX} characters long.`));
  out.push(...bodyProblems(i.body));
  if (i.kind === 'failure') {
    const place = (i.place ?? '').trim();
    if (!place) out.push(p('place', 'cases.place_required', 'Prosimy podać miejsce awarii (adres lub opis miejsca).', 'Please say where the failure is (an address or a description of the place).'));
    else if (place.length > PLACE_MAX) out.push(p('place', 'cases.place_too_long', `Opis miejsca może mieć najwyżej ${PLACE_MAX} znaków.`, `The place may be at most ${PLACE_MAX} characters long.`));
  }
  return out;
}

/** What is wrong with a message of a thread (a description, a reply, a note). */
export function bodyProblems(body: string): Problem[] {
  const b = body.trim();
  if (!b) return [p('body', 'cases.body_required', 'Prosimy wpisać treść.', 'Please enter the text.')];
  if (b.length > BODY_MAX) return [p('body', 'cases.body_too_long', `Treść może mieć najwyżej ${BODY_MAX} znaków.`, `The text may be at most ${BODY_MAX} characters long.`)];
  return [];
}

const mb = (n: number) => Math.round(n / 1024 / 1024);

export const attachmentTooLarge = (): Problem =>
  p('attachment', 'cases.attachment_too_large', `Zdjęcie może mieć najwyżej ${mb(MAX_ATTACHMENT_BYTES)} MB. Prosimy wybrać mniejszy plik.`, `The photo may be at most ${mb(MAX_ATTACHMENT_BYTES)} MB. Please choose a smaller file.`);
export const attachmentWrongType = (): Problem =>
  p('attachment', 'cases.attachment_type', 'Załącznik musi być zdjęciem (JPEG, PNG, WebP lub HEIC).', 'The attachment must be a photo (JPEG, PNG, WebP or HEIC).');
export const contractClosed = (): Problem =>
  p(
    'contractId',
    'cases.contract_closed',
    'Ta umowa została rozwiązana: nie można w niej złożyć nowej sprawy. W sprawie rozwiązanej umowy prosimy wysłać wiadomość bez wskazywania umowy.',
    'This contract has ended: no new case can be filed on it. About an ended contract, please send a message without choosing a contract.',
  );

export const attachmentEmpty = (): Problem => p('attachment', 'cases.attachment_empty', 'Wybrany plik jest pusty.', 'The chosen file is empty.');

/**
 * The check a browser can make before sending (size and declared type); the
 * server checks the size as it reads and the type by the file's first bytes.
 */
export function attachmentProblems(size: number, declaredType: string): Problem[] {
  if (size === 0) return [attachmentEmpty()];
  if (size > MAX_ATTACHMENT_BYTES) return [attachmentTooLarge()];
  if (declaredType && !(ATTACHMENT_TYPES as readonly string[]).includes(declaredType.toLowerCase())) return [attachmentWrongType()];
  return [];
}

/** The image type by the file's first bytes; null when it is not one of ours. */
export function sniffAttachment(b: Uint8Array): AttachmentType | null {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 8 && [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((x, i) => b[i] === x)) return 'image/png';
  const ascii = (from: number, to: number) => String.fromCharCode(...b.slice(from, to));
  if (b.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp';
  if (b.length >= 12 && ascii(4, 8) === 'ftyp' && ['heic', 'heix', 'mif1', 'msf1', 'heim', 'heis'].includes(ascii(8, 12))) return 'image/heic';
  return null;
}

/** The civil date `days` after `from` ('YYYY-MM-DD'). */
export function addDays(from: string, days: number): string {
  const [y, m, d] = from.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** Complaints get a deadline (the utility's complaint_deadline_days from the day they arrive); other kinds none. */
export function dueOnFor(kind: string, createdOn: string, deadlineDays: number): string | null {
  return kind === 'complaint' ? addDays(createdOn, deadlineDays) : null;
}

export type DueState = 'overdue' | 'dueSoon' | null;

/** Whether an open case's deadline has passed or is at most DUE_WARNING_DAYS away ('YYYY-MM-DD' dates). */
export function dueState(dueOn: string | null, status: string, today: string): DueState {
  if (!dueOn || !isOpen(status)) return null;
  if (dueOn < today) return 'overdue';
  if (dueOn <= addDays(today, DUE_WARNING_DAYS)) return 'dueSoon';
  return null;
}

/** Today's civil date in the utility's time zone (Warsaw). */
export function warsawToday(now: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Warsaw', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/** `SPR/2026/000123`. */
export function formatCaseNumber(year: string | number, n: number): string {
  return `SPR/${year}/${String(n).padStart(6, '0')}`;
}
