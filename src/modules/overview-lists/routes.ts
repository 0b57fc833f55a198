/**
 * GET /api/staff/overview/meters?filter=all|radio|legalization and
 * GET /api/staff/overview/readings: what the staff overview's tiles count,
 * as paged lists (queries.ts). Any staff role, like the overview itself.
 */
import { Type } from 'typebox';
import { inTenant, utilityOf, type App, type AppDeps } from '../../http/context.ts';
import { listMeters, listRecentReadings, METER_FILTERS, metersCsv, type MeterFilter } from './queries.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Paging = {
  limit: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,2}$', description: '1–100, default 50' })),
  offset: Type.Optional(Type.String({ pattern: '^(0|[1-9][0-9]{0,6})$' })),
};
const ServicePoint = Type.Object({ code: Type.String(), address: Type.String() });

const MeterList = Type.Object({
  total: Type.Integer(),
  items: Type.Array(
    Type.Object({
      id: Type.Integer(),
      serialNumber: Type.String(),
      role: Type.String(),
      radio: Type.Boolean(),
      legalizationValidUntil: Nullable(Type.String({ description: 'YYYY-MM-DD' })),
      installedOn: Type.String({ description: 'YYYY-MM-DD' }),
      servicePoint: ServicePoint,
    }),
  ),
});

const ReadingList = Type.Object({
  total: Type.Integer(),
  items: Type.Array(
    Type.Object({
      id: Type.Integer(),
      readAt: Type.String({ description: 'ISO instant' }),
      valueM3: Type.String(),
      source: Type.String(),
      status: Type.String(),
      meterSerial: Type.String(),
      servicePoint: ServicePoint,
    }),
  ),
});

function paging(q: { limit?: string; offset?: string }) {
  return { limit: Math.min(100, Number(q.limit ?? 50)), offset: Number(q.offset ?? 0) };
}

export async function routes(app: App, _deps: AppDeps) {
  app.get(
    '/api/staff/overview/meters',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['staff'],
        summary: 'Meters in service, with a radio module, or with legal verification ending within 90 days (the overview tiles)',
        querystring: Type.Object({ filter: Type.Optional(Type.Union(METER_FILTERS.map((f) => Type.Literal(f)))), ...Paging }, { additionalProperties: false }),
        response: { 200: MeterList },
      },
    },
    async (req) => {
      const q = req.query as { filter?: MeterFilter; limit?: string; offset?: string };
      return inTenant(app, req, (tx) => listMeters(tx, utilityOf(req).id, q.filter ?? 'all', paging(q)));
    },
  );

  app.get(
    '/api/staff/overview/meters/csv',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['staff'],
        summary: 'The same list of meters, whole, as CSV for a spreadsheet (Polish settings: ";", UTF-8 with BOM, dates as 06.12.2026)',
        querystring: Type.Object({ filter: Type.Optional(Type.Union(METER_FILTERS.map((f) => Type.Literal(f)))) }, { additionalProperties: false }),
      },
    },
    async (req, reply) => {
      const filter = (req.query as { filter?: MeterFilter }).filter ?? 'all';
      const csv = await inTenant(app, req, (tx) => metersCsv(tx, utilityOf(req).id, filter));
      return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="wodomierze-${filter}.csv"`).send(csv);
    },
  );

  app.get(
    '/api/staff/overview/readings',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['staff'],
        summary: 'Readings of the last 30 days, newest first (the overview tile)',
        querystring: Type.Object(Paging, { additionalProperties: false }),
        response: { 200: ReadingList },
      },
    },
    async (req) => inTenant(app, req, (tx) => listRecentReadings(tx, utilityOf(req).id, paging(req.query as { limit?: string; offset?: string }))),
  );
}
