/**
 * Shared set-up of the identity tests: a utility with published portal
 * terms, customers with activation codes, and readers of the outbox.
 */
import { sql } from 'kysely';
import { withTenant } from '../src/db/tenant.ts';
import { issueActivationCode } from '../src/modules/identity/index.ts';
import type { TestApp } from './support/app.ts';
import { buildCustomer, buildUtility } from './support/factories.ts';

export async function identityFixture(t: TestApp) {
  const utility = await buildUtility(t.database, { name: 'Zakład Wodociągów i Kanalizacji w Łęcznej Sp. z o.o.', city: 'Łęczna' });
  const terms = await t.database.db
    .insertInto('terms_versions')
    .values({ utility_id: utility.id, kind: 'portal', version: '2026-01', title: 'Regulamin e-BOK', body: 'Treść regulaminu…', published_at: sql`now() - interval '1 day'` })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { utility, termsId: terms.id };
}

export async function customerWithCode(t: TestApp, utilityId: number, over: Parameters<typeof buildCustomer>[2] = {}) {
  const customer = await buildCustomer(t.database, utilityId, over);
  const code = await withTenant(t.database.db, { utilityId }, (tx) => issueActivationCode(tx, customer.id));
  return { customer, code };
}

export async function outbox(t: TestApp, to?: string) {
  let q = t.database.db.selectFrom('email_outbox').selectAll().orderBy('id', 'desc');
  if (to) q = q.where('to_address', '=', to);
  return q.execute();
}

/** The token from the newest link of a kind ('verify-email', 'reset-password') sent to an address. */
export async function tokenFromOutbox(t: TestApp, to: string, page: string): Promise<string> {
  for (const m of await outbox(t, to)) {
    const hit = new RegExp(`/${page}\\?token=([A-Za-z0-9_%-]+)`).exec(m.text_body);
    if (hit) return decodeURIComponent(hit[1]);
  }
  throw new Error(`no ${page} link sent to ${to}`);
}
