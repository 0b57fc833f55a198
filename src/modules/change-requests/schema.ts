/** Request and response schemas of data-change requests (only declared fields leave). */
import { Type } from 'typebox';

export const Id = Type.String({ pattern: '^[1-9][0-9]{0,17}$' });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const CustomerParams = Type.Object({ customerId: Id }, { additionalProperties: false });
export const RequestParams = Type.Object({ requestId: Id }, { additionalProperties: false });

export const NewRequestBody = Type.Object(
  {
    field: Type.String({ minLength: 1, maxLength: 40, description: 'name | email | phone | address | correspondence_address' }),
    value: Type.Optional(Type.String({ maxLength: 300 })),
    address: Type.Optional(
      Type.Object(
        {
          street: Type.String({ maxLength: 200 }),
          building: Type.String({ maxLength: 50 }),
          apartment: Type.Optional(Nullable(Type.String({ maxLength: 50 }))),
          postalCode: Type.String({ maxLength: 20 }),
          city: Type.String({ maxLength: 200 }),
        },
        { additionalProperties: false },
      ),
    ),
    note: Type.Optional(Type.String({ maxLength: 1000 })),
    attachment: Type.Optional(
      Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }), data: Type.String({ description: 'base64 (PDF, JPEG or PNG, at most 5 MB)' }) }, { additionalProperties: false }),
    ),
  },
  { additionalProperties: false },
);

export const ChangeRequest = Type.Object({
  id: Type.Integer(),
  customerId: Type.Integer(),
  field: Type.String(),
  oldValue: Type.String(),
  newValue: Type.String(),
  note: Type.String(),
  hasAttachment: Type.Boolean(),
  status: Type.String({ description: 'pending | approved | rejected' }),
  reason: Nullable(Type.String()),
  createdAt: Type.String(),
  decidedAt: Nullable(Type.String()),
});

export const ChangeRequestList = Type.Object({ items: Type.Array(ChangeRequest) });

export const StaffQueueQuery = Type.Object(
  {
    status: Type.Optional(Type.Union([Type.Literal('pending'), Type.Literal('approved'), Type.Literal('rejected')])),
    customerId: Type.Optional(Id),
    limit: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,2}$', description: '1–100, default 50' })),
    offset: Type.Optional(Type.String({ pattern: '^(0|[1-9][0-9]{0,6})$' })),
  },
  { additionalProperties: false },
);

export const StaffQueue = Type.Object({
  items: Type.Array(Type.Object({ ...ChangeRequest.properties, customerName: Type.String(), customerNumber: Type.String() })),
  total: Type.Integer(),
});

export const RejectBody = Type.Object({ reason: Type.String({ maxLength: 1000 }) }, { additionalProperties: false });
