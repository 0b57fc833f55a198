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
