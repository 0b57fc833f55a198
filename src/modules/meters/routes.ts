/**
 * GET /api/staff/meters/:meterId (the meter's page: what it is, where, its
 * last reading, its successor) and POST /api/staff/meters/:meterId/exchange
 * (service.ts, rules in exchange.ts). Thin: validation by schema, access in
 * the route table, the work in service.ts.
 */
import { Type } from 'typebox';
import { inTenant, userOf, utilityOf, type App, type AppDeps } from '../../http/context.ts';
import { Id } from '../customers/schema.ts';
import { exchangeMeter, meterFile } from './service.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Params = Type.Object({ meterId: Id }, { additionalProperties: false });
const Day = Type.String({ description: 'YYYY-MM-DD' });

const Meter = Type.Object({
  id: Type.Integer(),
  serialNumber: Type.String(),
  role: Type.String({ description: 'main | sub | garden | sewage' }),
  installedOn: Day,
  removedOn: Nullable(Day),
  finalReading: Nullable(Type.String({ description: 'm³ at removal' })),
  legalizationValidUntil: Nullable(Day),
  diameterMm: Nullable(Type.Integer()),
  manufacturer: Nullable(Type.String()),
  model: Nullable(Type.String()),
  radio: Type.Boolean({ description: 'a radio module (overlay) is fitted' }),
  servicePoint: Type.Object({ code: Type.String(), address: Type.String() }),
  lastReading: Nullable(Type.Object({ day: Day, valueM3: Type.String() })),
  replacedBy: Nullable(Type.Object({ id: Type.Integer(), serialNumber: Type.String() })),
});

const ExchangeBody = Type.Object(
  {
    date: Type.String({ maxLength: 10, description: 'the day of the exchange, YYYY-MM-DD' }),
    finalReading: Type.String({ maxLength: 20, description: "the old meter's register at removal, m³ (123,456)" }),
    newSerial: Type.String({ maxLength: 60 }),
    newInitialReading: Type.Optional(Type.String({ maxLength: 20, description: "the new meter's register at installation, m³; default 0" })),
    newLegalizationValidUntil: Type.String({ maxLength: 10, description: 'YYYY-MM-DD' }),
    newDiameterMm: Type.Optional(Nullable(Type.Integer({ minimum: 10, maximum: 500 }))),
    moveRadio: Type.Optional(Type.Boolean({ description: "move the old meter's radio module to the new one (default true)" })),
  },
  { additionalProperties: false },
);

export async function routes(app: App, _deps: AppDeps) {
  app.get(
    '/api/staff/meters/:meterId',
    { config: { access: 'staff' }, schema: { tags: ['meters'], summary: 'A meter: what, where, its last reading and, once exchanged, its successor', params: Params, response: { 200: Meter } } },
    async (req) => inTenant(app, req, (tx) => meterFile(tx, Number((req.params as { meterId: string }).meterId))),
  );

  app.post(
    '/api/staff/meters/:meterId/exchange',
    {
      config: { access: 'staff:customer_service,meter_reader' },
      schema: {
        tags: ['meters'],
        summary: "Exchange a meter: the old one removed with its final register, a new one installed at the same point with its initial register (readings 'removal' and 'installation')",
        params: Params,
        body: ExchangeBody,
        response: { 201: Type.Object({ newMeterId: Type.Integer() }) },
      },
    },
    async (req, reply) => {
      const meterId = Number((req.params as { meterId: string }).meterId);
      const utilityId = utilityOf(req).id;
      const user = userOf(req);
      const out = await inTenant(app, req, (tx) => exchangeMeter(tx, utilityId, meterId, req.body as never, { userId: user.id, ip: req.ip }));
      return reply.status(201).send(out);
    },
  );
}
