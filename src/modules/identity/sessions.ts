/**
 * Server-side sessions. The cookie holds a random token; the database holds
 * only its SHA-256, so a leaked table cannot be replayed. A session ends at
 * logout, after `idleMinutes` without a request, and after 12 hours at most.
 */
import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Tx } from '../../db/tenant.ts';
import type { AuthSession, AuthUser, StaffRole } from '../../http/access.ts';

export const SESSION_COOKIE = 'wodnik_session';
export const CSRF_COOKIE = 'wodnik_csrf';
const MAX_AGE_HOURS = 12;

export const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url');
export const newToken = () => randomBytes(32).toString('base64url');

export interface NewSession {
  token: string;
  csrfToken: string;
}

export async function createSession(
  tx: Tx,
  args: { utilityId: number; userId: number; mfaPassed: boolean; ip?: string; userAgent?: string; csrfToken?: string },
): Promise<NewSession> {
  const token = newToken();
  // The CSRF token the browser already holds in its cookie stays valid across login.
  const csrfToken = args.csrfToken && args.csrfToken.length > 10 ? args.csrfToken : newToken();
  await tx
    .insertInto('sessions')
    .values({
      utility_id: args.utilityId,
      token_hash: hashToken(token),
      user_id: args.userId,
      csrf_token: csrfToken,
      mfa_passed: args.mfaPassed,
      ip: args.ip ?? null,
      user_agent: args.userAgent?.slice(0, 300) ?? null,
      expires_at: sql`now() + make_interval(hours => ${MAX_AGE_HOURS})`,
    })
    .execute();
  return { token, csrfToken };
}

/** The user behind a session token, or undefined when the session is unknown, expired or idle too long. Touches it. */
export async function findSessionUser(
  tx: Tx,
  token: string,
  idleMinutes: number,
): Promise<{ user: AuthUser; session: AuthSession } | undefined> {
  const tokenHash = hashToken(token);
  const row = await tx
    .updateTable('sessions')
    .set({ last_seen_at: sql`now()` })
    .where('token_hash', '=', tokenHash)
    .where('expires_at', '>', sql<Date>`now()`)
    .where('last_seen_at', '>', sql<Date>`now() - make_interval(mins => ${idleMinutes})`)
    .returning(['user_id', 'csrf_token', 'mfa_passed'])
    .executeTakeFirst();
  if (!row) return undefined;
  const user = await loadAuthUser(tx, row.user_id);
  if (!user) return undefined;
  return { user, session: { tokenHash, csrfToken: row.csrf_token, mfaPassed: row.mfa_passed } };
}

/** The user as access checks see it: roles and the customers a portal user may act for. */
export async function loadAuthUser(tx: Tx, userId: number): Promise<AuthUser | undefined> {
  const u = await tx
    .selectFrom('users')
    .select(['id', 'utility_id', 'kind', 'email', 'name', 'must_change_password', 'totp_enabled', 'disabled_at'])
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!u || u.disabled_at) return undefined;
  const roles =
    u.kind === 'staff'
      ? (await tx.selectFrom('staff_roles').select('role').where('user_id', '=', u.id).execute()).map((r) => r.role as StaffRole)
      : [];
  const customerIds =
    u.kind === 'customer'
      ? (await tx.selectFrom('user_customers').select('customer_id').where('user_id', '=', u.id).orderBy('customer_id').execute()).map(
          (r) => r.customer_id,
        )
      : [];
  return {
    id: u.id,
    utilityId: u.utility_id,
    kind: u.kind as AuthUser['kind'],
    email: u.email,
    name: u.name,
    roles,
    customerIds,
    mustChangePassword: u.must_change_password,
    totpEnabled: u.totp_enabled,
  };
}

export async function destroySession(tx: Tx, tokenHash: string): Promise<void> {
  await tx.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
}

/** Ends every session of a user (password change or reset, lock-out), except optionally the current one. */
export async function destroyUserSessions(tx: Tx, userId: number, exceptTokenHash?: string): Promise<void> {
  let q = tx.deleteFrom('sessions').where('user_id', '=', userId);
  if (exceptTokenHash) q = q.where('token_hash', '<>', exceptTokenHash);
  await q.execute();
}
