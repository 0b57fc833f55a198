/**
 * Shared set-up of the identity tests: a utility with published portal
 * terms, customers with activation codes, and readers of the outbox.
 */
import { sql } from 'kysely';
import { withTenant } from '../src/db/tenant.ts';
import { issueActivationCode } from '../src/modules/identity/index.ts';
import { composeRequested } from '../src/modules/notify/index.ts';
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

/**
 * The outbox as the worker leaves it: first the worker's composing step
 * (reset and verification requests become messages), then the messages.
 */
export async function outbox(t: TestApp, to?: string) {
  await composeRequested(t.database);
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

/**
 * What a request has made so far, before the worker runs: one-time tokens,
 * messages, audit entries, and the e-mail requests waiting for the worker.
 */
export async function madeSoFar(t: TestApp) {
  const counts = (
    await sql<{ tokens: number; messages: number; audit: number }>`
      select (select count(*) from auth_tokens)::int as tokens, (select count(*) from email_outbox)::int as messages,
             (select count(*) from audit_log)::int as audit`.execute(t.database.db)
  ).rows[0];
  const requests = await t.database.db.selectFrom('email_requests').select(['composer', 'to_address', 'data']).orderBy('id').execute();
  return { ...counts, requests };
}
