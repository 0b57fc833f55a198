/**
 * Tariffs for staff: everyone reads (with history), billing and admin write.
 * Prices travel as PLN decimal strings ("5.40") and are kept in grosze.
 */
import { Type } from 'typebox';
import { inTenant, utilityOf, type App, type AppDeps } from '../../../http/context.ts';
import { badRequest } from '../../../lib/errors.ts';
import { createTariff, endTariff, listTariffs, parsePrice, updateTariff, type TariffInput, type TariffView } from './service.ts';

const WRITE = 'staff:billing' as const;
const Id = Type.String({ pattern: '^[1-9][0-9]{0,17}$' });
const DateStr = Type.String({ format: 'date' });
const Price = Type.String({ pattern: '^[0-9]{1,6}([.,][0-9]{1,2})?$', description: 'net PLN, e.g. "5.40"' });
const Params = Type.Object({ tariffId: Id }, { additionalProperties: false });

const GroupBody = Type.Object(
  {
    code: Type.String({ pattern: '^[A-Za-z0-9_-]{1,20}$' }),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    water: Price,
    sewage: Price,
    feePaper: Price,
    feeEinvoice: Price,
  },
  { additionalProperties: false },
);
const TariffBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 300 }),
    decisionNumber: Type.String({ minLength: 1, maxLength: 100 }),
    decisionDate: DateStr,
    validFrom: DateStr,
    validTo: Type.Optional(Type.Union([DateStr, Type.Null()])),
    vatRate: Type.Optional(Type.Literal(8, { description: 'VAT rate in percent: 8 for water and sewage' })),
    groups: Type.Array(GroupBody, { minItems: 1, maxItems: 50 }),
  },
  { additionalProperties: false },
);
const Group = Type.Object({ code: Type.String(), name: Type.String(), water: Type.String(), sewage: Type.String(), feePaper: Type.String(), feeEinvoice: Type.String() });
const Tariff = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  decisionNumber: Type.String(),
  decisionDate: Type.String(),
  validFrom: Type.String(),
  validTo: Type.Union([Type.String(), Type.Null()]),
  vatRate: Type.Integer(),
  groups: Type.Array(Group),
  createdAt: Type.String(),
  billedTo: Type.Union([Type.String(), Type.Null()], { description: 'last day billed under it; a billed tariff can only be ended' }),
});

type Body = {
  name: string;
  decisionNumber: string;
  decisionDate: string;
  validFrom: string;
  validTo?: string | null;
  vatRate?: number;
  groups: { code: string; name: string; water: string; sewage: string; feePaper: string; feeEinvoice: string }[];
};

const pln = (g: number) => `${Math.floor(g / 100)}.${String(g % 100).padStart(2, '0')}`;

function input(b: Body): TariffInput {
  const price = (s: string) => {
    const p = parsePrice(s);
    if (p === null) throw badRequest('tariff.bad_price', 'Nieprawidłowa cena.', 'Invalid price.');
    return p;
  };
  return {
    name: b.name.trim(),
    decisionNumber: b.decisionNumber.trim(),
    decisionDate: b.decisionDate,
    validFrom: b.validFrom,
    validTo: b.validTo ?? null,
    vatRate: b.vatRate ?? 8,
    groups: b.groups.map((g) => ({ code: g.code.toUpperCase(), name: g.name.trim(), water: price(g.water), sewage: price(g.sewage), feePaper: price(g.feePaper), feeEinvoice: price(g.feeEinvoice) })),
  };
}

const view = (t: TariffView) => ({
  ...t,
  groups: t.groups.map((g) => ({ code: g.code, name: g.name, water: pln(g.water), sewage: pln(g.sewage), feePaper: pln(g.feePaper), feeEinvoice: pln(g.feeEinvoice) })),
});

export async function routes(app: App, _deps: AppDeps) {
  const tags = ['tariffs'];

  app.get(
    '/api/staff/tariffs',
    { config: { access: 'staff' }, schema: { tags, summary: 'All tariffs, current and past, newest first', response: { 200: Type.Object({ items: Type.Array(Tariff) }) } } },
    async (req) => inTenant(app, req, async (tx) => ({ items: (await listTariffs(tx, utilityOf(req).id)).map(view) })),
  );

  const one = async (tx: Parameters<Parameters<typeof inTenant>[2]>[0], utilityId: number, id: number) => view((await listTariffs(tx, utilityId)).find((t) => t.id === id)!);

  app.post(
    '/api/staff/tariffs',
    { config: { access: WRITE }, schema: { tags, summary: 'Create a tariff (refused when it overlaps another for one of its groups)', body: TariffBody, response: { 201: Tariff } } },
    async (req, reply) => {
      const utilityId = utilityOf(req).id;
      const t = await inTenant(app, req, async (tx) => one(tx, utilityId, await createTariff(tx, utilityId, input(req.body as Body))));
      return reply.status(201).send(t);
    },
  );

  app.put(
    '/api/staff/tariffs/:tariffId',
    { config: { access: WRITE }, schema: { tags, summary: 'Change a tariff that has not been billed yet', params: Params, body: TariffBody, response: { 200: Tariff } } },
    async (req) => {
      const utilityId = utilityOf(req).id;
      const id = Number(req.params.tariffId);
      return inTenant(app, req, async (tx) => {
        await updateTariff(tx, utilityId, id, input(req.body as Body));
        return one(tx, utilityId, id);
      });
    },
  );

  app.post(
    '/api/staff/tariffs/:tariffId/end',
    {
      config: { access: WRITE },
      schema: { tags, summary: 'End a tariff on a day (its last day in force), not before a day already billed', params: Params, body: Type.Object({ validTo: DateStr }, { additionalProperties: false }), response: { 200: Tariff } },
    },
    async (req) => {
      const utilityId = utilityOf(req).id;
      const id = Number(req.params.tariffId);
      return inTenant(app, req, async (tx) => {
        await endTariff(tx, utilityId, id, req.body.validTo);
        return one(tx, utilityId, id);
      });
    },
  );
}
