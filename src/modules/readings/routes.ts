/**
 * Readings: history for customers (their own meters) and staff (any meter);
 * the customer's contracts page, reading submission and consumption
 * analysis; the staff's verification queue. Thin: the work is in service.ts,
 * portal.ts, submit.ts, verification.ts and consumption-service.ts.
 */
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { inTenant, userOf, utilityOf, type App, type AppDeps } from '../../http/context.ts';
import { AppError, badRequest } from '../../lib/errors.ts';
import { consumptionCsv, contractConsumption } from './consumption-service.ts';
import { portalContracts } from './portal.ts';
import { MAX_PHOTO_BYTES, messages } from './rules.ts';
import { customerReadings, meterReadings, type ReadingFilter } from './service.ts';
import { ruleError, submitCustomerReading, warsawToday } from './submit.ts';
import { decideReading, verificationQueue, type Decision } from './verification.ts';
import * as S from './schema.ts';

const Id = Type.String({ pattern: '^[1-9][0-9]{0,17}$' });
/** A day that exists (format `date` is strict: see src/http/input-guard.ts). */
const DateStr = Type.String({ format: 'date' });

const Query = Type.Object(
  { meterId: Type.Optional(Id), from: Type.Optional(DateStr), to: Type.Optional(DateStr), limit: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,3}$' })) },
  { additionalProperties: false },
);

const Reading = Type.Object({
  id: Type.Integer(),
  meterId: Type.Integer(),
  serialNumber: Type.String(),
  readAt: Type.String({ description: 'ISO instant' }),
  valueM3: Type.String({ description: 'm³ with three decimals' }),
  source: Type.String(),
  status: Type.String({ description: 'accepted | pending (held for verification) | rejected' }),
  statusReason: Type.Union([Type.String(), Type.Null()], { description: 'why it is held, or the reason of the staff decision' }),
  verifiedAt: Type.Union([Type.String(), Type.Null()]),
});
const List = Type.Object({ items: Type.Array(Reading) });

type Q = { meterId?: string; from?: string; to?: string; limit?: string };
const filter = (q: Q): ReadingFilter => ({
  meterId: q.meterId ? Number(q.meterId) : undefined,
  from: q.from,
  to: q.to,
  limit: Math.min(Number(q.limit ?? 200), 2000),
});

export async function routes(app: App, _deps: AppDeps) {
  app.get(
    '/api/customers/:customerId/readings',
    {
      config: { access: 'customer' },
      schema: {
        tags: ['readings'],
        summary: "A customer's readings history (meters of their contracts)",
        params: Type.Object({ customerId: Id }, { additionalProperties: false }),
        querystring: Query,
        response: { 200: List },
      },
    },
    async (req) => {
      const customerId = Number((req.params as { customerId: string }).customerId);
      return inTenant(app, req, (tx) => customerReadings(tx, customerId, filter(req.query as Q)));
    },
  );

  app.get(
    '/api/staff/meters/:meterId/readings',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['readings'],
        summary: "A meter's readings history",
        params: Type.Object({ meterId: Id }, { additionalProperties: false }),
        querystring: Query,
        response: { 200: List },
      },
    },
    async (req) => {
      const meterId = Number((req.params as { meterId: string }).meterId);
      return inTenant(app, req, (tx) => meterReadings(tx, meterId, filter(req.query as Q)));
    },
  );

  app.get(
    '/api/portal/contracts',
    {
      config: { access: 'customer' },
      schema: { tags: ['readings'], summary: "The portal user's contracts with service points, meters (all details), last readings, pending readings and open leak alarms", response: { 200: S.PortalContracts } },
    },
    async (req) =>
      inTenant(app, req, async (tx) => portalContracts(tx, utilityOf(req).id, userOf(req).customerIds, await warsawToday(tx))),
  );

  app.post(
    '/api/customers/:customerId/meters/:meterId/readings',
    {
      config: { access: 'customer' },
      schema: {
        tags: ['readings'],
        summary: 'Submit a reading (multipart: value, confirm=true after a jump, optional photo JPEG/PNG/HEIC ≤ 10 MB)',
        consumes: ['multipart/form-data'],
        params: Type.Object({ customerId: Id, meterId: Id }, { additionalProperties: false }),
        response: { 201: S.Submitted },
      },
    },
    async (req, reply) => {
      const p = req.params as { customerId: string; meterId: string };
      const form = await readSubmission(req);
      const user = userOf(req);
      const utilityId = utilityOf(req).id;
      const saved = await inTenant(app, req, (tx) =>
        submitCustomerReading(tx, {
          utilityId,
          userId: user.id,
          customerId: Number(p.customerId),
          meterId: Number(p.meterId),
          value: form.value,
          confirmed: form.confirmed,
          photo: form.photo,
          ip: req.ip,
        }),
      );
      return reply.status(201).send(saved);
    },
  );

  app.get(
    '/api/customers/:customerId/consumption',
    {
      config: { access: 'customer' },
      schema: {
        tags: ['readings'],
        summary: "A contract's consumption per month for a date range, the year before, and the cost at today's tariff",
        params: Type.Object({ customerId: Id }, { additionalProperties: false }),
        querystring: S.ConsumptionQuery,
        response: { 200: S.Consumption },
      },
    },
    async (req) => {
      const customerId = Number((req.params as { customerId: string }).customerId);
      const q = req.query as { contractId: string; from: string; to: string };
      return inTenant(app, req, (tx) => contractConsumption(tx, customerId, Number(q.contractId), q.from, q.to));
    },
  );

  app.get(
    '/api/customers/:customerId/consumption/csv',
    {
      config: { access: 'customer' },
      schema: {
        tags: ['readings'],
        summary: 'The same analysis as a CSV file (semicolons, decimal commas)',
        params: Type.Object({ customerId: Id }, { additionalProperties: false }),
        querystring: S.ConsumptionQuery,
      },
    },
    async (req, reply) => {
      const customerId = Number((req.params as { customerId: string }).customerId);
      const q = req.query as { contractId: string; from: string; to: string };
      const a = await inTenant(app, req, (tx) => contractConsumption(tx, customerId, Number(q.contractId), q.from, q.to));
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="zuzycie-${a.contract.contractNumber.replace(/[^\w-]+/g, '_')}-${q.from}-${q.to}.csv"`)
        .send(consumptionCsv(a));
    },
  );

  app.get(
    '/api/staff/verification',
    {
      config: { access: 'staff:admin,customer_service,billing,auditor' },
      schema: { tags: ['readings'], summary: 'Readings held for verification, oldest first', querystring: S.QueueQuery, response: { 200: S.Queue } },
    },
    async (req) => {
      const q = req.query as { source?: string; limit?: string; offset?: string };
      return inTenant(app, req, (tx) => verificationQueue(tx, { source: q.source, limit: Number(q.limit ?? 20), offset: Number(q.offset ?? 0) }));
    },
  );

  app.post(
    '/api/staff/readings/:readingId/verification',
    {
      config: { access: 'staff:admin,customer_service,billing' },
      schema: {
        tags: ['readings'],
        summary: 'Decide a held reading: accept, reject, or correct (a new reading; the held one kept as rejected), with a reason',
        params: Type.Object({ readingId: Id }, { additionalProperties: false }),
        body: S.DecisionBody,
        response: { 200: S.DecisionResult },
      },
    },
    async (req) => {
      const readingId = Number((req.params as { readingId: string }).readingId);
      const b = req.body as { decision: Decision; reason: string; valueM3?: string };
      const user = userOf(req);
      const utilityId = utilityOf(req).id;
      return inTenant(app, req, (tx) => decideReading(tx, { utilityId, userId: user.id, readingId, decision: b.decision, reason: b.reason, valueM3: b.valueM3, ip: req.ip }));
    },
  );
}

/** The submission form: `value`, `confirm` and at most one `photo`, read before any database work. */
async function readSubmission(req: FastifyRequest): Promise<{ value: string; confirmed: boolean; photo: { bytes: Buffer; name: string } | null }> {
  if (!req.isMultipart()) {
    throw badRequest('readings.form_expected', 'Odczyt należy przesłać formularzem (multipart/form-data).', 'Send the reading as a form (multipart/form-data).');
  }
  let value: string | undefined;
  let confirmed = false;
  let photo: { bytes: Buffer; name: string } | null = null;
  for await (const part of req.parts({ limits: { fileSize: MAX_PHOTO_BYTES, files: 1, fields: 5, fieldSize: 1000 } })) {
    if (part.type === 'file') {
      if (part.fieldname !== 'photo') {
        part.file.resume();
        throw badRequest('readings.unknown_field', 'Nieznane pole formularza.', 'Unknown form field.', { field: part.fieldname });
      }
      const bytes = await part.toBuffer().catch((err: { code?: string }) => {
        throw err.code === 'FST_REQ_FILE_TOO_LARGE' ? new AppError('too_large', messages.photoTooLarge.code, { pl: messages.photoTooLarge.pl, en: messages.photoTooLarge.en }) : err;
      });
      // An empty file input sends a part with no name and no bytes: no photo.
      if (bytes.length > 0 || part.filename) photo = { bytes, name: part.filename };
      if (photo && bytes.length === 0) throw ruleError(messages.photoEmpty);
    } else if (part.fieldname === 'value') value = String(part.value);
    else if (part.fieldname === 'confirm') confirmed = String(part.value) === 'true';
    else throw badRequest('readings.unknown_field', 'Nieznane pole formularza.', 'Unknown form field.', { field: part.fieldname });
  }
  if (value === undefined) throw ruleError(messages.valueInvalid, { field: 'value' });
  return { value, confirmed, photo };
}
