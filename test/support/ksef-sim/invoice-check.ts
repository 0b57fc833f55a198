/**
 * What KSeF checks in one decrypted invoice file (docs/faktury/weryfikacja-faktury.md),
 * in the order the simulator applies them, each failure with the invoice
 * status code and text of open-api.json (SessionInvoiceStatusResponse.status):
 *
 * - 430 "Błąd weryfikacji pliku faktury": a BOM, a non-UTF-8 prolog, processing
 *   instructions, forbidden Unicode, over 1 MB (3 MB with attachments);
 * - 415 "Brak możliwości wysyłania faktury z załącznikiem": an attachment in an interactive session;
 * - 450 "Błąd weryfikacji semantyki dokumentu faktury": not FA(3)-schema-valid
 *   (libxml2's messages, validated in-process with the project's validator),
 *   a NIP with a wrong check digit, P_1 later than the acceptance date;
 * - 410 "Nieprawidłowy zakres uprawnień": the seller (Podmiot1) is not the session's context;
 * - 440 "Duplikat faktury": decided by the caller (it holds the register).
 */
import { isValidNip } from '../../../src/lib/check-digits.ts';
import { validateFa3 } from '../../../src/modules/billing/fa3/validate.ts';

export interface InvoiceStatus {
  code: number;
  description: string;
  details?: string[];
  extensions?: Record<string, string | null>;
}

export const STATUS = {
  accepted: { code: 100, description: 'Faktura przyjęta do dalszego przetwarzania' },
  processing: { code: 150, description: 'Trwa przetwarzanie' },
  success: { code: 200, description: 'Sukces' },
  sessionError: { code: 405, description: 'Przetwarzanie anulowane z powodu błędu sesji' },
  permissions: { code: 410, description: 'Nieprawidłowy zakres uprawnień' },
  attachment: { code: 415, description: 'Brak możliwości wysyłania faktury z załącznikiem' },
  file: { code: 430, description: 'Błąd weryfikacji pliku faktury' },
  decrypt: { code: 435, description: 'Błąd odszyfrowania pliku' },
  duplicate: { code: 440, description: 'Duplikat faktury' },
  semantic: { code: 450, description: 'Błąd weryfikacji semantyki dokumentu faktury' },
} as const;

export interface InvoiceFacts {
  sellerNip: string;
  invoiceNumber: string;
  kind: string;
  issueDate: string;
  hasAttachment: boolean;
}

export type CheckResult = { ok: true; facts: InvoiceFacts } | { ok: false; status: InvoiceStatus; facts?: Partial<InvoiceFacts> };

const fail = (s: { code: number; description: string }, details: string[], facts?: Partial<InvoiceFacts>): CheckResult => ({ ok: false, status: { ...s, details }, ...(facts ? { facts } : {}) });

// XML 1.0's "discouraged" characters that weryfikacja-faktury.md forbids.
const DISCOURAGED = /[\u007F-\u0084\u0086-\u009F\uFDD0-\uFDEF]|[\u{1FFFE}\u{1FFFF}\u{2FFFE}\u{2FFFF}\u{3FFFE}\u{3FFFF}\u{4FFFE}\u{4FFFF}\u{5FFFE}\u{5FFFF}\u{6FFFE}\u{6FFFF}\u{7FFFE}\u{7FFFF}\u{8FFFE}\u{8FFFF}\u{9FFFE}\u{9FFFF}\u{AFFFE}\u{AFFFF}\u{BFFFE}\u{BFFFF}\u{CFFFE}\u{CFFFF}\u{DFFFE}\u{DFFFF}\u{EFFFE}\u{EFFFF}\u{FFFFE}\u{FFFFF}\u{10FFFE}\u{10FFFF}]/u;

// The few fields KSeF's rules need, read with anchored patterns (any namespace prefix):
// a full parse cost as much as the schema validation itself. The FA(3) schema
// (checked first when on) guarantees where these elements stand.
const patterns = new Map<string, RegExp>();
const re = (key: string, make: () => RegExp) => patterns.get(key) ?? patterns.set(key, make()).get(key)!;
const block = (xml: string, name: string): string[] =>
  [...xml.matchAll(re(`b${name}`, () => new RegExp(`<(?:[\\w.-]+:)?${name}(?:\\s[^>]*)?>([\\s\\S]*?)</(?:[\\w.-]+:)?${name}>`, 'g')))].map((m) => m[1]);
const value = (xml: string | undefined, name: string): string | undefined => {
  if (xml === undefined) return undefined;
  const m = re(`v${name}`, () => new RegExp(`<(?:[\\w.-]+:)?${name}(?:\\s[^>]*)?>([^<]*)</`)).exec(xml);
  return m ? m[1].trim() : undefined;
};
const has = (xml: string, name: string) => re(`h${name}`, () => new RegExp(`<(?:[\\w.-]+:)?${name}[\\s>/]`)).test(xml);
/** The Fa element's own text up to its first child block that can repeat names (FaWiersz etc. have no P_1/P_2/RodzajFaktury). */
const faOf = (xml: string) => block(xml, 'Fa')[0];

export interface CheckOptions {
  /** The day of acceptance in Poland (YYYY-MM-DD): P_1 must not be later. */
  acceptanceDay: string;
  contextNip: string;
  interactive: boolean;
  checkNip: boolean;
  validateSchema: boolean;
  fa3SchemaDir?: string;
}

export function checkInvoice(bytes: Buffer, o: CheckOptions): CheckResult {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return fail(STATUS.file, ['Plik faktury musi być kodowany w UTF-8 bez znaku BOM.']);
  const text = bytes.toString('utf8');
  if (text.includes('\uFFFD') && !Buffer.from(text, 'utf8').equals(bytes)) return fail(STATUS.file, ['Plik faktury nie jest poprawnie kodowany w UTF-8.']);
  const prolog = /^\s*<\?xml\s[^?]*\?>/.exec(text);
  if (prolog) {
    const enc = /encoding\s*=\s*["']([^"']+)["']/i.exec(prolog[0]);
    if (enc && enc[1].toLowerCase().replace('-', '') !== 'utf8') return fail(STATUS.file, [`Prolog XML wskazuje kodowanie ${enc[1]}; dozwolone jest wyłącznie UTF-8.`]);
  }
  if (/<\?(?!xml[\s?])/i.test(prolog ? text.slice(prolog[0].length) : text)) return fail(STATUS.file, ['Plik faktury nie może zawierać instrukcji przetwarzania XML.']);
  if (DISCOURAGED.test(text)) return fail(STATUS.file, ['Plik faktury zawiera niedozwolone znaki Unicode.']);

  const fa = faOf(text);
  const facts: Partial<InvoiceFacts> = {
    sellerNip: value(block(text, 'Podmiot1')[0], 'NIP'),
    invoiceNumber: value(fa, 'P_2'),
    kind: value(fa, 'RodzajFaktury'),
    issueDate: value(fa, 'P_1'),
    hasAttachment: has(text, 'Zalacznik'),
  };
  const limit = facts.hasAttachment ? 3_000_000 : 1_000_000;
  if (bytes.length > limit) return fail(STATUS.file, [`Rozmiar faktury ${bytes.length} B przekracza dozwolone ${limit} B.`], facts);
  if (facts.hasAttachment && o.interactive) return fail(STATUS.attachment, ['Wysyłka faktur z załącznikami jest dozwolona tylko w trybie wsadowym.'], facts);

  if (o.validateSchema) {
    const r = validateFa3(bytes, o.fa3SchemaDir);
    if (!r.valid) return fail(STATUS.semantic, r.problems.slice(0, 10).map((p) => `${p.line !== undefined ? `linia ${p.line}: ` : ''}${p.message}`), facts);
  }
  if (!has(text, 'Faktura') || !facts.sellerNip || !facts.invoiceNumber || !facts.issueDate || !facts.kind) {
    return fail(STATUS.semantic, ['Brak wymaganych elementów faktury FA(3) (Podmiot1/NIP, Fa/P_1, Fa/P_2, Fa/RodzajFaktury).'], facts);
  }
  if (o.checkNip) {
    const nips: Array<[string, string | undefined]> = [
      ['Podmiot1', facts.sellerNip],
      ...block(text, 'Podmiot2').map((p): [string, string | undefined] => ['Podmiot2', value(p, 'NIP')]),
      ...block(text, 'Podmiot3').map((p): [string, string | undefined] => ['Podmiot3', value(p, 'NIP')]),
      ...block(text, 'PodmiotUpowazniony').map((p): [string, string | undefined] => ['PodmiotUpowazniony', value(p, 'NIP')]),
    ];
    const bad = nips.filter(([, v]) => v !== undefined && !isValidNip(v));
    if (bad.length) return fail(STATUS.semantic, bad.map(([who, v]) => `Nieprawidłowy numer NIP ${v} (${who}): błędna suma kontrolna.`), facts);
  }
  if (facts.issueDate > o.acceptanceDay) {
    return fail(STATUS.semantic, [`Data wystawienia faktury (P_1 = ${facts.issueDate}) nie może być późniejsza niż data przyjęcia dokumentu do systemu KSeF (${o.acceptanceDay}).`], facts);
  }
  if (facts.sellerNip !== o.contextNip) {
    return fail(STATUS.permissions, [`Brak uprawnień do wystawienia faktury w imieniu podmiotu ${facts.sellerNip} w kontekście ${o.contextNip}.`], facts);
  }
  return { ok: true, facts: facts as InvoiceFacts };
}
