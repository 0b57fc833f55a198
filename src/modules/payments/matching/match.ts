/**
 * Matching a statement line to a customer (pure: data in, data out). Two
 * steps so that the import can work in sets: `keysOf` reads what a line could
 * point at (accounts, invoice and KSeF numbers, customer numbers, the split
 * payment's fields); the import looks all keys of a statement up in a few
 * queries; `matchLine` then decides with those lookups. Order of trust:
 * the customer's individual account, then invoices the payer named (invoice
 * number, KSeF number, split payment /INV/), then a customer number in the
 * title, then the split payment's /IDC/ (the payer's NIP); otherwise nobody
 * and the line waits for a clerk.
 */

export interface MatchLine {
  /** The statement's own account (a statement per virtual account names it here). */
  account: string;
  counterAccount: string | null;
  counterName: string | null;
  title: string;
}

export type MatchedBy = 'account' | 'invoice' | 'ksef' | 'split_payment' | 'customer_number' | 'nip';

export interface MatchKeys {
  /** 26-digit NRBs the line mentions (statement account, counter-account, any in the texts). */
  accounts: string[];
  /** Invoice numbers as the billing module writes them (FV/2026/11/000123). */
  invoiceNumbers: string[];
  /** KSeF numbers, upper case. */
  ksefNumbers: string[];
  /** Customer numbers after a label ("nr klienta 0001234"). */
  customerNumbers: string[];
  /** Other tokens that might be a customer number (only trusted when exactly one is). */
  looseTokens: string[];
  /** Split payment: the /INV/ values and the /IDC/ NIP. */
  split: { invoices: string[]; nip: string | null } | null;
}

export interface InvoiceRef {
  id: number;
  customerId: number;
}

export interface Lookups {
  customerByAccount: ReadonlyMap<string, number>;
  invoiceByNumber: ReadonlyMap<string, InvoiceRef>;
  invoiceByKsef: ReadonlyMap<string, InvoiceRef>;
  customerByNumber: ReadonlyMap<string, number>;
  /** Only NIPs that belong to exactly one customer. */
  customerByNip: ReadonlyMap<string, number>;
}

export interface Match {
  customerId: number | null;
  by: MatchedBy | null;
  /** Invoices of that customer the payer named, in the order named (allocation goes to them first). */
  namedInvoiceIds: number[];
}

const NRB = /(?<![0-9])(?:PL)?\s?(\d{2}(?:[ -]?\d{4}){6})(?![0-9])/gi;
const KSEF = /(?<![0-9])(\d{10}-\d{8}-[0-9A-F]{12}-[0-9A-F]{2})(?![0-9A-F])/gi;
const INVOICE = /(?<![A-Z])(FV|KOR)\s*[/ _-]?\s*(\d{4})\s*[/ _-]\s*(\d{1,2})\s*[/ _-]\s*(\d{1,9})(?![0-9])/gi;
const LABELLED_CUSTOMER = /(?:nr\.?\s*(?:klienta|odbiorcy|kontrahenta|kl\.?)|numer\s*(?:klienta|odbiorcy)|id\s*klienta|klient(?:a)?\s*nr)\s*[.:#-]?\s*([A-Z0-9][A-Z0-9/-]{2,19})/gi;
const TOKEN = /(?<![A-Z0-9])([A-Z]{0,3}\d{4,12})(?![A-Z0-9])/gi;

const digits = (s: string) => s.replace(/[^0-9]/g, '');

/** An account as stored: 26 digits (no "PL", no spaces); null when it is not an NRB-shaped number. */
export function normaliseAccount(s: string | null | undefined): string | null {
  if (!s) return null;
  const d = digits(s.replace(/^\s*PL/i, ''));
  return d.length === 26 ? d : null;
}

/** "fv 2026/1/123" → "FV/2026/01/000123", as formatInvoiceNumber writes it. */
function invoiceNumber(series: string, year: string, month: string, n: string): string | null {
  const m = Number(month);
  if (m < 1 || m > 12) return null;
  return `${series.toUpperCase()}/${year}/${String(m).padStart(2, '0')}/${n.replace(/^0+(?=\d)/, '').padStart(6, '0')}`;
}

function invoicesIn(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(INVOICE)) {
    const n = invoiceNumber(m[1], m[2], m[3], m[4]);
    if (n) out.push(n);
  }
  return out;
}

/** The split-payment form /VAT/…/IDC/…/INV/…/TXT/… (the INV value may itself hold slashes). */
export function splitPayment(title: string): { invoices: string[]; nip: string | null } | null {
  const t = title.replace(/\s+/g, '');
  if (!/\/VAT\//i.test(t) || !/\/IDC\//i.test(t)) return null;
  const idc = /\/IDC\/([^/]*)/i.exec(t);
  const inv = /\/INV\/(.*?)(?=\/TXT\/|$)/i.exec(t);
  const value = inv?.[1] ?? '';
  const invoices = [...invoicesIn(value), ...[...value.matchAll(KSEF)].map((m) => m[1].toUpperCase())];
  return { invoices, nip: idc ? digits(idc[1]) || null : null };
}

export function keysOf(line: MatchLine): MatchKeys {
  const text = `${line.title} ${line.counterName ?? ''}`;
  const accounts = new Set<string>();
  for (const a of [line.account, line.counterAccount]) {
    const n = normaliseAccount(a);
    if (n) accounts.add(n);
  }
  for (const m of text.matchAll(NRB)) accounts.add(digits(m[1]));
  const ksef = [...new Set([...line.title.matchAll(KSEF)].map((m) => m[1].toUpperCase()))];
  const customerNumbers = [...new Set([...line.title.matchAll(LABELLED_CUSTOMER)].map((m) => m[1].toUpperCase()))];
  const withoutRefs = line.title.replace(KSEF, ' ').replace(INVOICE, ' ').replace(NRB, ' ');
  const looseTokens = [...new Set([...withoutRefs.matchAll(TOKEN)].map((m) => m[1].toUpperCase()))];
  return {
    accounts: [...accounts],
    invoiceNumbers: [...new Set(invoicesIn(line.title))],
    ksefNumbers: ksef,
    customerNumbers,
    looseTokens,
    split: splitPayment(line.title),
  };
}

const none: Match = { customerId: null, by: null, namedInvoiceIds: [] };

/** Decides who paid, with the lookups the import made for the line's keys. */
export function matchLine(keys: MatchKeys, lookups: Lookups): Match {
  // Named invoices, whatever decides the customer: allocation goes to them first.
  const named: Array<{ ref: InvoiceRef; by: MatchedBy }> = [];
  const seen = new Set<number>();
  const add = (ref: InvoiceRef | undefined, by: MatchedBy) => {
    if (ref && !seen.has(ref.id)) {
      seen.add(ref.id);
      named.push({ ref, by });
    }
  };
  for (const v of keys.split?.invoices ?? []) add(lookups.invoiceByNumber.get(v) ?? lookups.invoiceByKsef.get(v), 'split_payment');
  for (const k of keys.ksefNumbers) add(lookups.invoiceByKsef.get(k), 'ksef');
  for (const n of keys.invoiceNumbers) add(lookups.invoiceByNumber.get(n), 'invoice');
  const namedOf = (customerId: number) => named.filter((n) => n.ref.customerId === customerId).map((n) => n.ref.id);

  const byAccount = new Set(keys.accounts.map((a) => lookups.customerByAccount.get(a)).filter((c): c is number => c !== undefined));
  if (byAccount.size === 1) {
    const customerId = [...byAccount][0];
    return { customerId, by: 'account', namedInvoiceIds: namedOf(customerId) };
  }
  if (byAccount.size > 1) return none; // two customers' accounts in one line: a clerk decides
  const owners = new Set(named.map((n) => n.ref.customerId));
  if (owners.size === 1) {
    const customerId = named[0].ref.customerId;
    return { customerId, by: named[0].by, namedInvoiceIds: namedOf(customerId) };
  }
  if (owners.size > 1) return none;
  const labelled = new Set(keys.customerNumbers.map((n) => lookups.customerByNumber.get(n)).filter((c): c is number => c !== undefined));
  if (labelled.size === 1) return { customerId: [...labelled][0], by: 'customer_number', namedInvoiceIds: [] };
  if (labelled.size === 0) {
    const loose = new Set(keys.looseTokens.map((n) => lookups.customerByNumber.get(n)).filter((c): c is number => c !== undefined));
    if (loose.size === 1) return { customerId: [...loose][0], by: 'customer_number', namedInvoiceIds: [] };
  }
  const nip = keys.split?.nip ? lookups.customerByNip.get(keys.split.nip) : undefined;
  if (nip !== undefined) return { customerId: nip, by: 'nip', namedInvoiceIds: [] };
  return none;
}
