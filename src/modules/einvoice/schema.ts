/** Request and response schemas of e-invoice consent, the invoice lists and corrections (only declared fields leave). */
import { Type } from 'typebox';

export const Id = Type.String({ pattern: '^[1-9][0-9]{0,17}$' });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const DateStr = Type.String({ description: 'YYYY-MM-DD' });
const Grosze = Type.Integer({ description: 'grosze' });

export const CustomerParams = Type.Object({ customerId: Id }, { additionalProperties: false });
export const InvoiceParams = Type.Object({ invoiceId: Id }, { additionalProperties: false });
export const ConsentParams = Type.Object({ consentId: Id }, { additionalProperties: false });

export const Consent = Type.Object({
  id: Type.Integer(),
  source: Type.String({ description: 'portal | paper_form' }),
  grantedAt: Type.String({ description: 'ISO instant the consent was recorded' }),
  effectiveFrom: DateStr,
  byEmail: Type.Boolean(),
  email: Nullable(Type.String()),
  termsVersion: Nullable(Type.String()),
  acceptedAt: Nullable(Type.String({ description: 'ISO instant the terms were accepted (a paper form: the day it was signed)' })),
  acceptedFromIp: Nullable(Type.String()),
  withdrawnAt: Nullable(Type.String()),
  withdrawnEffectiveFrom: Nullable(DateStr),
  hasForm: Type.Boolean(),
});

export const Saving = Type.Object({
  contractNumber: Type.String(),
  tariffGroupCode: Type.String(),
  tariffName: Type.String(),
  billingCycle: Type.String(),
  vatRate: Type.Integer(),
  feePaperNet: Grosze,
  feeEinvoiceNet: Grosze,
  feePaperGross: Grosze,
  feeEinvoiceGross: Grosze,
  savingNetPerMonth: Grosze,
  savingGrossPerMonth: Grosze,
  savingGrossPerYear: Grosze,
});

export const EinvoiceStatus = Type.Object({
  customerId: Type.Integer(),
  delivery: Type.String({ description: 'paper | einvoice' }),
  consent: Nullable(Consent),
  lastWithdrawn: Nullable(Consent),
  wouldTakeEffect: DateStr,
  wouldEnd: DateStr,
  terms: Nullable(Type.Object({ id: Type.Integer(), version: Type.String(), title: Type.String(), body: Type.String() })),
  savings: Type.Array(Saving),
});

export const StaffEinvoiceStatus = Type.Object({
  status: EinvoiceStatus,
  history: Type.Array(Consent),
});

export const PortalGrant = Type.Object(
  {
    termsVersionId: Type.Integer({ minimum: 1, description: 'the id of the terms version shown and accepted' }),
    accept: Type.Literal(true, { description: 'the terms were read and accepted' }),
    byEmail: Type.Boolean({ description: 'also e-mail each invoice (to the sign-in address); false: the portal only' }),
  },
  { additionalProperties: false },
);

export const ByEmail = Type.Object({ byEmail: Type.Boolean() }, { additionalProperties: false });

export const StaffGrant = Type.Object(
  {
    termsVersionId: Type.Integer({ minimum: 1 }),
    byEmail: Type.Boolean(),
    email: Type.Optional(Type.String({ maxLength: 254, description: 'where e-invoices are e-mailed (byEmail); default the customer’s e-mail' })),
    signedOn: Type.String({ format: 'date', description: 'the day the form was signed' }),
    scan: Type.String({ minLength: 1, maxLength: 7_100_000, description: 'the signed form: PDF, JPEG or PNG as base64, at most 5 MB' }),
  },
  { additionalProperties: false },
);

export const Invoice = Type.Object({
  id: Type.Integer(),
  customerId: Type.Integer(),
  customerNumber: Type.String(),
  customerName: Type.String(),
  number: Type.String(),
  kind: Type.String({ description: 'invoice | correction' }),
  correctsNumber: Nullable(Type.String()),
  correctionReason: Nullable(Type.String()),
  issueDate: DateStr,
  periodFrom: Nullable(DateStr),
  periodTo: Nullable(DateStr),
  dueDate: DateStr,
  net: Grosze,
  vat: Grosze,
  gross: Grosze,
  paid: Grosze,
  status: Type.String({ description: 'paid | partly_paid | unpaid | overdue | credit' }),
  estimated: Type.Boolean(),
  delivery: Type.String(),
  ksefNumber: Nullable(Type.String()),
  hasXml: Type.Boolean(),
  hasPdf: Type.Boolean(),
  correctedBy: Type.Array(Type.String()),
  contractNumber: Nullable(Type.String({ description: 'the contract billed (null on a document not made for a contract)' })),
  place: Nullable(Type.String({ description: "the contract's point of supply, as an address" })),
});
export const InvoiceList = Type.Object({ items: Type.Array(Invoice), total: Type.Integer() });

const Limit = Type.String({ pattern: '^[1-9][0-9]{0,2}$' });
const Offset = Type.String({ pattern: '^[0-9]{1,7}$' });
export const PortalInvoiceQuery = Type.Object({ customerId: Type.Optional(Id), limit: Type.Optional(Limit), offset: Type.Optional(Offset) }, { additionalProperties: false });
export const StaffInvoiceQuery = Type.Object(
  {
    number: Type.Optional(Type.String({ maxLength: 40 })),
    customer: Type.Optional(Type.String({ maxLength: 100 })),
    period: Type.Optional(Type.String({ pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$', description: 'YYYY-MM' })),
    limit: Type.Optional(Limit),
    offset: Type.Optional(Offset),
  },
  { additionalProperties: false },
);

const Line = Type.Object({
  name: Type.String(),
  quantity: Type.Integer({ description: 'thousandths' }),
  unit: Type.String(),
  unitPrice: Grosze,
  net: Grosze,
  vatRate: Type.Integer(),
  estimated: Type.Optional(Type.Boolean()),
});
const RateTotal = Type.Object({ vatRate: Type.Integer(), net: Grosze, vat: Grosze });
const Totals = Type.Object({ byRate: Type.Array(RateTotal), net: Grosze, vat: Grosze, gross: Grosze });
const Reading = Type.Object({ date: DateStr, value: Type.Integer({ description: 'thousandths of m³' }), source: Type.String() });
const Basis = Type.Object({ meterSerial: Type.String(), opening: Reading, closing: Reading });

export const StaffInvoice = Type.Object({
  id: Type.Integer(),
  kind: Type.String(),
  number: Type.String(),
  ksefNumber: Nullable(Type.String()),
  customerId: Type.Integer(),
  customerName: Type.String(),
  customerNumber: Type.String(),
  /** The stored document as issued (InvoiceDocument or CorrectionDocument). */
  document: Nullable(Type.Unknown()),
  /** What a new correction starts from: the invoice's lines as issued or as its latest correction left them. */
  current: Nullable(Type.Object({ lines: Type.Array(Line), totals: Totals, readings: Type.Array(Basis) })),
  corrections: Type.Array(Type.Object({ id: Type.Integer(), number: Type.String(), issueDate: DateStr, gross: Grosze })),
});

export const CorrectionBody = Type.Object(
  {
    reason: Type.Union([Type.Literal('wrong_reading'), Type.Literal('wrong_tariff'), Type.Literal('complaint_upheld')]),
    note: Type.String({ minLength: 1, maxLength: 200 }),
    // Absent: the engine recomputes the bill from the readings and tariffs as they are now (the default).
    lines: Type.Optional(Type.Array(
      Type.Object(
        {
          name: Type.String({ minLength: 1, maxLength: 256 }),
          quantity: Type.String({ maxLength: 16, description: 'decimal, up to three places' }),
          unit: Type.Union([Type.Literal('m3'), Type.Literal('month'), Type.Literal('pcs')]),
          unitPrice: Type.String({ maxLength: 16, description: 'net PLN, up to two places' }),
          vatRate: Type.Integer(),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 50 },
    )),
    readings: Type.Optional(
      Type.Array(Type.Object({ meterSerial: Type.String({ minLength: 1, maxLength: 50 }), closing: Type.String({ maxLength: 16 }) }, { additionalProperties: false }), { maxItems: 20 }),
    ),
  },
  { additionalProperties: false },
);
/** A correction as it would be issued now: before, after, difference (no number taken). */
export const CorrectionPreview = Type.Object({
  reason: Type.String(),
  readings: Type.Array(Basis),
  before: Type.Object({ lines: Type.Array(Line), totals: Totals }),
  after: Type.Object({ lines: Type.Array(Line), totals: Totals }),
  difference: Totals,
});
export const CorrectionResult = Type.Object({ id: Type.Integer(), number: Type.String() });
