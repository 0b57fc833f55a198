/**
 * Activation codes: how a customer proves, at registration, that a customer
 * number is theirs. The code is printed on an activation letter (or an
 * invoice) and mailed to the customer's address; the database keeps only its
 * SHA-256, an expiry and when it was spent. 16 characters from a 32-letter
 * alphabet without look-alikes (0/O, 1/I) carry 80 bits, so a plain hash
 * cannot be reversed by trying codes, and a fast hash keeps seeding quick.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { sql } from 'kysely';
import type { Tx } from '../../db/tenant.ts';
import { notFound } from '../../lib/errors.ts';

const ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
export const ACTIVATION_VALID_DAYS = 90;

/** A new code, grouped for reading aloud and typing: 'K7QM-4XRT-9ZHB-2WPC'. */
export function newActivationCode(): string {
  const bytes = randomBytes(16);
  let s = '';
  for (let i = 0; i < 16; i++) s += ALPHABET[bytes[i] & 31];
  return s.match(/.{4}/g)!.join('-');
}

/** What a person typed, in the stored form: upper case, no spaces or dashes. */
export function normalizeActivationCode(typed: string): string {
  return typed.toUpperCase().replace(/[\s-]+/g, '');
}

export function hashActivationCode(code: string): string {
  return createHash('sha256').update(`activation:${normalizeActivationCode(code)}`).digest('base64url');
}

export function activationCodeMatches(storedHash: string | null, typed: string): boolean {
  if (!storedHash) return false;
  const a = Buffer.from(storedHash);
  const b = Buffer.from(hashActivationCode(typed));
  return a.length === b.length && timingSafeEqual(a, b);
}

export type ActivationCodeState = 'valid' | 'wrong' | 'expired' | 'spent';

/** The rule, on a customer's stored code: a matching code is valid unless spent or past its expiry. */
export function activationCodeState(
  stored: { activation_code_hash: string | null; activation_code_expires_at: Date | string | null; activation_code_used_at: Date | string | null },
  typed: string,
  now: Date = new Date(),
): ActivationCodeState {
  if (!activationCodeMatches(stored.activation_code_hash, typed)) return 'wrong';
  if (stored.activation_code_used_at) return 'spent';
  if (stored.activation_code_expires_at && new Date(stored.activation_code_expires_at) <= now) return 'expired';
  return 'valid';
}

export interface IssuedActivation {
  code: string;
  expiresAt: Date;
}

/** Issues a new code for a customer (the previous one stops working) and returns it in plain text, once. */
export async function issueActivation(tx: Tx, customerId: number, validDays = ACTIVATION_VALID_DAYS): Promise<IssuedActivation> {
  const code = newActivationCode();
  const row = await tx
    .updateTable('customers')
    .set({
      activation_code_hash: hashActivationCode(code),
      activation_code_issued_at: sql`now()`,
      activation_code_expires_at: sql`now() + make_interval(days => ${validDays})`,
      activation_code_used_at: null,
    })
    .where('id', '=', customerId)
    .returning('activation_code_expires_at')
    .executeTakeFirst();
  if (!row) throw notFound('customer.not_found', 'Nie znaleziono klienta.', 'Customer not found.');
  return { code, expiresAt: new Date(row.activation_code_expires_at as Date) };
}

/** Issues a new activation code for a customer and returns the plain code (for letters, invoices and demo data). */
export async function issueActivationCode(tx: Tx, customerId: number, validDays = ACTIVATION_VALID_DAYS): Promise<string> {
  return (await issueActivation(tx, customerId, validDays)).code;
}
