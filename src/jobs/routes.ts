/**
 * Staff routes of the background work: the failed jobs of the utility (what
 * went wrong, how often it was tried) with a retry action, and the print
 * batch of a day's paper invoices (src/modules/billing/pdf/print-batch.ts),
 * streamed as one PDF. Thin: validate, check access, call the module.
 */
import { PassThrough } from 'node:stream';
import { Type } from 'typebox';
import { inTenant, utilityOf, type App, type AppDeps } from '../http/context.ts';
import { notFound } from '../lib/errors.ts';
import { printBatchSize, writePrintBatch } from '../modules/billing/pdf/print-batch.ts';
import { listJobs, retryJob } from './queue.ts';

const Job = Type.Object({
  id: Type.Integer(),
  kind: Type.String(),
  key: Type.Union([Type.String(), Type.Null()]),
  payload: Type.Unknown(),
  status: Type.String(),
  attempts: Type.Integer(),
  maxAttempts: Type.Integer(),
  lastError: Type.Union([Type.String(), Type.Null()]),
  runAt: Type.String(),
  createdAt: Type.String(),
  finishedAt: Type.Union([Type.String(), Type.Null()]),
});
const JobsQuery = Type.Object(
  { status: Type.Optional(Type.Union([Type.Literal('failed'), Type.Literal('pending'), Type.Literal('running'), Type.Literal('done')])) },
  { additionalProperties: false },
);
const JobParams = Type.Object({ jobId: Type.String({ pattern: '^[1-9][0-9]{0,17}$' }) }, { additionalProperties: false });
const PrintQuery = Type.Object({ issued: Type.String({ format: 'date' }) }, { additionalProperties: false });

/** Who looks after invoice delivery and its failures: billing (admin passes every staff route). */
const BILLING = 'staff:billing' as const;

export async function routes(app: App, deps: AppDeps) {
  const tags = ['background jobs'];
  app.get(
    '/api/staff/jobs',
    { config: { access: BILLING }, schema: { tags, summary: "The utility's background jobs in one state (default: failed), newest first", querystring: JobsQuery, response: { 200: Type.Object({ items: Type.Array(Job) }) } } },
    async (req) => {
      const status = (req.query as { status?: 'failed' | 'pending' | 'running' | 'done' }).status ?? 'failed';
      return { items: await inTenant(app, req, (tx) => listJobs(tx, status, 200)) };
    },
  );

  app.post(
    '/api/staff/jobs/:jobId/retry',
    { config: { access: BILLING }, schema: { tags, summary: 'Run a failed job again (its attempts start over)', params: JobParams, response: { 200: Type.Object({ id: Type.Integer(), status: Type.Literal('pending') }) } } },
    async (req) => {
      const id = Number((req.params as { jobId: string }).jobId);
      const ok = await inTenant(app, req, (tx) => retryJob(tx, id));
      if (!ok) throw notFound('job.not_failed', 'Nie ma takiego nieudanego zadania.', 'There is no such failed job.');
      return { id, status: 'pending' as const };
    },
  );

  app.get(
    '/api/staff/print-batch',
    {
      config: { access: BILLING },
      schema: {
        tags,
        summary: 'One PDF of the paper invoices issued on a day, in route and address order (streamed)',
        querystring: PrintQuery,
        produces: ['application/pdf'],
      },
    },
    async (req, reply) => {
      const utilityId = utilityOf(req).id;
      const sel = { issueDate: (req.query as { issued: string }).issued };
      if ((await printBatchSize(deps.database, utilityId, sel)) === 0) {
        throw notFound('print.empty', 'Tego dnia nie wystawiono faktur papierowych.', 'No paper invoices were issued that day.');
      }
      const body = new PassThrough();
      // Drawn while it is sent; a failure half-way ends the download (the client sees a cut-off file, never a wrong one).
      writePrintBatch(deps.database, utilityId, sel, body, { endOutput: true }).catch((err) => body.destroy(err as Error));
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="faktury-papierowe-${sel.issueDate}.pdf"`)
        .header('cache-control', 'no-store')
        .send(body);
    },
  );
}
