/**
 * A provider's notification, from the raw body to a recorded payment.
 *
 * Every notification is logged (online_payment_notifications) in a
 * transaction of its own, accepted or refused with the reason, so that a
 * refusal leaves its trace although the work is rolled back (a refused
 * one is logged under the session it claims, unverified). Refused: a bad
 * signature, another merchant, an unknown session, an amount or currency
 * other than the order's, an order of another provider. A paid notice is
 * made final with the provider (P24's verify call; PayU's order read back)
 * and recorded exactly once: the ledger's recordPayment inserts the payment
 * once per external_ref ('p24:<sessionId>', 'payu:<orderId>'; unique in
 * `payments`), then the order moves registered → confirmed, so a repeated
 * notification, a retried verify or two identical notifications at the same
 * moment add one payment.
 */
import type { Db } from '../../../db/connection.ts';
import { withTenant, type Tx } from '../../../db/tenant.ts';
import { AppError } from '../../../lib/errors.ts';
import type { SecretBox } from '../../../lib/secret-box.ts';
import { localDate } from '../../einvoice/billing-period.ts';
import { NotificationRefused, type Notice, type ProviderId } from './provider.ts';
import { recordPayment } from '../ledger/record.ts';
import { findProvider } from './settings.ts';

export interface NotificationContext {
  db: Db;
  box: SecretBox;
  utilityId: number;
  production: boolean;
  provider: ProviderId;
  rawBody: string;
  headers: Record<string, string | string[] | undefined>;
  now?: Date;
}

export type NotificationOutcome = 'confirmed' | 'already_confirmed' | 'pending' | 'failed';

const MAX_LOGGED_BODY = 20_000;

async function log(c: NotificationContext, entry: { sessionId?: string; providerOrderId?: string; accepted: boolean; code: string; reason: string }) {
  await withTenant(c.db, { utilityId: c.utilityId }, (tx) =>
    tx
      .insertInto('online_payment_notifications')
      .values({
        utility_id: c.utilityId,
        provider: c.provider,
        session_id: entry.sessionId?.slice(0, 200) ?? null,
        provider_order_id: entry.providerOrderId?.slice(0, 200) ?? null,
        accepted: entry.accepted,
        code: entry.code,
        reason: entry.reason.slice(0, 500),
        body: c.rawBody.slice(0, MAX_LOGGED_BODY),
      })
      .execute(),
  );
}

/** The session a refused notification claims (unverified, for the log only). */
function claimedSessionId(provider: ProviderId, rawBody: string): string | undefined {
  try {
    const n = JSON.parse(rawBody);
    const v = provider === 'p24' ? n?.sessionId : n?.order?.extOrderId;
    return typeof v === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

async function orderOf(tx: Tx, sessionId: string) {
  return tx.selectFrom('online_payment_orders').selectAll().where('session_id', '=', sessionId).executeTakeFirst();
}

/** Handles one notification; throws an AppError (logged) when it is refused or cannot be finished now. */
export async function handleNotification(c: NotificationContext): Promise<NotificationOutcome> {
  let notice: Notice | undefined;
  try {
    const provider = await withTenant(c.db, { utilityId: c.utilityId }, (tx) => findProvider(tx, c.box, c.production));
    if (!provider || provider.id !== c.provider) throw new NotificationRefused('not_found', 'online_payment.off', `${c.provider} is not the configured provider`);
    notice = provider.readNotification(c.rawBody, c.headers);
    const n = notice;
    const order = await withTenant(c.db, { utilityId: c.utilityId }, (tx) => orderOf(tx, n.sessionId));
    if (!order || order.provider !== c.provider) throw new NotificationRefused('not_found', 'online_payment.unknown_session', `no ${c.provider} payment with session ${n.sessionId}`);
    if (order.provider_order_id && order.provider_order_id !== n.providerOrderId) {
      throw new NotificationRefused('conflict', 'online_payment.order_mismatch', `order ${n.providerOrderId}, expected ${order.provider_order_id}`);
    }
    if (Number(order.amount_grosze) !== n.amountGrosze || order.currency !== n.currency) {
      throw new NotificationRefused('conflict', 'online_payment.amount_mismatch', `${n.amountGrosze} ${n.currency}, the order is ${order.amount_grosze} ${order.currency}`);
    }
    let outcome: NotificationOutcome;
    if (order.status === 'confirmed') outcome = 'already_confirmed';
    else if (n.state === 'pending') outcome = 'pending';
    else if (n.state === 'failed') {
      await withTenant(c.db, { utilityId: c.utilityId }, (tx) =>
        tx.updateTable('online_payment_orders').set({ status: 'failed', provider_order_id: n.providerOrderId }).where('id', '=', order.id).where('status', '=', 'registered').execute(),
      );
      outcome = 'failed';
    } else {
      const externalRef = c.provider === 'p24' ? `p24:${order.session_id}` : `payu:${n.providerOrderId}`;
      // Final with the provider first: until then the money is not ours (P24
      // does not settle an unverified transaction). Skipped when the payment
      // was recorded already (the process stopped before the order was marked).
      const recorded = await withTenant(c.db, { utilityId: c.utilityId }, (tx) => tx.selectFrom('payments').select('id').where('external_ref', '=', externalRef).executeTakeFirst());
      if (!recorded) await provider.finalise(n, { amountGrosze: Number(order.amount_grosze), currency: order.currency });
      const now = c.now ?? new Date();
      const customer = await withTenant(c.db, { utilityId: c.utilityId }, (tx) => tx.selectFrom('customers').select('name').where('id', '=', order.customer_id).executeTakeFirstOrThrow());
      // The ledger stores the payment once per external_ref and allocates it
      // to the chosen invoices first (its own transaction under the ledger's lock).
      const paymentId = await recordPayment(c.db, c.utilityId, {
        customerId: order.customer_id,
        amountGrosze: Number(order.amount_grosze),
        bookedOn: localDate(now),
        channel: 'online',
        title: `Płatność online ${c.provider === 'p24' ? 'Przelewy24' : 'PayU'} ${order.session_id}`,
        payerName: customer.name,
        externalRef,
        invoiceIds: order.invoice_ids.map(Number),
      });
      // Then the order: whichever notification moves it to confirmed says so; a
      // concurrent twin waits for its row lock and finds it confirmed. Were the
      // process to stop between the two, the provider's next notification
      // finds the payment already recorded and confirms the order.
      const updated = await withTenant(c.db, { utilityId: c.utilityId }, (tx) =>
        tx
          .updateTable('online_payment_orders')
          .set({ status: 'confirmed', provider_order_id: n.providerOrderId, payment_id: paymentId, confirmed_at: now })
          .where('id', '=', order.id)
          .where('status', '<>', 'confirmed')
          .executeTakeFirst(),
      );
      outcome = Number(updated.numUpdatedRows) === 1 ? 'confirmed' : 'already_confirmed';
    }
    await log(c, { sessionId: n.sessionId, providerOrderId: n.providerOrderId, accepted: true, code: `online_payment.${outcome}`, reason: n.state });
    return outcome;
  } catch (err) {
    const code = err instanceof AppError ? err.code : 'online_payment.internal';
    await log(c, { sessionId: notice?.sessionId ?? claimedSessionId(c.provider, c.rawBody), providerOrderId: notice?.providerOrderId, accepted: false, code, reason: (err as Error).message }).catch(() => {});
    throw err;
  }
}
