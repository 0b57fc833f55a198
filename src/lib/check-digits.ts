/**
 * Check digits of Polish identifiers: NIP (tax id), REGON (business
 * register), PESEL (personal id), the bank sort code and NRB / IBAN bank
 * account numbers (ISO 7064 mod 97-10). Pure functions: the demo data makes
 * valid numbers with them, forms and bank statements validate with them.
 *
 * Input may carry the usual separators (spaces, dashes) and, for accounts,
 * the 'PL' country prefix; everything else is invalid.
 */

const digitsOnly = (s: string) => s.replace(/[\s-]/g, '');
const toDigits = (s: string) => Array.from(s, (c) => c.charCodeAt(0) - 48);
const weighted = (digits: number[], weights: number[]) => weights.reduce((sum, w, i) => sum + w * digits[i], 0);

// --- NIP: 10 digits, the last = weighted sum of the first nine mod 11 (10 never occurs in a valid NIP).
const NIP_WEIGHTS = [6, 5, 7, 2, 3, 4, 5, 6, 7];

export function nipCheckDigit(first9: string): number | null {
  if (!/^\d{9}$/.test(first9)) throw new Error('NIP body must be 9 digits');
  const c = weighted(toDigits(first9), NIP_WEIGHTS) % 11;
  return c === 10 ? null : c;
}

/** The full NIP for 9 digits, or null when no check digit exists for them (then pick other digits). */
export function completeNip(first9: string): string | null {
  const c = nipCheckDigit(first9);
  return c === null ? null : first9 + c;
}

export function isValidNip(nip: string): boolean {
  const s = digitsOnly(nip.replace(/^PL/i, ''));
  if (!/^\d{10}$/.test(s) || /^0+$/.test(s)) return false;
  return nipCheckDigit(s.slice(0, 9)) === Number(s[9]);
}

// --- REGON: 9 digits (mod 11, 10 → 0) or 14 digits (a 9-digit REGON plus local unit, own check digit).
const REGON9_WEIGHTS = [8, 9, 2, 3, 4, 5, 6, 7];
const REGON14_WEIGHTS = [2, 4, 8, 5, 0, 9, 7, 3, 6, 1, 2, 4, 8];

export function completeRegon(body: string): string {
  if (!/^(\d{8}|\d{13})$/.test(body)) throw new Error('REGON body must be 8 or 13 digits');
  const weights = body.length === 8 ? REGON9_WEIGHTS : REGON14_WEIGHTS;
  return body + ((weighted(toDigits(body), weights) % 11) % 10);
}

export function isValidRegon(regon: string): boolean {
  const s = digitsOnly(regon);
  if (s.length === 9) return /^\d{9}$/.test(s) && completeRegon(s.slice(0, 8)) === s;
  if (s.length === 14) return /^\d{14}$/.test(s) && isValidRegon(s.slice(0, 9)) && completeRegon(s.slice(0, 13)) === s;
  return false;
}

// --- PESEL: YYMMDD (month + 20 for 2000-2099, + 80 for 1800s...), serial, sex digit, check digit.
const PESEL_WEIGHTS = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3];
const CENTURY_OFFSETS: Array<[number, number]> = [
  [80, 1800],
  [0, 1900],
  [20, 2000],
  [40, 2100],
  [60, 2200],
];

export function completePesel(first10: string): string {
  if (!/^\d{10}$/.test(first10)) throw new Error('PESEL body must be 10 digits');
  return first10 + ((10 - (weighted(toDigits(first10), PESEL_WEIGHTS) % 10)) % 10);
}

/** The birth date a PESEL encodes ('YYYY-MM-DD'), or null when it encodes none. */
export function peselBirthDate(pesel: string): string | null {
  if (!/^\d{11}$/.test(pesel)) return null;
  const yy = Number(pesel.slice(0, 2));
  const mm = Number(pesel.slice(2, 4));
  const dd = Number(pesel.slice(4, 6));
  for (const [offset, century] of CENTURY_OFFSETS) {
    const m = mm - offset;
    if (m >= 1 && m <= 12) {
      const y = century + yy;
      const d = new Date(Date.UTC(y, m - 1, dd));
      if (d.getUTCFullYear() !== y || d.getUTCMonth() !== m - 1 || d.getUTCDate() !== dd) return null;
      return `${y}-${String(m).padStart(2, '0')}-${String(dd).padStart(2, '0')}`;
    }
  }
  return null;
}

/** A PESEL for a birth date, a 3-digit serial and sex ('F' even, 'M' odd tenth digit). */
export function makePesel(birthDate: string, serial: number, sex: 'F' | 'M'): string {
  const [y, m, d] = birthDate.split('-').map(Number);
  const entry = CENTURY_OFFSETS.find(([, c]) => y >= c && y < c + 100);
  if (!entry) throw new Error(`no PESEL for year ${y}`);
  const sexDigit = ((serial % 5) * 2 + (sex === 'M' ? 1 : 0)) % 10;
  const body = [y % 100, m + entry[0], d].map((n) => String(n).padStart(2, '0')).join('') + String(serial % 1000).padStart(3, '0') + sexDigit;
  return completePesel(body);
}

export function isValidPesel(pesel: string): boolean {
  return /^\d{11}$/.test(pesel) && completePesel(pesel.slice(0, 10)) === pesel && peselBirthDate(pesel) !== null;
}

// --- Bank sort code (numer rozliczeniowy): 8 digits, weights 3,9,7,1,3,9,7, check digit mod 10.
const SORT_CODE_WEIGHTS = [3, 9, 7, 1, 3, 9, 7];

export function completeSortCode(first7: string): string {
  if (!/^\d{7}$/.test(first7)) throw new Error('sort code body must be 7 digits');
  return first7 + ((10 - (weighted(toDigits(first7), SORT_CODE_WEIGHTS) % 10)) % 10);
}

export function isValidSortCode(code: string): boolean {
  return /^\d{8}$/.test(code) && completeSortCode(code.slice(0, 7)) === code;
}

// --- IBAN / NRB: mod 97 of the rearranged number must be 1.

/** The remainder mod 97 of a long decimal string (read in chunks, no big integers). */
export function mod97(decimal: string): number {
  let r = 0;
  for (let i = 0; i < decimal.length; i += 7) r = Number(String(r) + decimal.slice(i, i + 7)) % 97;
  return r;
}

const lettersToDigits = (s: string) => s.replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));

export function isValidIban(iban: string): boolean {
  const s = iban.replace(/\s/g, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/.test(s)) return false;
  return mod97(lettersToDigits(s.slice(4) + s.slice(0, 4))) === 1;
}

/** An NRB (26 digits: 2 check digits, 8-digit sort code, 16-digit account) from the 24-digit BBAN. */
export function nrbFromBban(bban: string): string {
  if (!/^\d{24}$/.test(bban)) throw new Error('BBAN must be 24 digits');
  const check = 98 - mod97(bban + lettersToDigits('PL') + '00');
  return String(check).padStart(2, '0') + bban;
}

/** A Polish account number: 26 digits (spaces allowed), optionally as an IBAN with 'PL'. */
export function isValidNrb(nrb: string): boolean {
  const s = nrb.replace(/\s/g, '').toUpperCase().replace(/^PL/, '');
  return /^\d{26}$/.test(s) && isValidIban(`PL${s}`);
}

/** '61109010140000071219812874' → '61 1090 1014 0000 0712 1981 2874' (the way it is printed). */
export function formatNrb(nrb: string): string {
  const s = nrb.replace(/\s/g, '');
  return `${s.slice(0, 2)} ${s.slice(2).replace(/(\d{4})(?=\d)/g, '$1 ')}`;
}
