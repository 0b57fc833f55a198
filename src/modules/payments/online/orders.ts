/**
 * Starting an online payment: the amount is computed here from the open
 * amounts of the customer's invoices, never taken from the browser. One
 * order per start; the provider's page does the rest.
 */
import { randomUUID } from 'node:crypto';
import type { Tx } from '../../../db/tenant.ts';
import { badRequest, notFound } from '../../../lib/errors.ts';
import { debtsOf } from '../ledger/debts.ts';
import type { PaymentProvider, PayMethod } from './provider.ts';

export interface DueInvoice {
  id: number;
  number: string;
  dueDate: string;
  /** What is still to pay, grosze (the ledger's open amount). */
  openGrosze: number;
}

/**
 * The customer's invoices with something left to pay, oldest due first, by
 * the ledger's own reading of debts (an invoice's amount after corrections,
 * less its allocations).
 */
export async function dueInvoices(tx: Tx, customerId: number): Promise<DueInvoice[]> {
  return (await debtsOf(tx, [customerId]))
    .filter((d) => d.kind === 'invoice' && d.open > 0)
    .sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.id - b.id)
    .map((d) => ({ id: d.id, number: d.reference, dueDate: d.dueDate, openGrosze: d.open }));
}

export interface StartInput {
  utilityId: number;
  customerId: number;
  /** The invoices to pay; absent: all due invoices. */
  invoiceIds?: number[];
  method: PayMethod;
  userId: number;
  email: string;
  customerIp: string;
  /** Builds the return page's URL for a session id. */
  returnUrl: (sessionId: string) => string;
  notifyUrl: string;
}

export interface Started {
  sessionId: string;
  amountGrosze: number;
  redirectUrl: string;
}

/** Which due invoices an order pays: the named ones (each must be due and the customer's), or all. */
export function chooseInvoices(due: DueInvoice[], wanted?: number[]): DueInvoice[] {
  if (!wanted || wanted.length === 0) {
    if (due.length === 0) throw badRequest('online_payment.nothing_due', 'Nie ma należności do zapłaty.', 'There is nothing to pay.');
    return due;
  }
  const byId = new Map(due.map((d) => [d.id, d]));
  const chosen = [...new Set(wanted)].map((id) => byId.get(id));
  if (chosen.some((c) => !c)) {
    throw badRequest('online_payment.invoice_not_due', 'Wybrana faktura nie istnieje albo jest już opłacona.', 'A chosen invoice does not exist or is already paid.');
  }
  return chosen as DueInvoice[];
}

/** Runs work in one transaction of the request's utility (the route's inTenant). */
export type InTransaction = <T>(fn: (tx: Tx) => Promise<T>) => Promise<T>;

/**
 * Writes the order, then asks the provider, outside any transaction: a slow
 * provider must not hold a database connection (on the embedded database,
 * the only one). When the provider refuses or cannot be reached, the order
 * is marked failed and the error goes to the customer.
 */
export async function startPayment(run: InTransaction, provider: PaymentProvider, input: StartInput): Promise<Started> {
  const order = await run(async (tx) => {
    const customer = await tx.selectFrom('customers').select(['id', 'name', 'email']).where('id', '=', input.customerId).executeTakeFirst();
    if (!customer) throw notFound('customer.not_found', 'Nie znaleziono klienta.', 'Customer not found.');
    const chosen = chooseInvoices(await dueInvoices(tx, input.customerId), input.invoiceIds);
    const amountGrosze = chosen.reduce((s, d) => s + d.openGrosze, 0);
    const sessionId = `wod-${randomUUID()}`;
    const numbers = chosen.map((c) => c.number).join(', ');
    await tx
      .insertInto('online_payment_orders')
      .values({
        utility_id: input.utilityId,
        customer_id: input.customerId,
        session_id: sessionId,
        provider: provider.id,
        method: input.method,
        amount_grosze: amountGrosze,
        currency: 'PLN',
        invoice_ids: chosen.map((c) => c.id),
        created_by: input.userId,
      })
      .execute();
    return { sessionId, amountGrosze, customer, description: (chosen.length === 1 ? `Faktura ${numbers}` : `Faktury ${numbers}`).slice(0, 200) };
  });
  const { sessionId, amountGrosze } = order;
  let registered;
  try {
    registered = await provider.register({
      sessionId,
      amountGrosze,
      currency: 'PLN',
      description: order.description,
      email: order.customer.email || input.email,
      customerName: order.customer.name,
      customerIp: input.customerIp,
      method: input.method,
      returnUrl: input.returnUrl(sessionId),
      notifyUrl: input.notifyUrl,
    });
  } catch (err) {
    await run((tx) => tx.updateTable('online_payment_orders').set({ status: 'failed' }).where('session_id', '=', sessionId).execute());
    throw err;
  }
  if (registered.providerOrderId) {
    const providerOrderId = registered.providerOrderId;
    await run((tx) => tx.updateTable('online_payment_orders').set({ provider_order_id: providerOrderId }).where('session_id', '=', sessionId).execute());
  }
  return { sessionId, amountGrosze, redirectUrl: registered.redirectUrl };
}

export interface OrderStatus {
  sessionId: string;
  customerId: number;
  status: 'registered' | 'confirmed' | 'failed';
  amountGrosze: number;
  provider: string;
  invoiceNumbers: string[];
  createdAt: string;
  confirmedAt: string | null;
}

export async function findOrderStatus(tx: Tx, sessionId: string): Promise<OrderStatus | null> {
  const o = await tx.selectFrom('online_payment_orders').selectAll().where('session_id', '=', sessionId).executeTakeFirst();
  if (!o) return null;
  const invoices = await tx.selectFrom('invoices').select('invoice_number').where('id', 'in', o.invoice_ids.length ? o.invoice_ids : [-1]).orderBy('id').execute();
  return {
    sessionId: o.session_id,
    customerId: o.customer_id,
    status: o.status as OrderStatus['status'],
    amountGrosze: Number(o.amount_grosze),
    provider: o.provider,
    invoiceNumbers: invoices.map((i) => i.invoice_number),
    createdAt: new Date(o.created_at as unknown as string).toISOString(),
    confirmedAt: o.confirmed_at ? new Date(o.confirmed_at as unknown as string).toISOString() : null,
  };
}
