/**
 * Arrears for staff: the report with ageing buckets (JSON and CSV), the
 * statutory interest rate table (the law's rows and the utility's own), and
 * a customer's interest note and payment reminder as PDF. The billing clerk
 * adds rates; the auditor (and billing) reads everything. Customer-level
 * documents are audited (they show a customer's debts).
 */
import { Type } from 'typebox';
import { inTenant, userOf, utilityOf, type App, type AppDeps } from '../../../http/context.ts';
import { isCivilDate } from '../../../lib/date-formats.ts';
import { badRequest } from '../../../lib/errors.ts';
import { warsawToday } from '../../billing/runs/service.ts';
import { recordAudit } from '../../identity/audit.ts';
import { DEFAULT_BUCKETS } from './ageing.ts';
import { arrearsCsv, arrearsReport } from './report.ts';
import { addRate } from './rates-repo.ts';
import { interestNotePdf, reminderPdf, type PdfDocument } from './service.ts';

const READ = 'staff:billing,auditor' as const;
const WRITE = 'staff:billing' as const;
const DateParam = Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', description: 'YYYY-MM-DD (default: today in Warsaw)' });
const Days = Type.String({ pattern: '^[0-9]{1,4}$', description: 'days past due, at least (default 1)' });
const ReportQuery = Type.Object({ asOf: Type.Optional(DateParam), minDays: Type.Optional(Days) }, { additionalProperties: false });
const CustomerParams = Type.Object({ customerId: Type.String({ pattern: '^[1-9][0-9]{0,17}$' }) }, { additionalProperties: false });
const NoteQuery = Type.Object(
  { asOf: Type.Optional(DateParam), eurRate: Type.Optional(Type.String({ pattern: '^[0-9]{1,2}[.,][0-9]{1,4}$', description: "the NBP average EUR rate for businesses' recovery compensation, e.g. 4.2693" })) },
  { additionalProperties: false },
);
const ReminderQuery = Type.Object({ asOf: Type.Optional(DateParam), minDays: Type.Optional(Days) }, { additionalProperties: false });

const Buckets = Type.Object(Object.fromEntries(DEFAULT_BUCKETS.map((b) => [b.key, Type.Integer()])));
const Row = Type.Object({
  customerId: Type.Integer(),
  customerNumber: Type.String(),
  name: Type.String(),
  kind: Type.String(),
  interestKind: Type.String({ description: 'consumer | commercial: the statutory rate that applies' }),
  invoices: Type.Integer(),
  open: Type.Integer({ description: 'grosze' }),
  overdue: Type.Integer({ description: 'grosze' }),
  buckets: Buckets,
  oldestDueDate: Type.String(),
  maxDaysOverdue: Type.Integer(),
  interest: Type.Integer({ description: 'late interest accrued on the open invoices up to asOf, grosze' }),
});
const Report = Type.Object({ asOf: Type.String(), rows: Type.Array(Row), totals: Type.Object({ open: Type.Integer(), overdue: Type.Integer(), interest: Type.Integer(), buckets: Buckets }) });
const Rate = Type.Object({ id: Type.Integer(), kind: Type.String(), validFrom: Type.String(), ratePercent: Type.String(), source: Type.String(), own: Type.Boolean() });
const RateBody = Type.Object(
  {
    kind: Type.String({ maxLength: 20 }),
    validFrom: Type.String({ maxLength: 10 }),
    ratePercent: Type.String({ maxLength: 8 }),
    source: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

/** The report day: given (a real date) or today in Warsaw. */
function asOfOf(q: { asOf?: string }): string {
  if (q.asOf === undefined) return warsawToday();
  if (!isCivilDate(q.asOf)) throw badRequest('arrears.bad_date', 'Data raportu musi być prawdziwą datą RRRR-MM-DD.', 'The report date must be a real YYYY-MM-DD date.');
  return q.asOf;
}

function sendPdf(reply: import('fastify').FastifyReply, d: PdfDocument) {
  return reply.type('application/pdf').header('content-disposition', `attachment; filename="${d.fileName}"`).header('cache-control', 'private, no-store').send(d.bytes);
}

export async function routes(app: App, _deps: AppDeps) {
  const tags = ['arrears'];

  app.get(
    '/api/staff/arrears/report',
    { config: { access: READ }, schema: { tags, summary: 'Customers with overdue debts on a day: ageing buckets, overdue total, accrued late interest', querystring: ReportQuery, response: { 200: Report } } },
    async (req) => {
      const asOf = asOfOf(req.query);
      const rows = await inTenant(app, req, (tx) => arrearsReport(tx, utilityOf(req).id, asOf, { minDaysOverdue: Number(req.query.minDays ?? 1) }));
      const sum = (f: (r: (typeof rows)[number]) => number) => rows.reduce((s, r) => s + f(r), 0);
      return {
        asOf,
        rows,
        totals: { open: sum((r) => r.open), overdue: sum((r) => r.overdue), interest: sum((r) => r.interest), buckets: Object.fromEntries(DEFAULT_BUCKETS.map((b) => [b.key, sum((r) => r.buckets[b.key])])) },
      };
    },
  );

  app.get(
    '/api/staff/arrears/report/csv',
    { config: { access: READ }, schema: { tags, summary: 'The arrears report as CSV (; separated, decimal commas, UTF-8 with BOM)', querystring: ReportQuery } },
    async (req, reply) => {
      const asOf = asOfOf(req.query);
      const rows = await inTenant(app, req, (tx) => arrearsReport(tx, utilityOf(req).id, asOf, { minDaysOverdue: Number(req.query.minDays ?? 1) }));
      return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="zaleglosci-${asOf}.csv"`).send(arrearsCsv(rows, asOf));
    },
  );

  app.get(
    '/api/staff/arrears/rates',
    { config: { access: READ }, schema: { tags, summary: "The statutory interest rates: the law's rows and the utility's own, newest first", response: { 200: Type.Object({ items: Type.Array(Rate) }) } } },
    async (req) =>
      inTenant(app, req, async (tx) => {
        const rows = await tx.selectFrom('interest_rates').select(['id', 'kind', 'valid_from', 'rate_percent', 'source', 'utility_id']).orderBy('valid_from', 'desc').orderBy('kind').execute();
        return { items: rows.map((r) => ({ id: Number(r.id), kind: r.kind, validFrom: String(r.valid_from).slice(0, 10), ratePercent: Number(r.rate_percent).toFixed(2), source: r.source, own: r.utility_id !== null })) };
      }),
  );

  app.post(
    '/api/staff/arrears/rates',
    { config: { access: WRITE }, schema: { tags, summary: "Add a rate of the utility's own (e.g. a change announced after the last update)", body: RateBody, response: { 201: Type.Object({ id: Type.Integer() }) } } },
    async (req, reply) => {
      const user = userOf(req);
      const utilityId = utilityOf(req).id;
      const created = await inTenant(app, req, async (tx) => {
        const r = await addRate(tx, utilityId, req.body, user.id);
        await recordAudit(tx, { utilityId, actorId: user.id, actorKind: 'staff', action: 'arrears.rate.add', entity: 'interest_rate', entityId: r.id, ip: req.ip, data: { ...req.body } });
        return r;
      });
      return reply.status(201).send(created);
    },
  );

  const customerDocument = (path: string, action: string, summary: string, make: (tx: Parameters<Parameters<typeof inTenant>[2]>[0], utilityId: number, customerId: number, q: Record<string, string | undefined>) => Promise<PdfDocument>) =>
    app.get(
      path,
      { config: { access: READ }, schema: { tags, summary, params: CustomerParams, querystring: action === 'arrears.interest_note' ? NoteQuery : ReminderQuery } },
      async (req, reply) => {
        const customerId = Number((req.params as { customerId: string }).customerId);
        const q = req.query as Record<string, string | undefined>;
        const user = userOf(req);
        const utilityId = utilityOf(req).id;
        const doc = await inTenant(app, req, async (tx) => {
          const d = await make(tx, utilityId, customerId, q);
          await recordAudit(tx, { utilityId, actorId: user.id, actorKind: 'staff', action, entity: 'customer', entityId: customerId, customerId, ip: req.ip, data: { asOf: q.asOf ?? null } });
          return d;
        });
        return sendPdf(reply, doc);
      },
    );

  customerDocument('/api/staff/customers/:customerId/arrears/interest-note', 'arrears.interest_note', "The customer's interest note (nota odsetkowa) on a day as PDF: late interest per invoice and period (409 arrears.no_interest when none)", (tx, u, c, q) =>
    interestNotePdf(tx, u, c, asOfOf(q), q.eurRate?.replace(',', '.')),
  );
  customerDocument('/api/staff/customers/:customerId/arrears/reminder', 'arrears.reminder', "The customer's payment reminder (wezwanie do zapłaty) on a day as PDF (409 arrears.nothing_overdue when nothing is overdue)", (tx, u, c, q) =>
    reminderPdf(tx, u, c, asOfOf(q), Number(q.minDays ?? 1)),
  );
}
