/**
 * Payments test helpers: a utility with its bank account and virtual-account
 * prefix, customers with individual accounts, plain invoice rows (the ledger
 * needs amounts and dates, not documents), and parsed statements built from
 * lines as the parser would give them.
 */
import type { Database } from '../../src/db/connection.ts';
import { nrbFromBban } from '../../src/lib/check-digits.ts';
import type { ParsedStatement, StatementLine } from '../../src/modules/payments/statements/types.ts';
import { buildCustomer, buildUtility } from './factories.ts';

export const PREFIX = '10201329'; // a valid sort code
export const BANK_ACCOUNT = nrbFromBban(`${PREFIX}0000000000999999`);

export async function paymentsWorld(database: Database) {
  return buildUtility(database, { bank_account: BANK_ACCOUNT, virtual_account_prefix: PREFIX });
}

export async function customerWithAccount(database: Database, utilityId: number, number: string, over: Parameters<typeof buildCustomer>[2] = {}) {
  return buildCustomer(database, utilityId, { customer_number: number, payment_account: nrbFromBban(`${PREFIX}${number.replace(/\D/g, '').padStart(16, '0')}`), ...over });
}

let invoiceSeq = 0;

/** An issued invoice (or a correction of `corrects`) with only what the ledger reads. */
export async function invoiceRow(
  database: Database,
  utilityId: number,
  customerId: number,
  o: { gross: number; issue: string; due: string; number?: string; ksef?: string | null; corrects?: number; contractId?: number | null },
): Promise<{ id: number; number: string }> {
  invoiceSeq += 1;
  const [y, m] = o.issue.split('-');
  const number = o.number ?? `${o.corrects ? 'KOR' : 'FV'}/${y}/${m}/${String(invoiceSeq).padStart(6, '0')}`;
  const row = await database.db
    .insertInto('invoices')
    .values({
      utility_id: utilityId,
      invoice_number: number,
      kind: o.corrects ? 'correction' : 'invoice',
      corrects_invoice_id: o.corrects ?? null,
      customer_id: customerId,
      contract_id: o.contractId ?? null,
      issue_date: o.issue,
      due_date: o.due,
      net_grosze: o.gross,
      vat_grosze: 0,
      gross_grosze: o.gross,
      ksef_number: o.ksef ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: Number(row.id), number };
}

export const iban = (nrb: string) => `PL${nrb}`;

export type LineIn = Partial<StatementLine> & { amount: string };

/** A statement as the parser gives it; its balances add up. */
export function statement(id: string, lines: LineIn[], account = iban(BANK_ACCOUNT)): ParsedStatement {
  const full: StatementLine[] = lines.map((l) => ({
    account,
    statement: id,
    bookingDate: '2026-11-20',
    valueDate: l.bookingDate ?? '2026-11-20',
    currency: 'PLN',
    counterAccount: null,
    counterName: 'Wpłacający',
    title: '',
    bankReference: null,
    ...l,
  }));
  const sum = full.reduce((s, l) => s + Math.round(Number(l.amount) * 100), 0);
  return {
    format: 'mt940',
    dialect: 'numbered',
    account,
    statement: id,
    currency: 'PLN',
    openingBalance: '1000.00',
    openingDate: '2026-11-19',
    closingBalance: ((100_000 + sum) / 100).toFixed(2),
    closingDate: '2026-11-20',
    lines: full,
    fileLine: 1,
  };
}
