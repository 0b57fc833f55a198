/**
 * Payments and balance (issue 15): the portal's balance and settlement
 * history, and the staff's statement import, unmatched queue, customer
 * ledger, manual allocation, refunds and adjustments. Thin: the rules are in
 * import/ and ledger/; every request is one transaction in its utility
 * (except an import: one transaction per statement).
 */
import type { FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import { Type, type Static } from 'typebox';
import { inTenant, userOf, utilityOf, type App, type AppDeps } from '../../http/context.ts';
import type { Tx } from '../../db/tenant.ts';
import { isCivilDate } from '../../lib/date-formats.ts';
import { badRequest, notFound } from '../../lib/errors.ts';
import { localDate } from '../einvoice/billing-period.ts';
import { importStatementFile } from './import/file.ts';
import { creditsOf } from './ledger/debts.ts';
import { balanceSummary, contractLedger, ledgerPage, ledgerRows, pageOf, type EntryKind, type LedgerFilter } from './ledger/read.ts';
import { adjust, allocateManually, assignLine, refund, type Actor } from './ledger/staff.ts';
import * as S from './schema.ts';

const tags = ['payments and balance'];
/** The route table's section "Payments: statements, ledger (issue 15)". */
const READ = 'staff:billing,auditor,customer_service' as const;
const WRITE = 'staff:billing' as const;
/** A day of 100,000 statement lines as base64 JSON. */
const IMPORT_BODY_LIMIT = 41_000_000;

function ownCustomer(req: FastifyRequest, customerId: number): number {
  if (!userOf(req).customerIds.includes(customerId)) throw notFound('customer.not_found', 'Nie znaleziono klienta.', 'Customer not found.');
  return customerId;
}

function civil(value: string | undefined, field: string): string | undefined {
  if (value !== undefined && !isCivilDate(value)) throw badRequest('payments.bad_date', 'Nieprawidłowa data (RRRR-MM-DD).', 'Invalid date (YYYY-MM-DD).', { field });
  return value;
}

function filterOf(q: { from?: string; to?: string; kind?: string }): LedgerFilter {
  return { from: civil(q.from, 'querystring.from'), to: civil(q.to, 'querystring.to'), kinds: q.kind ? (q.kind.split(',') as EntryKind[]) : undefined };
}

async function ledgerOf(tx: Tx, customerId: number, q: { from?: string; to?: string; kind?: string; contractId?: string }) {
  const today = localDate(new Date());
  if (!q.contractId) {
    // The usual page: summary and history in one statement.
    const page = await ledgerPage(tx, customerId, filterOf(q), today);
    return { summary: { ...page.summary, asOf: today }, entries: page.entries };
  }
  const summary = { ...(await balanceSummary(tx, customerId, today)), asOf: today };
  return { summary, entries: await contractLedger(tx, customerId, Number(q.contractId)) };
}

const actorOf = (req: FastifyRequest): Actor => ({ utilityId: utilityOf(req).id, staffId: userOf(req).id, ip: req.ip });

async function assertCustomerExists(tx: Tx, customerId: number) {
  const { rows } = await sql`select 1 from customers where id = ${customerId}`.execute(tx);
  if (rows.length === 0) throw notFound('customer.not_found', 'Nie znaleziono klienta.', 'Customer not found.');
}

export async function routes(app: App, deps: AppDeps) {
  // --- portal: Faktury i saldo ---
  app.get(
    '/api/portal/customers/:customerId/balance',
    { config: { access: 'customer' }, schema: { tags, summary: "The customer's balance (due, overdue, overpaid, next due date), each invoice's payment status and the settlement history with a running balance", params: S.CustomerParams, querystring: S.LedgerQuery, response: { 200: S.Ledger } } },
    async (req) => {
      const customerId = ownCustomer(req, Number(req.params.customerId));
      if (req.query.contractId) return inTenant(app, req, (tx) => ledgerOf(tx, customerId, req.query));
      // The usual page: its rows from memory while no write to the tables it reads was heard
      // (ledger/cache.ts); what is due and overdue as of this request's day.
      const filter = filterOf(req.query);
      const today = localDate(new Date());
      const rows = await app.caches.ledger.getOrRead(utilityOf(req).id, { customerId, filter }, () => inTenant(app, req, (tx) => ledgerRows(tx, customerId, filter)));
      const page = pageOf(rows, today);
      return { summary: { ...page.summary, asOf: today }, entries: page.entries };
    },
  );

  // --- staff: a customer's ledger and what a clerk does to it ---
  app.get(
    '/api/staff/customers/:customerId/ledger',
    { config: { access: READ }, schema: { tags, summary: "A customer's ledger, balance, invoice statuses and unallocated payments", params: S.CustomerParams, querystring: S.LedgerQuery, response: { 200: S.StaffLedger } } },
    async (req) => {
      const customerId = Number(req.params.customerId);
      return inTenant(app, req, async (tx) => {
        await assertCustomerExists(tx, customerId);
        const credits = (await creditsOf(tx, [customerId])).map((c) => ({ paymentId: c.paymentId, bookedOn: c.bookedOn, remaining: c.remaining }));
        return { ...(await ledgerOf(tx, customerId, req.query)), credits };
      });
    },
  );

  app.post(
    '/api/staff/customers/:customerId/allocations',
    { config: { access: WRITE }, schema: { tags, summary: "Allocate (part of) what is left of a payment to one of the customer's invoices or charges", params: S.CustomerParams, body: S.AllocationBody, response: { 200: S.Done } } },
    async (req) => {
      const customerId = Number(req.params.customerId);
      const b = req.body;
      await inTenant(app, req, async (tx) => {
        const { rows } = await sql<{ customer_id: number | null }>`select customer_id from payments where id = ${Number(b.paymentId)}`.execute(tx);
        if (rows[0]?.customer_id == null || Number(rows[0].customer_id) !== customerId) {
          throw notFound('payments.payment_not_found', 'Nie znaleziono wpłaty tego klienta.', "No such payment of this customer.");
        }
        await allocateManually(tx, actorOf(req), { paymentId: Number(b.paymentId), kind: b.kind, targetId: Number(b.targetId), amountGrosze: b.amountGrosze });
      });
      return { ok: true };
    },
  );

  app.post(
    '/api/staff/customers/:customerId/refunds',
    { config: { access: WRITE }, schema: { tags, summary: "Refund (part of) the customer's overpayment", params: S.CustomerParams, body: S.RefundBody, response: { 200: S.Done } } },
    async (req) => {
      const b = req.body;
      const on = civil(b.refundedOn, 'body.refundedOn') ?? localDate(new Date());
      const id = await inTenant(app, req, (tx) => refund(tx, actorOf(req), Number(req.params.customerId), { amountGrosze: b.amountGrosze, refundedOn: on, toAccount: b.toAccount?.trim() || null, note: b.note.trim() }));
      return { ok: true, id };
    },
  );

  app.post(
    '/api/staff/customers/:customerId/adjustments',
    { config: { access: WRITE }, schema: { tags, summary: "A manual adjustment of the customer's balance (positive: a debt; negative: a credit), with its reason", params: S.CustomerParams, body: S.AdjustmentBody, response: { 200: S.Done } } },
    async (req) => {
      const b = req.body;
      const on = civil(b.entryDate, 'body.entryDate') ?? localDate(new Date());
      const id = await inTenant(app, req, (tx) => adjust(tx, actorOf(req), Number(req.params.customerId), { amountGrosze: b.amountGrosze, entryDate: on, note: b.note }));
      return { ok: true, id };
    },
  );

  // --- staff: statement import and the unmatched queue ---
  app.post(
    '/api/staff/payments/imports',
    { bodyLimit: IMPORT_BODY_LIMIT, config: { access: WRITE }, schema: { tags, summary: 'Import a bank statement file (MT940 or camt.053, base64): per-statement results and problems', body: S.ImportBody, response: { 200: S.ImportRecord } } },
    async (req) => {
      const b = req.body;
      if (!/^[A-Za-z0-9+/=\s]+$/.test(b.contentBase64)) throw badRequest('payments.file.bad_base64', 'Plik nie został przesłany poprawnie (base64).', 'The file was not sent correctly (base64).', { field: 'body.contentBase64' });
      const bytes = new Uint8Array(Buffer.from(b.contentBase64, 'base64'));
      const r = await importStatementFile(deps.database, utilityOf(req).id, bytes, { fileName: b.fileName, userId: userOf(req).id, ...(b.dialect ? { dialect: b.dialect } : {}) });
      return { id: r.importId, fileName: b.fileName, encoding: r.encoding, status: 'done', createdAt: new Date().toISOString(), statements: r.statements, problems: r.problems };
    },
  );

  app.get(
    '/api/staff/payments/imports',
    { config: { access: READ }, schema: { tags, summary: 'The latest statement imports with their per-statement results', response: { 200: Type.Array(S.ImportRecord) } } },
    async (req) =>
      inTenant(app, req, async (tx) => {
        const { rows } = await sql<{ id: number; file_name: string; encoding: string | null; status: string; created_at: Date | string; results: unknown; problems: unknown }>`
          select id, file_name, encoding, status, created_at, results, problems from payment_imports order by id desc limit 50`.execute(tx);
        return rows.map((r) => ({
          id: Number(r.id),
          fileName: r.file_name,
          encoding: r.encoding,
          status: r.status,
          createdAt: new Date(r.created_at).toISOString(),
          statements: r.results as Static<typeof S.StatementResult>[],
          problems: r.problems as Static<typeof S.ImportRecord>['problems'],
        }));
      }),
  );

  app.get(
    '/api/staff/payments/unmatched',
    { config: { access: READ }, schema: { tags, summary: 'Statement lines no customer was found for, oldest first', response: { 200: Type.Array(S.UnmatchedLine) } } },
    async (req) =>
      inTenant(app, req, async (tx) => {
        const { rows } = await sql<{ id: number; booking_date: string; amount_grosze: number; counter_account: string | null; counter_name: string | null; title: string; statement: string }>`
          select id, booking_date::text, amount_grosze, counter_account, counter_name, title, statement
            from bank_statement_lines where status = 'unmatched' order by booking_date, id limit 500`.execute(tx);
        return rows.map((r) => ({ id: Number(r.id), bookingDate: r.booking_date, amount: Number(r.amount_grosze), counterAccount: r.counter_account, counterName: r.counter_name, title: r.title, statement: r.statement }));
      }),
  );

  app.post(
    '/api/staff/payments/lines/:lineId/assign',
    { config: { access: WRITE }, schema: { tags, summary: 'Assign an unmatched statement line to a customer (audited); the payment is then allocated', params: S.LineParams, body: S.AssignBody, response: { 200: S.Done } } },
    async (req) => {
      const b = req.body;
      await inTenant(app, req, (tx) => assignLine(tx, actorOf(req), Number(req.params.lineId), Number(b.customerId), (b.invoiceIds ?? []).map(Number)));
      return { ok: true };
    },
  );
}
