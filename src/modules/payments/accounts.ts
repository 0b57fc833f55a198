/**
 * Individual (virtual) bank accounts and account numbers as people type
 * them. The utility's bank gives it a prefix of the 24-digit BBAN (the bank's
 * 8-digit sort code and usually a few digits identifying the utility); the
 * rest of the BBAN is the customer's number, zero-padded, and the two check
 * digits in front are computed mod 97 (ISO 7064), so every transfer to that
 * account names its payer. Pure functions; check digits live in
 * src/lib/check-digits.ts.
 */
import { formatNrb, isValidIban, isValidNrb, isValidSortCode, nrbFromBban } from '../../lib/check-digits.ts';
import { badRequest } from '../../lib/errors.ts';

const BBAN_LENGTH = 24;

/** Checks a utility's virtual-account prefix: 8 to 20 digits starting with a valid sort code. */
export function isValidVirtualPrefix(prefix: string): boolean {
  return /^\d{8,20}$/.test(prefix) && isValidSortCode(prefix.slice(0, 8));
}

/**
 * The customer's individual account (26-digit NRB) from the utility's
 * prefix and the customer's number or id (its digits; separators such as
 * "K-000215" are ignored). Refuses a prefix that is no BBAN prefix and a
 * number that does not fit the digits the prefix leaves.
 */
export function individualAccount(prefix: string, customer: string | number | bigint): string {
  const p = prefix.replace(/\s/g, '');
  if (!isValidVirtualPrefix(p)) {
    throw badRequest(
      'payments.account.bad_prefix',
      'Prefiks rachunków indywidualnych musi mieć od 8 do 20 cyfr i zaczynać się poprawnym numerem rozliczeniowym banku.',
      'The individual-account prefix must be 8 to 20 digits starting with a valid bank sort code.',
    );
  }
  const digits = String(customer).replace(/\D/g, '');
  const room = BBAN_LENGTH - p.length;
  if (digits === '' || digits.replace(/^0+/, '').length > room) {
    throw badRequest(
      'payments.account.number_does_not_fit',
      `Numer klienta „${String(customer)}” nie mieści się w ${room} cyfrach rachunku indywidualnego.`,
      `Customer number "${String(customer)}" does not fit the ${room} digits of the individual account.`,
    );
  }
  return nrbFromBban(p + digits.slice(-room).padStart(room, '0'));
}

/** The customer part (digits, leading zeros dropped) of an individual account under `prefix`, or null when the account is not one of them. */
export function customerDigitsFromAccount(prefix: string, account: string): string | null {
  const nrb = normalizeAccount(account);
  if (nrb === null || !nrb.startsWith('PL')) return null;
  const bban = nrb.slice(4);
  if (!bban.startsWith(prefix)) return null;
  return bban.slice(prefix.length).replace(/^0+(?=\d)/, '');
}

/**
 * An account number as banks and people write it → IBAN form without spaces:
 * "PL" + 26 digits for a Polish NRB (with or without "PL", spaces, dashes),
 * a foreign IBAN as it is; also "SORTCODE/ACCOUNT" (8 + 16 digits) as some
 * MT940 :25: fields give it. Null when it is none of these or (unless
 * `checkDigits` is false: a statement's accounts are shown as the bank wrote
 * them) the check digits are wrong.
 */
export function normalizeAccount(raw: string | null | undefined, checkDigits = true): string | null {
  if (!raw) return null;
  const s = raw.replace(/[\s-]/g, '').replace(/^\//, '').toUpperCase();
  const split = /^(\d{8})\/(\d{16})$/.exec(s);
  if (split) return `PL${nrbFromBban(split[1] + split[2])}`;
  if (/^\d{26}$/.test(s)) return !checkDigits || isValidNrb(s) ? `PL${s}` : null;
  if (/^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/.test(s)) return !checkDigits || isValidIban(s) ? s : null;
  return null;
}

/** "PL61109010140000071219812874" → "PL61 1090 1014 0000 0712 1981 2874"; a bare NRB prints as formatNrb does. */
export function formatAccount(account: string): string {
  const s = account.replace(/\s/g, '').toUpperCase();
  if (/^\d{26}$/.test(s)) return formatNrb(s);
  return s.replace(/(.{4})(?=.)/g, '$1 ');
}

/**
 * An account number typed into a form → its 26-digit NRB (Polish accounts,
 * the only ones a utility pays refunds to); a clear 400 otherwise.
 */
export function parseTypedAccount(input: string, field = 'account'): string {
  const iban = normalizeAccount(input);
  if (iban === null || !iban.startsWith('PL')) {
    throw badRequest(
      'payments.account.invalid',
      'Numer rachunku jest niepoprawny: proszę podać 26 cyfr (z prefiksem PL lub bez) i sprawdzić cyfry kontrolne.',
      'The account number is invalid: please give its 26 digits (with or without PL) and check the check digits.',
      { field },
    );
  }
  return iban.slice(2);
}
