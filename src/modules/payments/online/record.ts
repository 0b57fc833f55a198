/**
 * Recording a confirmed online payment in the ledger's tables.
 *
 * THE LEAD SWAPS THIS FOR recordPayment AT MERGE: the ledger (helper
 * "ledger", src/modules/payments/ledger/record.ts) exports
 * recordPayment(db, utilityId, { customerId, amountGrosze, bookedOn, channel,
 * title, payerName, externalRef }), which inserts into `payments` once per
 * external_ref and allocates by the ledger's rules. Until it lands, this one
 * function does the same for online payments: the payment row once per
 * external_ref (the unique (utility_id, external_ref) of `payments` and
 * `on conflict do nothing` make a repeated or concurrent notification add
 * nothing), then allocations to the order's invoices, oldest due first, each
 * up to its open amount; what is left stays unallocated (an overpayment the
 * ledger carries forward).
 */
import type { Tx } from '../../../db/tenant.ts';
import { dueInvoices } from './orders.ts';

export interface ConfirmedPayment {
  utilityId: number;
  customerId: number;
  amountGrosze: number;
  bookedOn: string;
  title: string;
  payerName: string;
  externalRef: string;
  /** The invoices the customer chose to pay. */
  invoiceIds: number[];
}

/** Returns the payment's id and whether this call created it (false: it was recorded before). */
export async function recordConfirmedPayment(tx: Tx, p: ConfirmedPayment): Promise<{ paymentId: number; created: boolean }> {
  const inserted = await tx
    .insertInto('payments')
    .values({
      utility_id: p.utilityId,
      customer_id: p.customerId,
      amount_grosze: p.amountGrosze,
      booked_on: p.bookedOn,
      channel: 'online',
      title: p.title,
      payer_name: p.payerName,
      external_ref: p.externalRef,
    })
    .onConflict((oc) => oc.columns(['utility_id', 'external_ref']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) {
    const existing = await tx.selectFrom('payments').select('id').where('external_ref', '=', p.externalRef).executeTakeFirstOrThrow();
    return { paymentId: existing.id, created: false };
  }
  const wanted = new Set(p.invoiceIds);
  let left = p.amountGrosze;
  for (const inv of (await dueInvoices(tx, p.customerId)).filter((d) => wanted.has(d.id))) {
    if (left <= 0) break;
    const amount = Math.min(left, inv.openGrosze);
    await tx.insertInto('payment_allocations').values({ utility_id: p.utilityId, payment_id: inserted.id, invoice_id: inv.id, amount_grosze: amount }).execute();
    left -= amount;
  }
  return { paymentId: inserted.id, created: true };
}
