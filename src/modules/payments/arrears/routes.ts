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
import { badRequest, notFound } from '../../../lib/errors.ts';
import { warsawToday } from '../../billing/runs/service.ts';
import { recordAudit } from '../../identity/audit.ts';
import { DEFAULT_BUCKETS } from './ageing.ts';
import { arrearsCsv, arrearsReport } from './report.ts';
import { addRate } from './rates-repo.ts';
import { runReminders } from './reminders-run.ts';
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

const RunBody = Type.Object(
  {
    asOf: Type.Optional(DateParam),
    minDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650, description: 'remind debts past due by at least this many days (default 14)' })),
    repeatAfterDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 365, description: 'skip customers reminded within this many days (default 14)' })),
  },
  { additionalProperties: false },
);
const RunItem = Type.Object({ customerId: Type.Integer(), customerNumber: Type.String(), number: Type.String(), open: Type.Integer(), interest: Type.Integer(), emailedTo: Type.Union([Type.String(), Type.Null()]) });
const ReminderRow = Type.Object({ id: Type.Integer(), customerId: Type.Integer(), number: Type.String(), asOf: Type.String(), open: Type.Integer(), interest: Type.Integer(), emailedTo: Type.Union([Type.String(), Type.Null()]), createdAt: Type.String() });
const ReminderParams = Type.Object({ reminderId: Type.String({ pattern: '^[1-9][0-9]{0,17}$' }) }, { additionalProperties: false });

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

  app.post(
    '/api/staff/arrears/reminders/run',
    { config: { access: WRITE }, schema: { tags, summary: 'Send payment reminders (PDF, e-mailed where there is an address) to customers with debts past due by minDays; repeated the same day, it sends nothing twice', body: RunBody, response: { 200: Type.Object({ asOf: Type.String(), items: Type.Array(RunItem), skipped: Type.Integer() }) } } },
    async (req) => {
      const user = userOf(req);
      const utilityId = utilityOf(req).id;
      const asOf = asOfOf(req.body);
      return inTenant(app, req, async (tx) => {
        const r = await runReminders(tx, utilityId, { asOf, minDaysOverdue: req.body.minDays ?? 14, repeatAfterDays: req.body.repeatAfterDays ?? 14, actorId: user.id });
        await recordAudit(tx, { utilityId, actorId: user.id, actorKind: 'staff', action: 'arrears.reminders_run', entity: 'payment_reminder', ip: req.ip, data: { asOf, sent: r.items.length, skipped: r.skipped } });
        return { asOf, ...r };
      });
    },
  );

  app.get(
    '/api/staff/arrears/reminders',
    { config: { access: READ }, schema: { tags, summary: 'Payment reminders sent, newest first (the last 500)', response: { 200: Type.Object({ items: Type.Array(ReminderRow) }) } } },
    async (req) =>
      inTenant(app, req, async (tx) => {
        const rows = await tx
          .selectFrom('payment_reminders')
          .select(['id', 'customer_id', 'number', 'as_of', 'open_grosze', 'interest_grosze', 'email_to', 'created_at'])
          .orderBy('id', 'desc')
          .limit(500)
          .execute();
        return {
          items: rows.map((r) => ({ id: Number(r.id), customerId: Number(r.customer_id), number: r.number, asOf: String(r.as_of).slice(0, 10), open: Number(r.open_grosze), interest: Number(r.interest_grosze), emailedTo: r.email_to, createdAt: new Date(r.created_at as unknown as string).toISOString() })),
        };
      }),
  );

  app.get(
    '/api/staff/arrears/reminders/:reminderId/pdf',
    { config: { access: READ }, schema: { tags, summary: 'A sent payment reminder as PDF, the bytes as sent', params: ReminderParams } },
    async (req, reply) => {
      const user = userOf(req);
      const utilityId = utilityOf(req).id;
      const doc = await inTenant(app, req, async (tx) => {
        const r = await tx
          .selectFrom('payment_reminders as r')
          .innerJoin('files as f', (j) => j.onRef('f.utility_id', '=', 'r.utility_id').onRef('f.id', '=', 'r.file_id'))
          .select(['r.customer_id', 'f.name', 'f.data'])
          .where('r.id', '=', Number(req.params.reminderId))
          .executeTakeFirst();
        if (!r) throw notFound('arrears.reminder_not_found', 'Nie ma takiego wezwania.', 'No such reminder.');
        await recordAudit(tx, { utilityId, actorId: user.id, actorKind: 'staff', action: 'arrears.reminder_pdf', entity: 'payment_reminder', entityId: req.params.reminderId, customerId: Number(r.customer_id), ip: req.ip });
        return { bytes: Buffer.from(r.data), fileName: r.name };
      });
      return sendPdf(reply, doc);
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
