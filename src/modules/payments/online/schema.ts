/** Request and response schemas of online payment (only declared fields leave the server). */
import { Type } from 'typebox';

const Id = Type.String({ pattern: '^[1-9][0-9]{0,17}$' });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Grosze = Type.Integer({ description: 'grosze' });

export const CustomerParams = Type.Object({ customerId: Id }, { additionalProperties: false });

export const StatusQuery = Type.Object({ session: Type.String({ pattern: '^wod-[0-9a-f-]{36}$' }) }, { additionalProperties: false });

export const DueInvoice = Type.Object({ id: Type.Integer(), number: Type.String(), dueDate: Type.String(), openGrosze: Grosze });

export const Options = Type.Object({
  enabled: Type.Boolean({ description: 'false: online payment is off at this utility (the portal hides "pay")' }),
  provider: Nullable(Type.String({ description: 'p24 | payu' })),
  dueInvoices: Type.Array(DueInvoice),
  totalDueGrosze: Grosze,
});

export const StartBody = Type.Object(
  {
    invoiceIds: Type.Optional(Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 200, description: 'absent or empty: every due invoice' })),
    method: Type.Optional(Type.Union([Type.Literal('any'), Type.Literal('blik')], { description: "'blik': the provider's page opens on BLIK" })),
  },
  { additionalProperties: false },
);

export const Started = Type.Object({ sessionId: Type.String(), amountGrosze: Grosze, redirectUrl: Type.String() });

export const OrderStatus = Type.Object({
  sessionId: Type.String(),
  customerId: Type.Integer(),
  status: Type.String({ description: 'registered | confirmed | failed' }),
  amountGrosze: Grosze,
  provider: Type.String(),
  invoiceNumbers: Type.Array(Type.String()),
  createdAt: Type.String(),
  confirmedAt: Nullable(Type.String()),
});

export const NotifyAnswer = Type.Object({ status: Type.String() });

export const ConfigView = Type.Object({
  provider: Type.String({ description: 'off | p24 | payu' }),
  environment: Type.String({ description: 'sandbox | production | simulator' }),
  baseUrl: Nullable(Type.String()),
  merchantId: Type.String(),
  posId: Type.String(),
  clientId: Type.String(),
  secretsSet: Type.Array(Type.String(), { description: 'which secrets are stored (never their values)' }),
  updatedAt: Nullable(Type.String()),
  simulatorAllowed: Type.Boolean({ description: 'false in production' }),
});

const Secret = Type.Optional(Type.String({ maxLength: 200 }));

export const ConfigBody = Type.Object(
  {
    provider: Type.Union([Type.Literal('off'), Type.Literal('p24'), Type.Literal('payu')]),
    environment: Type.Union([Type.Literal('sandbox'), Type.Literal('production'), Type.Literal('simulator')]),
    baseUrl: Type.Optional(Nullable(Type.String({ maxLength: 300 }))),
    merchantId: Type.Optional(Type.String({ maxLength: 20 })),
    posId: Type.Optional(Type.String({ maxLength: 20 })),
    clientId: Type.Optional(Type.String({ maxLength: 64 })),
    secrets: Type.Optional(
      Type.Object(
        { apiKey: Secret, crc: Secret, clientSecret: Secret, secondKey: Secret },
        { additionalProperties: false, description: 'new values; an absent or empty one keeps the stored value' },
      ),
    ),
  },
  { additionalProperties: false },
);

export const NotificationLog = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Type.Integer(),
      provider: Type.String(),
      receivedAt: Type.String(),
      sessionId: Nullable(Type.String()),
      providerOrderId: Nullable(Type.String()),
      accepted: Type.Boolean(),
      code: Type.String(),
      reason: Type.String(),
    }),
  ),
});
