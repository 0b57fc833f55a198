/**
 * One-time tokens sent by e-mail (address verification, password reset).
 * The link carries 256 random bits; the database keeps only their SHA-256,
 * with an expiry and the moment the token was used.
 */
import { sql } from 'kysely';
import type { Tx } from '../../db/tenant.ts';
import { badRequest } from '../../lib/errors.ts';
import { hashToken, newToken } from './sessions.ts';

export type TokenPurpose = 'verify_email' | 'password_reset';

export const TOKEN_MINUTES: Record<TokenPurpose, number> = { verify_email: 48 * 60, password_reset: 60 };

export async function issueAuthToken(tx: Tx, utilityId: number, userId: number, purpose: TokenPurpose): Promise<string> {
  const token = newToken();
  await tx
    .insertInto('auth_tokens')
    .values({
      utility_id: utilityId,
      token_hash: hashToken(token),
      user_id: userId,
      purpose,
      expires_at: sql`now() + make_interval(mins => ${TOKEN_MINUTES[purpose]})`,
    })
    .execute();
  return token;
}

/** Spends a token and returns its user; a 400 with a clear reason when it is unknown, expired or used. */
export async function consumeAuthToken(tx: Tx, purpose: TokenPurpose, token: string): Promise<{ userId: number }> {
  const row = await tx
    .selectFrom('auth_tokens')
    .select(['user_id', 'used_at', sql<boolean>`expires_at <= now()`.as('expired')])
    .where('token_hash', '=', hashToken(token))
    .where('purpose', '=', purpose)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw badRequest('auth.token_invalid', 'Łącze jest nieprawidłowe.', 'The link is not valid.');
  if (row.used_at) throw badRequest('auth.token_used', 'To łącze zostało już użyte.', 'This link has already been used.');
  if (row.expired) throw badRequest('auth.token_expired', 'Łącze wygasło; można poprosić o nowe.', 'The link has expired. Please ask for a new one.');
  await tx.updateTable('auth_tokens').set({ used_at: sql`now()` }).where('token_hash', '=', hashToken(token)).execute();
  return { userId: row.user_id };
}

/** Other unused tokens of the same purpose stop working (a newer link replaces older ones). */
export async function voidAuthTokens(tx: Tx, userId: number, purpose: TokenPurpose): Promise<void> {
  await tx.updateTable('auth_tokens').set({ used_at: sql`now()` }).where('user_id', '=', userId).where('purpose', '=', purpose).where('used_at', 'is', null).execute();
}
