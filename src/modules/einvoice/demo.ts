/**
 * Demo data: the customers the generator put on e-invoices get the consent
 * that makes them so (set-based, so a large seed stays fast): accepted a few
 * days after the e-invoice terms were published, effective from the start of
 * each customer's next billing period after that day (billing-period.ts).
 * A customer with a portal login accepted in the portal; the others' consents
 * are marked as carried over from the utility's previous system. Customers
 * who already have a consent (a repeated `wodnik seed`) are left alone.
 */
import { sql } from 'kysely';
import type { Db } from '../../db/connection.ts';
import { BILLING_CYCLES, consentEffectiveFrom, localDate } from './billing-period.ts';

const DAY = 86_400_000;

export async function insertDemoEinvoiceConsents(db: Db, utilityId: number): Promise<number> {
  const terms = await db
    .selectFrom('terms_versions')
    .select(['id', 'published_at'])
    .where('utility_id', '=', utilityId)
    .where('kind', '=', 'einvoice')
    .orderBy('published_at')
    .limit(1)
    .executeTakeFirst();
  if (!terms) return 0;
  const acceptedAt = new Date(new Date(terms.published_at).getTime() + 3 * DAY + 2 * 3_600_000);
  const day = localDate(acceptedAt);
  // The effective day per cycle; a customer with several contracts takes the earliest (as a consent given in the portal does).
  const starts = sql.join(BILLING_CYCLES.map((c) => sql`when ${c} then ${consentEffectiveFrom([c], day)}::date`), sql` `);
  const fallback = consentEffectiveFrom([], day);
  const { rows } = await sql<{ n: number }>`
    with chosen as (
      select c.id, c.email,
             (select min(uc.user_id) from user_customers uc where uc.utility_id = c.utility_id and uc.customer_id = c.id) as user_id,
             coalesce((select min(case k.billing_cycle ${starts} end) from contracts k
                       where k.utility_id = c.utility_id and k.customer_id = c.id and k.status = 'active'), ${fallback}::date) as effective_from
      from customers c
      where c.utility_id = ${utilityId} and c.invoice_delivery = 'einvoice'
        and not exists (select 1 from einvoice_consents e where e.utility_id = c.utility_id and e.customer_id = c.id)
    ), acc as (
      insert into terms_acceptances (utility_id, terms_version_id, user_id, customer_id, accepted_at)
      select ${utilityId}, ${terms.id}, user_id, id, ${acceptedAt} from chosen
      returning id, customer_id
    ), ins as (
      insert into einvoice_consents (utility_id, customer_id, terms_acceptance_id, email, by_email, granted_at, effective_from, source)
      select ${utilityId}, ch.id, acc.id, ch.email, ch.email is not null, ${acceptedAt}, ch.effective_from,
             case when ch.user_id is null then 'migrated' else 'portal' end
      from chosen ch join acc on acc.customer_id = ch.id
      returning 1
    )
    select count(*)::int as n from ins`.execute(db);
  return rows[0].n;
}
