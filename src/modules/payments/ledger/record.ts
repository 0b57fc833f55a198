/**
 * One payment from outside the bank statements (an online payment provider's
 * confirmed notification, a cash desk): stored exactly once per externalRef
 * (payments has unique (utility_id, external_ref)), then allocated. Called
 * again with the same externalRef it returns the first payment's id and
 * changes nothing, so a repeated notification or a retried job is harmless.
 */
import { sql } from 'kysely';
import type { Db } from '../../../db/connection.ts';
import type { Tx } from '../../../db/tenant.ts';
import { badRequest } from '../../../lib/errors.ts';
import { lockLedger, settle } from './settle.ts';
import { inUtility } from './tenant-or-tx.ts';

export interface PaymentInput {
  customerId: number;
  amountGrosze: number;
  /** YYYY-MM-DD */
  bookedOn: string;
  channel: 'bank' | 'online' | 'cash' | 'other';
  title: string;
  payerName: string | null;
  /** The payment's stable identity at its source (e.g. "p24:<sessionId>"). */
  externalRef: string;
  /** Invoices the payer chose to pay (allocated first). */
  invoiceIds?: number[];
}

export async function recordPayment(db: Db | Tx, utilityId: number, p: PaymentInput): Promise<number> {
  if (!Number.isSafeInteger(p.amountGrosze) || p.amountGrosze <= 0) {
    throw badRequest('payments.bad_amount', 'Kwota wpłaty musi być dodatnią liczbą groszy.', 'A payment amount must be a positive number of grosze.');
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(p.bookedOn)) throw badRequest('payments.bad_date', 'Nieprawidłowa data księgowania.', 'Invalid booking date.');
  if (p.externalRef.trim() === '') throw badRequest('payments.no_reference', 'Wpłata musi mieć identyfikator źródła.', 'A payment needs its source reference.');
  return inUtility(db, utilityId, async (tx) => {
    await lockLedger(tx, utilityId);
    const inserted = await sql<{ id: number }>`
      insert into payments (utility_id, customer_id, amount_grosze, booked_on, channel, title, payer_name, external_ref)
      values (${utilityId}, ${p.customerId}, ${p.amountGrosze}, ${p.bookedOn}::date, ${p.channel}, ${p.title}, ${p.payerName}, ${p.externalRef})
      on conflict (utility_id, external_ref) do nothing
      returning id`.execute(tx);
    if (inserted.rows.length === 0) {
      const { rows } = await sql<{ id: number }>`select id from payments where external_ref = ${p.externalRef}`.execute(tx);
      return Number(rows[0].id);
    }
    const id = Number(inserted.rows[0].id);
    await settle(tx, utilityId, [p.customerId], new Map([[id, p.invoiceIds ?? []]]));
    return id;
  });
}
