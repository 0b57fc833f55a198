/** Request and response schemas of the portal and staff read side (only declared fields leave). */
import { Type } from 'typebox';

export const Id = Type.String({ pattern: '^[1-9][0-9]{0,17}$' });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const DateStr = Type.String({ description: 'YYYY-MM-DD' });

export const LastReading = Type.Object({
  valueM3: Type.String({ description: 'm³ with three decimals' }),
  readAt: Type.String({ description: 'ISO instant' }),
  source: Type.String(),
});

export const Meter = Type.Object({
  id: Type.Integer(),
  role: Type.String({ description: 'main | sub | garden | sewage' }),
  serialNumber: Type.String(),
  diameterMm: Nullable(Type.Integer()),
  installedOn: DateStr,
  legalizationValidUntil: Nullable(DateStr),
  radio: Type.Boolean({ description: 'fitted with a radio module (read remotely)' }),
  lastReading: Nullable(LastReading),
});

export const Contract = Type.Object({
  id: Type.Integer(),
  contractNumber: Type.String(),
  kind: Type.String({ description: 'water | sewage | water_sewage' }),
  status: Type.String(),
  validFrom: DateStr,
  servicePoint: Type.Object({ id: Type.Integer(), code: Type.String(), address: Type.String() }),
  meters: Type.Array(Meter),
});

const customerFields = {
  id: Type.Integer(),
  customerNumber: Type.String(),
  name: Type.String(),
  kind: Type.String({ description: 'person | business | housing_community | public_body' }),
  address: Type.String(),
  invoiceDelivery: Type.String({ description: 'paper | einvoice' }),
  contracts: Type.Array(Contract),
};

export const PortalCustomer = Type.Object(customerFields);
export const PortalOverview = Type.Object({ customers: Type.Array(PortalCustomer) });

export const StaffCustomer = Type.Object({
  ...customerFields,
  email: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  nip: Nullable(Type.String()),
});

export const StaffOverview = Type.Object({
  customers: Type.Integer(),
  contracts: Type.Integer({ description: 'active contracts' }),
  meters: Type.Integer({ description: 'meters in service' }),
  radioMeters: Type.Integer({ description: 'meters in service with a radio module' }),
  legalizationDueIn90Days: Type.Integer({ description: 'meters whose verification has lapsed or lapses within 90 days' }),
  openCases: Type.Integer(),
  readingsLast30Days: Type.Integer(),
  todo: Type.Object(
    {
      billingRunsOpen: Type.Integer({ description: 'billing runs not issued yet (in preview, approved or issuing)' }),
      readingsHeld: Type.Integer({ description: 'readings held for verification' }),
      changeRequestsPending: Type.Integer({ description: "customers' data change requests awaiting a decision" }),
      paymentsUnmatched: Type.Integer({ description: 'bank statement credits not matched to a customer' }),
      ksefRejected: Type.Integer({ description: 'invoices KSeF rejected' }),
      jobsFailed: Type.Integer({ description: 'background jobs that failed for good' }),
    },
    { description: 'what waits for the back office' },
  ),
});

export const CustomerListQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 100 })),
    limit: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,2}$', description: '1–100, default 20' })),
    offset: Type.Optional(Type.String({ pattern: '^(0|[1-9][0-9]{0,6})$' })),
  },
  { additionalProperties: false },
);

export const CustomerList = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Type.Integer(),
      customerNumber: Type.String(),
      name: Type.String(),
      kind: Type.String(),
      address: Type.String(),
      email: Nullable(Type.String()),
    }),
  ),
  total: Type.Integer(),
});
