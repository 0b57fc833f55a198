/** Request and response schemas of the payments routes (only declared fields leave the server). */
import { Type } from 'typebox';

const Id = Type.String({ pattern: '^[1-9][0-9]{0,17}$' });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const DateStr = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' });
const Grosze = Type.Integer({ description: 'grosze' });
/** Up to a billion złoty: any real amount, nothing that overflows. */
const Amount = Type.Integer({ minimum: -100_000_000_000, maximum: 100_000_000_000, description: 'grosze' });

export const CustomerParams = Type.Object({ customerId: Id }, { additionalProperties: false });
export const LineParams = Type.Object({ lineId: Id }, { additionalProperties: false });

export const ENTRY_KIND = Type.Union(['invoice', 'correction', 'payment', 'refund', 'interest_note', 'adjustment'].map((k) => Type.Literal(k)));

export const LedgerQuery = Type.Object(
  {
    from: Type.Optional(DateStr),
    to: Type.Optional(DateStr),
    kind: Type.Optional(Type.String({ pattern: '^(invoice|correction|payment|refund|interest_note|adjustment)(,(invoice|correction|payment|refund|interest_note|adjustment))*$', description: 'comma-separated entry kinds' })),
    contractId: Type.Optional(Id),
  },
  { additionalProperties: false },
);

export const Entry = Type.Object({
  kind: Type.String({ description: 'invoice | correction | payment | refund | interest_note | adjustment' }),
  id: Type.Integer(),
  date: Type.String(),
  reference: Type.String(),
  contractId: Nullable(Type.Integer()),
  dueDate: Nullable(Type.String()),
  amount: Grosze,
  balance: Grosze,
});

export const ItemStatus = Type.Object({
  kind: Type.String({ description: 'invoice | charge' }),
  id: Type.Integer(),
  reference: Type.String(),
  contractId: Nullable(Type.Integer()),
  issueDate: Type.String(),
  dueDate: Type.String(),
  amount: Grosze,
  paid: Grosze,
  open: Grosze,
  status: Type.String({ description: 'paid | partly_paid | unpaid | overdue | credited' }),
});

export const Summary = Type.Object({
  balance: Grosze,
  due: Grosze,
  overdue: Grosze,
  overpaid: Grosze,
  nextDueDate: Nullable(Type.String()),
  asOf: Type.String(),
  items: Type.Array(ItemStatus),
});

export const Ledger = Type.Object({ summary: Summary, entries: Type.Array(Entry) });

export const Credit = Type.Object({ paymentId: Type.Integer(), bookedOn: Type.String(), remaining: Grosze });
export const StaffLedger = Type.Object({ summary: Summary, entries: Type.Array(Entry), credits: Type.Array(Credit) });

export const ImportBody = Type.Object(
  {
    fileName: Type.String({ minLength: 1, maxLength: 255 }),
    /** The file's bytes, base64 (statements are small: a day of 100,000 lines is ~20 MB). */
    contentBase64: Type.String({ minLength: 1, maxLength: 40_000_000 }),
    dialect: Type.Optional(Type.String({ maxLength: 20 })),
  },
  { additionalProperties: false },
);

const Problem = Type.Object({
  code: Type.String(),
  statement: Nullable(Type.String()),
  fileLine: Nullable(Type.Integer()),
  message: Type.Object({ pl: Type.String(), en: Type.String() }),
});

export const StatementResult = Type.Object({
  statement: Type.String(),
  account: Type.String(),
  status: Type.String({ description: 'imported | refused' }),
  lines: Type.Integer(),
  added: Type.Integer(),
  duplicates: Type.Integer(),
  matched: Type.Integer(),
  unmatched: Type.Integer(),
  debits: Type.Integer(),
  credited: Grosze,
  problem: Type.Optional(Problem),
});

export const ImportRecord = Type.Object({
  id: Type.Integer(),
  fileName: Type.String(),
  encoding: Nullable(Type.String()),
  status: Type.String({ description: 'running | done | failed (interrupted and run again)' }),
  createdAt: Type.String(),
  statements: Type.Array(StatementResult),
  problems: Type.Array(Problem),
});

export const UnmatchedLine = Type.Object({
  id: Type.Integer(),
  bookingDate: Type.String(),
  amount: Grosze,
  counterAccount: Nullable(Type.String()),
  counterName: Nullable(Type.String()),
  title: Type.String(),
  statement: Type.String(),
});

export const AssignBody = Type.Object(
  { customerId: Id, invoiceIds: Type.Optional(Type.Array(Id, { maxItems: 50 })) },
  { additionalProperties: false },
);

export const AllocationBody = Type.Object(
  { paymentId: Id, kind: Type.Union([Type.Literal('invoice'), Type.Literal('charge')]), targetId: Id, amountGrosze: Amount },
  { additionalProperties: false },
);

export const RefundBody = Type.Object(
  { amountGrosze: Amount, refundedOn: Type.Optional(DateStr), toAccount: Type.Optional(Type.String({ maxLength: 40 })), note: Type.String({ maxLength: 500 }) },
  { additionalProperties: false },
);

export const AdjustmentBody = Type.Object(
  { amountGrosze: Amount, entryDate: Type.Optional(DateStr), note: Type.String({ maxLength: 500 }) },
  { additionalProperties: false },
);

export const Done = Type.Object({ ok: Type.Boolean(), id: Type.Optional(Type.Integer()) });
