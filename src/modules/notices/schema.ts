/** Request and response schemas of the notice routes (TypeBox; only declared fields leave). */
import { Type } from 'typebox';

export const Id = Type.String({ pattern: '^[1-9][0-9]{0,17}$' });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const HouseNo = Nullable(Type.Integer({ minimum: 0, maximum: 999999 }));

export const Kind = Type.Union([Type.Literal('outage'), Type.Literal('planned_interruption'), Type.Literal('works'), Type.Literal('info')]);

export const AreaRow = Type.Object(
  {
    locality: Type.String({ maxLength: 120 }),
    street: Nullable(Type.String({ maxLength: 120 })),
    fromNumber: HouseNo,
    toNumber: HouseNo,
  },
  { additionalProperties: false },
);

export const AreaBody = Type.Object({ areas: Type.Array(AreaRow, { maxItems: 200 }) }, { additionalProperties: false });

export const NoticeBody = Type.Object(
  {
    kind: Kind,
    title: Type.String({ minLength: 1, maxLength: 200 }),
    body: Type.String({ maxLength: 5000 }),
    startsAt: Type.String({ format: 'date-time' }),
    endsAt: Nullable(Type.String({ format: 'date-time' })),
    areas: Type.Array(AreaRow, { maxItems: 200 }),
  },
  { additionalProperties: false },
);

const Notice = {
  id: Type.Integer(),
  kind: Type.String(),
  title: Type.String(),
  body: Type.String(),
  startsAt: Type.String(),
  endsAt: Nullable(Type.String()),
  publishedAt: Nullable(Type.String()),
  areas: Type.Array(Type.Object({ locality: Type.String(), street: Nullable(Type.String()), fromNumber: Nullable(Type.Integer()), toNumber: Nullable(Type.Integer()) })),
  areaText: Type.Array(Type.String()),
};

export const Affected = Type.Object({
  servicePoints: Type.Integer(),
  customers: Type.Integer(),
  customersWithoutEmail: Type.Integer(),
  truncated: Type.Boolean(),
  items: Type.Array(
    Type.Object({
      servicePointId: Type.Integer(),
      code: Type.String(),
      address: Type.String(),
      customers: Type.Array(Type.Object({ id: Type.Integer(), customerNumber: Type.String(), name: Type.String(), email: Nullable(Type.String()) })),
    }),
  ),
});

const staffFields = {
  ...Notice,
  status: Type.String({ description: 'draft | planned | current | ended' }),
  emailedCount: Nullable(Type.Integer()),
  noEmailCount: Nullable(Type.Integer()),
};
export const StaffNoticeList = Type.Object({ items: Type.Array(Type.Object(staffFields)) });
export const StaffNotice = Type.Object({ ...staffFields, affected: Affected });
export const Created = Type.Object({ id: Type.Integer() });
export const Published = Type.Object({ servicePoints: Type.Integer(), customers: Type.Integer(), emailed: Type.Integer(), withoutEmail: Type.Integer() });

export const PublicQuery = Type.Object(
  { locality: Type.Optional(Type.String({ maxLength: 120 })), street: Type.Optional(Type.String({ maxLength: 120 })) },
  { additionalProperties: false },
);
export const PublicNoticeList = Type.Object({ items: Type.Array(Type.Object(Notice)) });
export const PortalNoticeList = Type.Object({
  items: Type.Array(Type.Object({ ...Notice, mine: Type.Boolean(), addresses: Type.Array(Type.String()) })),
});
