/**
 * Billing runs for staff: create a preview, read it (totals, warnings, lines,
 * the held ones), approve, issue. Billing and admin create, approve and
 * issue; every staff member may read. Issuing runs in the background (its
 * progress is the run's `issued` count); it is resumable, so calling issue
 * again on an unfinished run (after a restart) carries on where it stopped.
 */
import { Type } from 'typebox';
import { inTenant, userOf, utilityOf, type App, type AppDeps } from '../../../http/context.ts';
import { withCopyTx } from '../../../db/bulk.ts';
import { badRequest } from '../../../lib/errors.ts';
import { parsePeriod } from './period.ts';
import { issueInBackground } from './resume.ts';
import { approveRun, beginIssue, createPreviewRun, getRun, listRuns, runLines, runWarnings, warsawToday } from './service.ts';

const WRITE = 'staff:billing' as const;
const Id = Type.String({ pattern: '^[1-9][0-9]{0,17}$' });
const Month = Type.String({ pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$', description: 'YYYY-MM' });
const RunParams = Type.Object({ runId: Id }, { additionalProperties: false });
const Texts = Type.Object({ pl: Type.String(), en: Type.String() });

const Selection = Type.Object(
  {
    cycle: Type.Optional(Type.Union([Type.Literal('monthly'), Type.Literal('bimonthly'), Type.Literal('quarterly'), Type.Literal('halfyearly')])),
    routeId: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER })),
    locality: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    customerId: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER })),
  },
  { additionalProperties: false },
);

const Run = Type.Object({
  id: Type.Integer(),
  periodFrom: Type.String(),
  periodTo: Type.String(),
  selection: Selection,
  status: Type.String({ description: 'preview | approved | issuing | issued' }),
  issueDate: Type.Union([Type.String(), Type.Null()]),
  contracts: Type.Integer(),
  billed: Type.Integer({ description: 'contracts to bill (issued ones included)' }),
  held: Type.Integer({ description: 'contracts held back' }),
  issued: Type.Integer({ description: 'invoices issued so far: the progress of issuing' }),
  net: Type.Integer({ description: 'grosze' }),
  vat: Type.Integer(),
  gross: Type.Integer(),
  lastError: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  approvedAt: Type.Union([Type.String(), Type.Null()]),
  issuedAt: Type.Union([Type.String(), Type.Null()]),
});
const Counts = Type.Array(Type.Object({ code: Type.String(), count: Type.Integer() }));
const RunDetail = Type.Intersect([Run, Type.Object({ heldByCode: Counts, warningsByCode: Counts })]);

const Line = Type.Object({
  contractId: Type.Integer(),
  contractNumber: Type.String(),
  customerId: Type.Integer(),
  customerNumber: Type.String(),
  customerName: Type.String(),
  status: Type.String({ description: 'billable | held | issued' }),
  holdCode: Type.Union([Type.String(), Type.Null()]),
  holdReason: Type.Union([Texts, Type.Null()]),
  warnings: Type.Array(Type.Object({ code: Type.String(), pl: Type.String(), en: Type.String(), meter: Type.Optional(Type.String()) })),
  net: Type.Integer(),
  vat: Type.Integer(),
  gross: Type.Integer(),
  estimated: Type.Boolean(),
  delivery: Type.String(),
  invoiceNumber: Type.Union([Type.String(), Type.Null()]),
  invoiceId: Type.Union([Type.Integer(), Type.Null()]),
});

const CreateBody = Type.Object(
  { periodFrom: Month, periodTo: Type.Optional(Month), selection: Type.Optional(Selection) },
  { additionalProperties: false },
);
const LinesQuery = Type.Object(
  {
    status: Type.Optional(Type.Union([Type.Literal('billable'), Type.Literal('held'), Type.Literal('issued')])),
    offset: Type.Optional(Type.String({ pattern: '^[0-9]{1,7}$' })),
    limit: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,2}$' })),
  },
  { additionalProperties: false },
);

export async function routes(app: App, deps: AppDeps) {
  const tags = ['billing runs'];

  app.get(
    '/api/staff/billing-runs',
    { config: { access: 'staff' }, schema: { tags, summary: 'Billing runs, newest first', response: { 200: Type.Object({ items: Type.Array(Run) }) } } },
    async (req) => inTenant(app, req, async (tx) => ({ items: await listRuns(tx, utilityOf(req).id) })),
  );

  app.post(
    '/api/staff/billing-runs',
    { config: { access: WRITE }, schema: { tags, summary: 'Preview a billing run: every selected contract billed, nothing issued', body: CreateBody, response: { 201: RunDetail } } },
    async (req, reply) => {
      const body = req.body;
      const period = parsePeriod(body.periodTo ? `${body.periodFrom}..${body.periodTo}` : body.periodFrom);
      if (!period) throw badRequest('billing_run.bad_period', 'Okres rozliczenia: od miesiąca do miesiąca, najwyżej 24 miesiące.', 'The billing period runs from one month to another, at most 24 months.');
      const utilityId = utilityOf(req).id;
      // As inTenant, with COPY at hand: the bills go in by COPY (withCopyTx: the same transaction, utility and user).
      const detail = await withCopyTx(deps.database, { utilityId, userId: req.user?.id }, async (tx, copy) => {
        const id = await createPreviewRun(tx, utilityId, { period, selection: body.selection ?? {}, userId: userOf(req).id }, copy);
        const w = await runWarnings(tx, utilityId, id);
        return { ...(await getRun(tx, utilityId, id)), heldByCode: w.held, warningsByCode: w.warnings };
      });
      return reply.status(201).send(detail);
    },
  );

  app.get(
    '/api/staff/billing-runs/:runId',
    { config: { access: 'staff' }, schema: { tags, summary: 'A run: totals, progress, held contracts and warnings by code', params: RunParams, response: { 200: RunDetail } } },
    async (req) =>
      inTenant(app, req, async (tx) => {
        const utilityId = utilityOf(req).id;
        const id = Number(req.params.runId);
        const run = await getRun(tx, utilityId, id);
        const w = await runWarnings(tx, utilityId, id);
        return { ...run, heldByCode: w.held, warningsByCode: w.warnings };
      }),
  );

  app.get(
    '/api/staff/billing-runs/:runId/lines',
    { config: { access: 'staff' }, schema: { tags, summary: "A page of the run's contracts with their bills or the reason they are held", params: RunParams, querystring: LinesQuery, response: { 200: Type.Object({ total: Type.Integer(), items: Type.Array(Line) }) } } },
    async (req) =>
      inTenant(app, req, (tx) =>
        runLines(tx, utilityOf(req).id, Number(req.params.runId), { status: req.query.status, offset: Number(req.query.offset ?? 0), limit: Number(req.query.limit ?? 100) }),
      ),
  );

  app.post(
    '/api/staff/billing-runs/:runId/approve',
    { config: { access: WRITE }, schema: { tags, summary: 'Approve a previewed run for issuing', params: RunParams, response: { 200: Run } } },
    async (req) =>
      inTenant(app, req, async (tx) => {
        const utilityId = utilityOf(req).id;
        await approveRun(tx, utilityId, Number(req.params.runId), userOf(req).id);
        return getRun(tx, utilityId, Number(req.params.runId));
      }),
  );

  app.post(
    '/api/staff/billing-runs/:runId/issue',
    { config: { access: WRITE }, schema: { tags, summary: 'Issue an approved run in the background (or resume an unfinished one); the run shows its progress', params: RunParams, response: { 202: Run } } },
    async (req, reply) => {
      const utilityId = utilityOf(req).id;
      const runId = Number(req.params.runId);
      const userId = userOf(req).id;
      const run = await inTenant(app, req, async (tx) => {
        await beginIssue(tx, utilityId, runId, warsawToday());
        return getRun(tx, utilityId, runId);
      });
      // One loop per run in this process (resume.ts, which also picks up runs left issuing); errors are kept on the run (lastError).
      if (run.status === 'issuing') void issueInBackground(deps.database, utilityId, runId, { userId, onError: (err) => req.log.error({ err, runId }, 'billing run issue failed') });
      return reply.status(202).send(run);
    },
  );
}
