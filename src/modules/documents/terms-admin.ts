/**
 * New versions of the portal terms and their acceptance at the next sign-in
 * (who must accept: identity/terms.ts `termsToAccept`). The acceptance is
 * recorded like registration records it.
 */
import { sql } from 'kysely';
import type { Tx } from '../../db/tenant.ts';
import { badRequest, conflict } from '../../lib/errors.ts';
import { recordTermsAcceptance, termsToAccept } from '../identity/terms.ts';

export async function acceptTerms(
  tx: Tx,
  a: { utilityId: number; userId: number; customerIds: number[]; termsVersionId: number; ip: string; userAgent?: string },
): Promise<void> {
  const pending = await termsToAccept(tx, a.userId);
  if (!pending) throw conflict('terms.nothing_to_accept', 'Obowiązujący regulamin został już zaakceptowany.', 'The current terms have already been accepted.');
  if (pending.id !== a.termsVersionId) {
    throw badRequest('terms.outdated', 'Regulamin został zmieniony. Prosimy odświeżyć stronę i zapoznać się z aktualną wersją.', 'The terms have changed. Reload the page and read the current version.', {
      field: 'termsVersionId',
    });
  }
  // One row per customer the user acts for (as registration records the customer), or one without a customer.
  const customers = a.customerIds.length ? a.customerIds : [null];
  for (const customerId of customers) {
    await recordTermsAcceptance(tx, { utilityId: a.utilityId, termsVersionId: pending.id, userId: a.userId, customerId, ip: a.ip, userAgent: a.userAgent });
  }
}

export async function termsVersions(tx: Tx) {
  const rows = await tx
    .selectFrom('terms_versions as t')
    .select((eb) => [
      't.id',
      't.kind',
      't.version',
      't.title',
      't.published_at',
      eb.selectFrom('terms_acceptances as a').select((e) => e.fn.count<number>(e.fn('distinct', ['a.user_id'])).as('n')).whereRef('a.terms_version_id', '=', 't.id').as('accepted_by'),
    ])
    .orderBy('t.kind')
    .orderBy('t.published_at', 'desc')
    .orderBy('t.id', 'desc')
    .execute();
  return {
    items: rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      version: r.version,
      title: r.title,
      publishedAt: new Date(r.published_at).toISOString(),
      acceptedBy: Number(r.accepted_by ?? 0),
    })),
  };
}

export async function publishTerms(tx: Tx, utilityId: number, t: { version: string; title: string; body: string }): Promise<number> {
  const version = t.version.trim();
  const title = t.title.trim();
  const body = t.body.trim();
  if (!version) throw badRequest('terms.version_required', 'Prosimy podać oznaczenie wersji.', 'Give the version a label.', { field: 'version' });
  if (!title) throw badRequest('terms.title_required', 'Prosimy podać tytuł regulaminu.', 'Give the terms a title.', { field: 'title' });
  if (body.length < 20) throw badRequest('terms.body_required', 'Prosimy podać treść regulaminu.', 'Give the text of the terms.', { field: 'body' });
  const same = await tx.selectFrom('terms_versions').select('id').where('kind', '=', 'portal').where('version', '=', version).executeTakeFirst();
  if (same) throw conflict('terms.version_exists', `Wersja „${version}” regulaminu już istnieje.`, `Version "${version}" of the terms already exists.`);
  const row = await tx
    .insertInto('terms_versions')
    .values({ utility_id: utilityId, kind: 'portal', version, title, body, published_at: sql<Date>`now()` })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
