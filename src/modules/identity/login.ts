/**
 * Sign-in with e-mail and password, and changing one's password.
 *
 * An unknown address and a wrong password get the same answer and take about
 * the same time (a dummy hash is verified), so the form reveals no accounts.
 * Guessing is slowed down by throttle.ts (per IP prefix across utilities, per
 * address and prefix, per address), which counts an unknown address exactly
 * like a known one; no number of failures locks an account against its
 * owner's right password from another network.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Tx } from '../../db/tenant.ts';
import type { AuthSession, AuthUser } from '../../http/access.ts';
import { AppError, badRequest, forbidden } from '../../lib/errors.ts';
import { recordAttempt } from './attempts.ts';
import { recordAudit } from './audit.ts';
import { fail, nextStep, succeed, type Next, type Outcome, type RequestInfo } from './context.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import { createSession, destroySession, destroyUserSessions, type NewSession } from './sessions.ts';
import { signInGate, tooManyAttempts } from './throttle.ts';
import { assertPasswordPolicy, findUserByEmail } from './users.ts';

let dummy: Promise<string> | undefined;
/** A hash of a random password, verified for unknown addresses so that they take as long as known ones. */
const dummyHash = () => (dummy ??= hashPassword(randomBytes(18).toString('base64')));

export const invalidCredentials = () =>
  new AppError('unauthenticated', 'auth.invalid_credentials', {
    pl: 'Nieprawidłowy adres e-mail lub hasło.',
    en: 'Wrong e-mail address or password.',
  });

export interface LoginInput {
  email: string;
  password: string;
  /** The CSRF token the browser already holds: it stays valid across sign-in. */
  csrfToken?: string;
  /** The session the browser had before (ended: a new session id at sign-in prevents fixation). */
  previousSession?: AuthSession;
}

export interface LoginResult {
  userId: number;
  next: Next;
  session: NewSession;
}

export async function passwordLogin(tx: Tx, info: RequestInfo, input: LoginInput): Promise<Outcome<LoginResult>> {
  const email = input.email.trim().slice(0, 300);
  const gate = await signInGate(tx, { utilityId: info.utilityId, ip: info.ip, email });
  if (gate.retryAfterSeconds > 0) {
    // Refused before anything about the address is looked at: known and unknown ones alike.
    await recordAttempt(tx, { utilityId: info.utilityId, kind: 'login', ip: info.ip, email, ok: false });
    return fail(tooManyAttempts(gate.retryAfterSeconds));
  }
  const user = email.length <= 254 ? await findUserByEmail(tx, email) : undefined;
  const usable = user && !user.disabled_at;
  const passwordOk = (await verifyPassword(usable ? user.password_hash : await dummyHash(), input.password)) && !!usable;
  const audit = (action: string, data: Record<string, unknown> = {}) =>
    recordAudit(tx, {
      utilityId: info.utilityId,
      actorId: usable ? user.id : null,
      actorKind: usable ? (user.kind as 'customer' | 'staff') : 'anonymous',
      action,
      entity: 'user',
      entityId: usable ? user.id : null,
      ip: info.ip,
      data,
    });

  if (!passwordOk) {
    await recordAttempt(tx, { utilityId: info.utilityId, kind: 'login', ip: info.ip, email, userId: usable ? user.id : null, ok: false });
    await audit('auth.login_failed', usable ? { reason: 'password' } : { reason: 'unknown_email', email: email.slice(0, 254) });
    await gate.failed();
    return fail(invalidCredentials());
  }
  if (user.kind === 'customer' && !user.email_verified_at) {
    throw forbidden(
      'auth.email_not_verified',
      'Najpierw prosimy potwierdzić adres e-mail, otwierając łącze z wiadomości, którą wysłaliśmy po rejestracji.',
      'Confirm your e-mail address first: open the link in the message we sent after registration.',
    );
  }
  await gate.succeeded();
  // failed_logins and locked_until belong to the TOTP step (totp.ts): a right password does not reset them.
  await tx.updateTable('users').set({ last_login_at: sql`now()` }).where('id', '=', user.id).execute();
  await recordAttempt(tx, { utilityId: info.utilityId, kind: 'login', ip: info.ip, email, userId: user.id, ok: true });
  if (input.previousSession) await destroySession(tx, input.previousSession.tokenHash);
  const mfaPassed = !(user.kind === 'staff' && user.totp_enabled);
  const session = await createSession(tx, {
    utilityId: info.utilityId,
    userId: user.id,
    mfaPassed,
    ip: info.ip,
    userAgent: info.userAgent,
    csrfToken: input.csrfToken,
  });
  const next = nextStep({ kind: user.kind, totpEnabled: user.totp_enabled, mustChangePassword: user.must_change_password }, mfaPassed);
  await audit('auth.login', { next });
  return succeed({ userId: user.id, next, session });
}

/**
 * A signed-in user sets a new password (also the forced change at the first
 * sign-in). A wrong current password counts as a failed sign-in (throttle.ts);
 * after a change the user's other sessions end.
 */
export async function changePassword(
  tx: Tx,
  info: RequestInfo,
  user: AuthUser,
  session: AuthSession,
  currentPassword: string,
  newPassword: string,
): Promise<Outcome<{ next: Next }>> {
  const gate = await signInGate(tx, { utilityId: info.utilityId, ip: info.ip, email: user.email });
  if (gate.retryAfterSeconds > 0) return fail(tooManyAttempts(gate.retryAfterSeconds));
  const row = await tx.selectFrom('users').select(['password_hash']).where('id', '=', user.id).executeTakeFirstOrThrow();
  if (!(await verifyPassword(row.password_hash, currentPassword))) {
    await recordAttempt(tx, { utilityId: info.utilityId, kind: 'login', ip: info.ip, email: user.email, userId: user.id, ok: false });
    await recordAudit(tx, { utilityId: info.utilityId, actorId: user.id, actorKind: user.kind, action: 'auth.password_change_failed', entity: 'user', entityId: user.id, ip: info.ip });
    await gate.failed();
    return fail(badRequest('password.current_wrong', 'Obecne hasło jest nieprawidłowe.', 'The current password is wrong.', { field: 'currentPassword' }));
  }
  await gate.succeeded();
  assertPasswordPolicy(newPassword, user.email);
  if (newPassword === currentPassword) {
    throw badRequest('password.unchanged', 'Nowe hasło musi różnić się od obecnego.', 'The new password must differ from the current one.', { field: 'newPassword' });
  }
  await tx
    .updateTable('users')
    .set({ password_hash: await hashPassword(newPassword), must_change_password: false })
    .where('id', '=', user.id)
    .execute();
  await destroyUserSessions(tx, user.id, session.tokenHash);
  await recordAudit(tx, { utilityId: info.utilityId, actorId: user.id, actorKind: user.kind, action: 'auth.password_changed', entity: 'user', entityId: user.id, ip: info.ip });
  return succeed({ next: nextStep({ ...user, mustChangePassword: false }, session.mfaPassed) });
}
