/**
 * Which invoices go to KSeF, and putting them in its queue. The rule
 * (issue 16, item 1): invoices to businesses and housing communities always;
 * to consumers when the utility chose so. An invoice enters `ksef_invoices`
 * once (its primary key); its hash is of the stored XML bytes, exactly as
 * sent (and as KOD I hashes them).
 */
import { sql } from 'kysely';
import type { Tx } from '../../db/tenant.ts';

/** Pure rule: must an invoice to a buyer of this kind go to KSeF? */
export function goesToKsef(buyerKind: string | null, includeConsumers: boolean): boolean {
  if (buyerKind === 'business' || buyerKind === 'community') return true;
  return includeConsumers;
}

export interface QueueFilter {
  invoiceNumber?: string;
  runId?: number;
  invoiceId?: number;
}

/**
 * Queues the issued invoices (with their XML) that match and are not yet in
 * the KSeF queue; `offline` puts them in the offline state (offline24, or
 * KSeF not answering). Returns how many were queued.
 */
export async function queueInvoices(tx: Tx, includeConsumers: boolean, f: QueueFilter, offline = false): Promise<number> {
  const kinds = includeConsumers ? ['business', 'community', 'household'] : ['business', 'community'];
  const { rows } = await sql<{ n: number }>`
    with q as (
      insert into ksef_invoices (utility_id, invoice_id, state, offline, invoice_hash)
      select i.utility_id, i.id, ${offline ? 'offline' : 'queued'}, ${offline}, encode(sha256(i.xml), 'base64')
        from invoices i
       where i.xml is not null and i.ksef_number is null
         and i.buyer_kind = any(${sql.val(kinds)}::text[])
         ${f.invoiceNumber !== undefined ? sql`and i.invoice_number = ${f.invoiceNumber}` : sql``}
         ${f.invoiceId !== undefined ? sql`and i.id = ${f.invoiceId}` : sql``}
         ${f.runId !== undefined ? sql`and i.billing_run_id = ${f.runId}` : sql``}
      on conflict do nothing
      returning 1)
    select count(*)::int as n from q`.execute(tx);
  return Number(rows[0]?.n ?? 0);
}

/**
 * Invoices ready to send, in invoice order: queued or offline; a correction
 * only once the invoice it corrects has its KSeF number (or never went to KSeF).
 */
export async function readyInvoices(tx: Tx, limit: number, offline: boolean): Promise<number[]> {
  const { rows } = await sql<{ invoice_id: number }>`
    select k.invoice_id from ksef_invoices k
      join invoices i on i.utility_id = k.utility_id and i.id = k.invoice_id
     where k.state in ('queued', 'offline') and k.offline = ${offline}
       and (i.corrects_invoice_id is null
            or exists (select 1 from invoices o where o.utility_id = i.utility_id and o.id = i.corrects_invoice_id and o.ksef_number is not null)
            or not exists (select 1 from ksef_invoices o where o.utility_id = i.utility_id and o.invoice_id = i.corrects_invoice_id))
     order by k.invoice_id
     limit ${limit}`.execute(tx);
  return rows.map((r) => Number(r.invoice_id));
}
