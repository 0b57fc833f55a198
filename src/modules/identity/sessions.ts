/**
 * Server-side sessions. The cookie holds a random token; the database holds
 * only its SHA-256, so a leaked table cannot be replayed. A session ends at
 * logout, after `idleMinutes` without a request, and after 12 hours at most.
 */
import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../db/connection.ts';
import type { Tx } from '../../db/tenant.ts';
import type { AuthSession, AuthUser, StaffRole } from '../../http/access.ts';
import { portalTermsOwedSql } from './terms.ts';

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

/** A session's last-seen time is written at most this often (the idle limit is counted in minutes). */
export const LAST_SEEN_EVERY_SECONDS = 60;

interface SessionUserRow {
  csrf_token: string;
  expires_at: Date | string;
  mfa_passed: boolean;
  id: number;
  utility_id: number;
  kind: string;
  email: string;
  name: string;
  must_change_password: boolean;
  totp_enabled: boolean;
  roles: string[];
  customer_ids: number[];
  terms_owed: boolean;
}

/**
 * The user behind a session token of this utility, or undefined when the
 * session is unknown, expired or idle too long, or the user is disabled.
 *
 * Every signed-in request asks this before its handler runs, so it is one
 * statement in one round trip, outside the request's transaction: the
 * session, its user, the roles and the customers together, and the
 * last-seen time moved on only when it is older than a minute (a write per
 * request would make every page view an UPDATE). It runs as the connecting
 * role (the schema's owner), not under the tenant's row-level security,
 * because it has no tenant yet; it names the utility in every table it
 * reads, and the session's key is (utility, token hash).
 */
export async function findSessionUser(
  db: Db,
  utilityId: number,
  token: string,
  idleMinutes: number,
): Promise<{ user: AuthUser; session: AuthSession; expiresAt: number } | undefined> {
  const tokenHash = hashToken(token);
  const { rows } = await sql<SessionUserRow>`
    with s as (
      select user_id, csrf_token, mfa_passed, expires_at,
             last_seen_at < now() - make_interval(secs => ${LAST_SEEN_EVERY_SECONDS}) as stale
        from sessions
       where utility_id = ${utilityId} and token_hash = ${tokenHash}
         and expires_at > now()
         and last_seen_at > now() - make_interval(mins => ${idleMinutes})
    ), touched as (
      update sessions set last_seen_at = now()
       where utility_id = ${utilityId} and token_hash = ${tokenHash} and (select stale from s)
      returning 1
    )
    select s.csrf_token, s.mfa_passed, s.expires_at, u.id, u.utility_id, u.kind, u.email, u.name, u.must_change_password, u.totp_enabled,
           (select coalesce(json_agg(r.role order by r.role), '[]'::json)
              from staff_roles r where r.utility_id = u.utility_id and r.user_id = u.id and u.kind = 'staff') as roles,
           (select coalesce(json_agg(c.customer_id order by c.customer_id), '[]'::json)
              from user_customers c where c.utility_id = u.utility_id and c.user_id = u.id and u.kind = 'customer') as customer_ids,
           ${portalTermsOwedSql} as terms_owed
      from s join users u on u.utility_id = ${utilityId} and u.id = s.user_id
     where u.disabled_at is null`.execute(db);
  const r = rows[0];
  if (!r) return undefined;
  const user: AuthUser = {
    id: Number(r.id),
    utilityId: Number(r.utility_id),
    kind: r.kind as AuthUser['kind'],
    email: r.email,
    name: r.name,
    roles: r.roles as StaffRole[],
    customerIds: r.customer_ids.map(Number),
    mustChangePassword: r.must_change_password,
    totpEnabled: r.totp_enabled,
    termsOwed: r.terms_owed === true,
  };
  return { user, session: { tokenHash, csrfToken: r.csrf_token, mfaPassed: r.mfa_passed }, expiresAt: new Date(r.expires_at).getTime() };
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
