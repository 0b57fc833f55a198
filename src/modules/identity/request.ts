/** Small helpers shared by identity's route files. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config.ts';
import { sessionCookiePath, userOf, utilityOf } from '../../http/context.ts';
import { assertAccess, type AuthSession, type AuthUser } from '../../http/access.ts';
import { AppError, unauthenticated } from '../../lib/errors.ts';
import type { RequestInfo } from './context.ts';
import type { Mailing } from './registration.ts';
import { SESSION_COOKIE } from './sessions.ts';

export function requestInfo(req: FastifyRequest): RequestInfo {
  const ua = req.headers['user-agent'];
  return { utilityId: utilityOf(req).id, ip: req.ip, userAgent: typeof ua === 'string' ? ua : undefined };
}

/** The portal of the request's utility, as links in e-mails and letters name it. */
export function portalUrl(config: Config, req: FastifyRequest): string {
  return `${config.publicUrl}/t/${utilityOf(req).slug}`;
}

export function mailing(config: Config, req: FastifyRequest): Mailing {
  return { utilityName: utilityOf(req).name, portalUrl: portalUrl(config, req) };
}

/** The user as the web app sees it. */
export function sessionView(user: AuthUser, mfaPassed: boolean, termsToAccept = false) {
  return {
    id: user.id,
    kind: user.kind,
    email: user.email,
    name: user.name,
    roles: user.roles,
    customerIds: user.customerIds,
    mustChangePassword: user.mustChangePassword,
    totpEnabled: user.totpEnabled,
    mfaPending: user.kind === 'staff' && user.totpEnabled && !mfaPassed,
    termsToAccept,
  };
}

/**
 * For routes any signed-in user may call (customer or staff), including one
 * who still has to change the password or accept new terms (their own
 * account comes first); staff must have passed TOTP.
 */
export function signedIn(req: FastifyRequest): { user: AuthUser; session: AuthSession } {
  if (!req.user || !req.session) throw unauthenticated();
  const user = userOf(req);
  assertAccess(user.kind === 'staff' ? 'staff' : 'customer', user, req.session, { allowPendingPasswordChange: true, allowPendingTerms: true });
  return { user, session: req.session };
}

export function setSessionCookie(reply: FastifyReply, config: Config, token: string): void {
  reply.setCookie(SESSION_COOKIE, token, { path: sessionCookiePath(reply.request), httpOnly: true, sameSite: 'lax', secure: config.secureCookies });
}

export function clearSessionCookie(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: sessionCookiePath(reply.request) });
}

/**
 * Throws a service's error; one that asks the caller to wait (a throttled
 * sign-in or request) also names the wait in the Retry-After header.
 */
export function refuse(reply: FastifyReply, err: unknown): never {
  const wait = err instanceof AppError ? err.details?.retryAfterSeconds : undefined;
  if (typeof wait === 'number') reply.header('retry-after', String(wait));
  throw err;
}
