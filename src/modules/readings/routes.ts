/** Readings history for customers (their own meters) and staff (any meter). */
import { Type } from 'typebox';
import { inTenant, type App, type AppDeps } from '../../http/context.ts';
import { customerReadings, meterReadings, type ReadingFilter } from './service.ts';

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
}
