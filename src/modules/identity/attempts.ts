/**
 * The record of attempts. Every sign-in (and registration, TOTP, reset)
 * attempt is recorded for the audit. Password sign-ins are throttled by
 * throttle.ts; here are the simpler per-IP limits of registration, reset and
 * verification requests, and the TOTP step's lock of an account whose
 * password was already right (users.failed_logins / locked_until: only a
 * holder of the password can trigger it). The limits are plain numbers here
 * so that tests and operators can read them.
 */
import { sql } from 'kysely';
import type { Tx } from '../../db/tenant.ts';
import { AppError } from '../../lib/errors.ts';
import { tooManyAttempts } from './throttle.ts';

export const LIMITS = {
  /** Failed registrations from one IP address within the window before 429 auth.rate_limited. */
  ipFailures: 10,
  /** Password-reset requests from one IP address within the window. */
  ipResetRequests: 5,
  windowMinutes: 15,
  /** Consecutive wrong TOTP codes on one account before it is locked. */
  accountFailures: 5,
  lockMinutes: 15,
} as const;

export type AttemptKind = 'login' | 'totp' | 'register' | 'password_reset' | 'verify_email';

export async function recordAttempt(
  tx: Tx,
  a: { utilityId: number; kind: AttemptKind; ip: string; email?: string | null; userId?: number | null; ok: boolean },
): Promise<void> {
  await tx
    .insertInto('auth_attempts')
    .values({ utility_id: a.utilityId, kind: a.kind, ip: a.ip, email: a.email?.slice(0, 254) ?? null, user_id: a.userId ?? null, ok: a.ok })
    .execute();
}

/** Attempts of a kind from an address within the window (only failures unless `all`). */
export async function recentAttempts(tx: Tx, kind: AttemptKind, ip: string, opts: { all?: boolean } = {}): Promise<number> {
  let q = tx
    .selectFrom('auth_attempts')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('kind', '=', kind)
    .where('ip', '=', ip)
    .where('at', '>', sql<Date>`now() - make_interval(mins => ${LIMITS.windowMinutes})`);
  if (!opts.all) q = q.where('ok', '=', false);
  return (await q.executeTakeFirstOrThrow()).n;
}

export async function recentUserFailures(tx: Tx, kind: AttemptKind, userId: number): Promise<number> {
  const r = await tx
    .selectFrom('auth_attempts')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('kind', '=', kind)
    .where('user_id', '=', userId)
    .where('ok', '=', false)
    .where('at', '>', sql<Date>`now() - make_interval(mins => ${LIMITS.windowMinutes})`)
    .executeTakeFirstOrThrow();
  return r.n;
}

/** The per-IP limit of registrations and e-mail requests: the wait is at most the window. */
export const rateLimited = () => tooManyAttempts(LIMITS.windowMinutes * 60);

export const accountLocked = () =>
  new AppError('rate_limited', 'auth.locked', {
    pl: `Konto jest czasowo zablokowane po kolejnych nieudanych próbach logowania. Prosimy spróbować ponownie za ${LIMITS.lockMinutes} minut albo ustawić nowe hasło.`,
    en: `The account is temporarily locked after repeated failed sign-ins. Try again in ${LIMITS.lockMinutes} minutes or reset your password.`,
  });

/** Counts one more failure on an account; locks it when the limit is reached. Returns true when it is now locked. */
export async function countAccountFailure(tx: Tx, userId: number): Promise<boolean> {
  const row = await tx
    .updateTable('users')
    .set({ failed_logins: sql`failed_logins + 1` })
    .where('id', '=', userId)
    .returning('failed_logins')
    .executeTakeFirstOrThrow();
  if (row.failed_logins < LIMITS.accountFailures) return false;
  await tx
    .updateTable('users')
    .set({ failed_logins: 0, locked_until: sql`now() + make_interval(mins => ${LIMITS.lockMinutes})` })
    .where('id', '=', userId)
    .execute();
  return true;
}

export function isLocked(lockedUntil: Date | string | null, now = new Date()): boolean {
  return !!lockedUntil && new Date(lockedUntil) > now;
}
