/**
 * Terms of the portal and of e-invoices: the newest published version is
 * the current one, and every acceptance is recorded with who, when, which
 * version, from which address and with which browser.
 */
import { sql } from 'kysely';
import type { Tx } from '../../db/tenant.ts';
import { notFound } from '../../lib/errors.ts';

export type TermsKind = 'portal' | 'einvoice';

export async function findCurrentTerms(tx: Tx, kind: TermsKind) {
  return tx
    .selectFrom('terms_versions')
    .select(['id', 'kind', 'version', 'title', 'body', 'published_at'])
    .where('kind', '=', kind)
    .where('published_at', '<=', sql<Date>`now()`)
    .orderBy('published_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function currentTerms(tx: Tx, kind: TermsKind) {
  const t = await findCurrentTerms(tx, kind);
  if (!t) throw notFound('terms.not_found', 'Regulamin nie został jeszcze opublikowany.', 'The terms have not been published yet.');
  return { id: t.id, kind: t.kind as TermsKind, version: t.version, title: t.title, body: t.body };
}

export async function recordTermsAcceptance(
  tx: Tx,
  a: { utilityId: number; termsVersionId: number; userId: number | null; customerId: number | null; ip: string; userAgent?: string },
): Promise<number> {
  const row = await tx
    .insertInto('terms_acceptances')
    .values({
      utility_id: a.utilityId,
      terms_version_id: a.termsVersionId,
      user_id: a.userId,
      customer_id: a.customerId,
      ip: a.ip,
      user_agent: a.userAgent?.slice(0, 300) ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * The same rule as `termsToAccept`, as one SQL expression over the user row
 * `u` (a boolean), for the session read that every signed-in request makes
 * (sessions.ts `findSessionUser`): the server refuses portal calls while it
 * is true (http/access.ts). The session cache holds it no longer than a
 * minute and forgets it at once when an acceptance or a new version is
 * written (triggers in migrations/202612071310_terms_gate.sql).
 */
export const portalTermsOwedSql = sql<boolean>`(u.kind = 'customer' and exists (
  select 1 from (
    select t.id, t.published_at from terms_versions t
     where t.utility_id = u.utility_id and t.kind = 'portal' and t.published_at <= now()
     order by t.published_at desc, t.id desc limit 1
  ) cur
  where cur.published_at > u.created_at
    and not exists (select 1 from terms_acceptances a where a.utility_id = u.utility_id and a.user_id = u.id and a.terms_version_id = cur.id)))`;

/**
 * The portal terms a portal user must accept before going on, or null.
 * The current version must be accepted when it was published after the
 * user's account was created and the user has not accepted it: every user
 * who registered (or was added) under an older version. A user created
 * under the current version is not asked (registration recorded the
 * acceptance; an account staff added is asked at the next version).
 */
export async function termsToAccept(tx: Tx, userId: number) {
  const current = await findCurrentTerms(tx, 'portal');
  if (!current) return null;
  const row = await tx
    .selectFrom('users as u')
    .select((eb) => [
      'u.created_at',
      eb
        .exists(eb.selectFrom('terms_acceptances as a').select('a.id').where('a.user_id', '=', userId).where('a.terms_version_id', '=', current.id))
        .as('accepted'),
    ])
    .where('u.id', '=', userId)
    .where('u.kind', '=', 'customer')
    .executeTakeFirst();
  if (!row || row.accepted) return null;
  if (new Date(row.created_at).getTime() >= new Date(current.published_at).getTime()) return null;
  return { id: current.id, kind: current.kind, version: current.version, title: current.title, body: current.body };
}
