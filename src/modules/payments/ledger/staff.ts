/**
 * What a clerk does by hand: assign an unmatched statement line to a
 * customer, allocate a payment's remainder to a chosen invoice, refund an
 * overpayment, adjust a balance. Each is one transaction under the ledger
 * lock, audited, and refused with a stable code when it would break a rule
 * (an allocation above the open amount or above what is left of the payment,
 * a refund above the overpayment); nothing is half-written.
 */
import { sql } from 'kysely';
import type { Tx } from '../../../db/tenant.ts';
import { badRequest, conflict, notFound } from '../../../lib/errors.ts';
import { recordAudit } from '../../identity/audit.ts';
import { refundFrom } from './allocate.ts';
import { creditsOf, debtsOf } from './debts.ts';
import { balanceSummary } from './read.ts';
import { insertAllocations, lockLedger, settle } from './settle.ts';

export interface Actor {
  utilityId: number;
  staffId: number;
  ip: string | null;
}

const audit = (tx: Tx, a: Actor, action: string, entity: string, entityId: number, customerId: number, data: Record<string, unknown>) =>
  recordAudit(tx, { utilityId: a.utilityId, actorId: a.staffId, actorKind: 'staff', action, entity, entityId, customerId, ip: a.ip, data });

async function assertCustomer(tx: Tx, customerId: number): Promise<void> {
  const { rows } = await sql`select 1 from customers where id = ${customerId}`.execute(tx);
  if (rows.length === 0) throw notFound('customer.not_found', 'Nie znaleziono klienta.', 'Customer not found.');
}

function assertAmount(amount: number, field: string): void {
  if (!Number.isSafeInteger(amount) || amount <= 0) {
    throw badRequest('payments.bad_amount', 'Kwota musi być dodatnia (w groszach).', 'The amount must be positive (in grosze).', { field });
  }
}

/** A clerk assigns an unmatched statement line to a customer; its payment is then allocated. */
export async function assignLine(tx: Tx, a: Actor, lineId: number, customerId: number, invoiceIds: number[] = []): Promise<void> {
  await lockLedger(tx, a.utilityId);
  const { rows } = await sql<{ status: string; payment_id: number | null; amount_grosze: number }>`
    select status, payment_id, amount_grosze from bank_statement_lines where id = ${lineId} for update`.execute(tx);
  const line = rows[0];
  if (!line) throw notFound('payments.line_not_found', 'Nie znaleziono pozycji wyciągu.', 'Statement line not found.');
  if (line.status !== 'unmatched' || line.payment_id === null) {
    throw conflict('payments.line_not_unmatched', 'Ta pozycja wyciągu jest już przypisana.', 'This statement line is already assigned.');
  }
  await assertCustomer(tx, customerId);
  await sql`update payments set customer_id = ${customerId} where id = ${line.payment_id}`.execute(tx);
  await sql`update bank_statement_lines set status = 'assigned', matched_by = 'manual' where id = ${lineId}`.execute(tx);
  await settle(tx, a.utilityId, [customerId], new Map([[Number(line.payment_id), invoiceIds]]));
  await audit(tx, a, 'payment.assign', 'bank_statement_line', lineId, customerId, { paymentId: Number(line.payment_id), amount: Number(line.amount_grosze) });
}

/** A clerk allocates (part of) what is left of a payment to one invoice or charge of the same customer. */
export async function allocateManually(tx: Tx, a: Actor, input: { paymentId: number; kind: 'invoice' | 'charge'; targetId: number; amountGrosze: number }): Promise<void> {
  assertAmount(input.amountGrosze, 'body.amountGrosze');
  await lockLedger(tx, a.utilityId);
  const { rows } = await sql<{ customer_id: number | null }>`select customer_id from payments where id = ${input.paymentId}`.execute(tx);
  const customerId = rows[0]?.customer_id;
  if (customerId == null) throw notFound('payments.payment_not_found', 'Nie znaleziono wpłaty przypisanej do klienta.', 'No payment assigned to a customer was found.');
  const debt = (await debtsOf(tx, [Number(customerId)])).find((d) => d.kind === input.kind && d.id === input.targetId);
  if (!debt) throw notFound('payments.debt_not_found', 'Nie znaleziono tej należności u klienta wpłaty.', "No such debt of the payment's customer.");
  const credit = (await creditsOf(tx, [Number(customerId)])).find((c) => c.paymentId === input.paymentId);
  if (input.amountGrosze > (credit?.remaining ?? 0)) {
    throw badRequest('payments.allocation_above_payment', 'Kwota przekracza nierozliczoną część wpłaty.', 'The amount is above what is left of the payment.', { field: 'body.amountGrosze' });
  }
  if (input.amountGrosze > debt.open) {
    throw badRequest('payments.allocation_above_open', 'Kwota przekracza pozostałą do zapłaty część należności.', 'The amount is above what is still open on the debt.', { field: 'body.amountGrosze' });
  }
  await insertAllocations(tx, a.utilityId, [{ paymentId: input.paymentId, kind: input.kind, id: input.targetId, amount: input.amountGrosze }]);
  await audit(tx, a, 'payment.allocate', 'payment', input.paymentId, Number(customerId), { kind: input.kind, targetId: input.targetId, amount: input.amountGrosze });
}

/** A refund of (part of) the customer's overpayment: a ledger entry of its own, paid out of the payments' remainders. */
export async function refund(tx: Tx, a: Actor, customerId: number, input: { amountGrosze: number; refundedOn: string; toAccount: string | null; note: string }): Promise<number> {
  assertAmount(input.amountGrosze, 'body.amountGrosze');
  await lockLedger(tx, a.utilityId);
  await assertCustomer(tx, customerId);
  // Settle first: an overpayment that an open invoice can take is not refundable.
  await settle(tx, a.utilityId, [customerId]);
  const credits = await creditsOf(tx, [customerId]);
  const overpaid = (await balanceSummary(tx, customerId, input.refundedOn)).overpaid;
  const refundable = Math.min(overpaid, credits.reduce((s, c) => s + c.remaining, 0));
  if (input.amountGrosze > refundable) {
    throw badRequest('payments.refund_above_overpayment', `Zwrot może wynieść najwyżej tyle, ile wynosi nadpłata (${(refundable / 100).toFixed(2).replace('.', ',')} zł).`, `A refund can be at most the overpayment (PLN ${(refundable / 100).toFixed(2)}).`, { field: 'body.amountGrosze' });
  }
  const { rows } = await sql<{ id: number }>`
    insert into payment_refunds (utility_id, customer_id, amount_grosze, refunded_on, to_account, note, created_by)
    values (${a.utilityId}, ${customerId}, ${input.amountGrosze}, ${input.refundedOn}::date, ${input.toAccount}, ${input.note}, ${a.staffId})
    returning id`.execute(tx);
  const id = Number(rows[0].id);
  const plan = refundFrom(credits, input.amountGrosze, id);
  if (!plan) throw new Error('refund plan failed after the check');
  await insertAllocations(tx, a.utilityId, plan);
  await audit(tx, a, 'payment.refund', 'payment_refund', id, customerId, { amount: input.amountGrosze, toAccount: input.toAccount });
  return id;
}

/**
 * A manual adjustment of the balance with the clerk's reason: a positive
 * amount is a debt (a charge), a negative one a credit (settles debts like a
 * payment).
 */
export async function adjust(tx: Tx, a: Actor, customerId: number, input: { amountGrosze: number; entryDate: string; note: string }): Promise<number> {
  if (!Number.isSafeInteger(input.amountGrosze) || input.amountGrosze === 0) {
    throw badRequest('payments.bad_adjustment', 'Korekta salda musi mieć kwotę różną od zera (w groszach).', 'An adjustment needs a non-zero amount (in grosze).', { field: 'body.amountGrosze' });
  }
  const note = input.note.trim();
  if (note === '') throw badRequest('payments.note_required', 'Prosimy podać powód korekty salda.', 'Please give the reason for the adjustment.', { field: 'body.note' });
  await lockLedger(tx, a.utilityId);
  await assertCustomer(tx, customerId);
  let id: number;
  if (input.amountGrosze > 0) {
    const { rows } = await sql<{ id: number }>`
      insert into ledger_charges (utility_id, customer_id, kind, reference, amount_grosze, entry_date, due_date, note, created_by)
      values (${a.utilityId}, ${customerId}, 'adjustment', ${note.slice(0, 200)}, ${input.amountGrosze}, ${input.entryDate}::date, ${input.entryDate}::date, ${note}, ${a.staffId})
      returning id`.execute(tx);
    id = Number(rows[0].id);
  } else {
    const { rows } = await sql<{ id: number }>`
      insert into payments (utility_id, customer_id, amount_grosze, booked_on, channel, title, ledger_kind, note, created_by, external_ref)
      values (${a.utilityId}, ${customerId}, ${-input.amountGrosze}, ${input.entryDate}::date, 'other', ${note.slice(0, 200)}, 'adjustment', ${note}, ${a.staffId}, ${`adjustment:${crypto.randomUUID()}`})
      returning id`.execute(tx);
    id = Number(rows[0].id);
  }
  await settle(tx, a.utilityId, [customerId]);
  await audit(tx, a, 'ledger.adjust', input.amountGrosze > 0 ? 'ledger_charge' : 'payment', id, customerId, { amount: input.amountGrosze, note });
  return id;
}

/** A charge from another module (the arrears module's interest note): a debt that allocation settles before principal. */
export async function recordCharge(tx: Tx, utilityId: number, c: { customerId: number; contractId?: number | null; kind: 'interest_note'; reference: string; amountGrosze: number; entryDate: string; dueDate: string }): Promise<number> {
  assertAmount(c.amountGrosze, 'amountGrosze');
  await lockLedger(tx, utilityId);
  const { rows } = await sql<{ id: number }>`
    insert into ledger_charges (utility_id, customer_id, contract_id, kind, reference, amount_grosze, entry_date, due_date)
    values (${utilityId}, ${c.customerId}, ${c.contractId ?? null}, ${c.kind}, ${c.reference}, ${c.amountGrosze}, ${c.entryDate}::date, ${c.dueDate}::date)
    returning id`.execute(tx);
  await settle(tx, utilityId, [c.customerId]);
  return Number(rows[0].id);
}
