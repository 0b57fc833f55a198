/**
 * TOTP two-factor sign-in for staff (RFC 6238: 6 digits, 30 s, SHA-1, as
 * every authenticator app expects). The secret is sealed at rest with the
 * server key; a code is accepted once (the last used time step is kept), and
 * one step of clock drift either way is tolerated.
 */
import QRCode from 'qrcode';
import { Secret, TOTP } from 'otpauth';
import { sql } from 'kysely';
import type { Tx } from '../../db/tenant.ts';
import type { AuthSession, AuthUser } from '../../http/access.ts';
import { AppError, badRequest, conflict } from '../../lib/errors.ts';
import type { SecretBox } from '../../lib/secret-box.ts';
import { accountLocked, countAccountFailure, isLocked, LIMITS, recentUserFailures, recordAttempt } from './attempts.ts';
import { recordAudit } from './audit.ts';
import { fail, nextStep, succeed, type Next, type Outcome, type RequestInfo } from './context.ts';
import { destroyUserSessions } from './sessions.ts';

const PERIOD = 30;

export function totpFor(secretBase32: string, label = 'Wodnik', issuer = 'Wodnik'): TOTP {
  return new TOTP({ issuer, label, algorithm: 'SHA1', digits: 6, period: PERIOD, secret: Secret.fromBase32(secretBase32) });
}

/** The time step a code belongs to, or null when it is wrong or was already used (step ≤ lastStep). */
export function checkTotp(secretBase32: string, code: string, lastStep: number | null, now = Date.now()): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = totpFor(secretBase32).validate({ token: code, timestamp: now, window: 1 });
  if (delta === null) return null;
  const step = Math.floor(now / 1000 / PERIOD) + delta;
  if (lastStep !== null && step <= lastStep) return null;
  return step;
}

const invalidCode = () =>
  new AppError('unauthenticated', 'auth.totp_invalid', {
    pl: 'Nieprawidłowy kod. Prosimy wpisać aktualny kod z aplikacji uwierzytelniającej.',
    en: 'Wrong code. Enter the current code from your authenticator app.',
  });

/** Starts TOTP set-up: a new secret, sealed, not yet enabled; returns what the authenticator app scans. */
export async function setupTotp(tx: Tx, user: AuthUser, box: SecretBox, issuer: string): Promise<{ otpauthUrl: string; qrSvg: string }> {
  if (user.totpEnabled) throw conflict('totp.already_enabled', 'Weryfikacja dwuetapowa jest już włączona.', 'Two-factor sign-in is already enabled.');
  const secret = new Secret({ size: 20 });
  await tx.updateTable('users').set({ totp_secret_enc: box.seal(secret.base32), totp_last_step: null }).where('id', '=', user.id).execute();
  const otpauthUrl = totpFor(secret.base32, user.email, issuer).toString();
  const qrSvg = await QRCode.toString(otpauthUrl, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
  return { otpauthUrl, qrSvg };
}

/** Confirms set-up with a first code from the app; from now on sign-in asks for a code. */
export async function enableTotp(tx: Tx, info: RequestInfo, user: AuthUser, session: AuthSession, code: string, box: SecretBox): Promise<void> {
  if (user.totpEnabled) throw conflict('totp.already_enabled', 'Weryfikacja dwuetapowa jest już włączona.', 'Two-factor sign-in is already enabled.');
  const row = await tx.selectFrom('users').select(['totp_secret_enc']).where('id', '=', user.id).executeTakeFirstOrThrow();
  if (!row.totp_secret_enc) throw badRequest('totp.not_set_up', 'Najpierw rozpocznij konfigurację weryfikacji dwuetapowej.', 'Start the two-factor set-up first.');
  const step = checkTotp(box.open(row.totp_secret_enc).toString('utf8'), code, null);
  if (step === null) throw badRequest('auth.totp_invalid', 'Nieprawidłowy kod. Prosimy wpisać aktualny kod z aplikacji.', 'Wrong code. Enter the current code from the app.');
  await tx.updateTable('users').set({ totp_enabled: true, totp_last_step: step }).where('id', '=', user.id).execute();
  await tx.updateTable('sessions').set({ mfa_passed: true }).where('token_hash', '=', session.tokenHash).execute();
  await recordAudit(tx, { utilityId: info.utilityId, actorId: user.id, actorKind: 'staff', action: 'auth.totp_enabled', entity: 'user', entityId: user.id, ip: info.ip });
}

/** The second step of a staff sign-in. Wrong codes count like wrong passwords: too many lock the account and end its sessions. */
export async function totpLogin(tx: Tx, info: RequestInfo, user: AuthUser, session: AuthSession, code: string, box: SecretBox): Promise<Outcome<{ next: Next }>> {
  if (!user.totpEnabled) throw badRequest('totp.not_enabled', 'Weryfikacja dwuetapowa nie jest włączona.', 'Two-factor sign-in is not enabled.');
  if (session.mfaPassed) return succeed({ next: nextStep(user, true) });
  const row = await tx.selectFrom('users').select(['totp_secret_enc', 'totp_last_step', 'locked_until']).where('id', '=', user.id).executeTakeFirstOrThrow();
  if (isLocked(row.locked_until)) {
    await destroyUserSessions(tx, user.id);
    return fail(accountLocked());
  }
  const step = row.totp_secret_enc ? checkTotp(box.open(row.totp_secret_enc).toString('utf8'), code, row.totp_last_step) : null;
  if (step === null) {
    await recordAttempt(tx, { utilityId: info.utilityId, kind: 'totp', ip: info.ip, email: user.email, userId: user.id, ok: false });
    await recordAudit(tx, { utilityId: info.utilityId, actorId: user.id, actorKind: 'staff', action: 'auth.totp_failed', entity: 'user', entityId: user.id, ip: info.ip });
    const locked = (await recentUserFailures(tx, 'totp', user.id)) >= LIMITS.accountFailures || (await countAccountFailure(tx, user.id));
    if (locked) {
      await tx.updateTable('users').set({ locked_until: sql`now() + make_interval(mins => ${LIMITS.lockMinutes})`, failed_logins: 0 }).where('id', '=', user.id).execute();
      await destroyUserSessions(tx, user.id);
      return fail(accountLocked());
    }
    return fail(invalidCode());
  }
  await tx.updateTable('users').set({ totp_last_step: step, failed_logins: 0 }).where('id', '=', user.id).execute();
  await tx.updateTable('sessions').set({ mfa_passed: true }).where('token_hash', '=', session.tokenHash).execute();
  await recordAttempt(tx, { utilityId: info.utilityId, kind: 'totp', ip: info.ip, email: user.email, userId: user.id, ok: true });
  await recordAudit(tx, { utilityId: info.utilityId, actorId: user.id, actorKind: 'staff', action: 'auth.totp_passed', entity: 'user', entityId: user.id, ip: info.ip });
  return succeed({ next: nextStep(user, true) });
}
