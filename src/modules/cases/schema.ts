/** Request and response schemas of cases (only declared fields leave the server). */
import { Type } from 'typebox';
import { CASE_KINDS, CASE_STATUSES } from './rules.ts';

export const Id = Type.String({ pattern: '^[1-9][0-9]{0,17}$' });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Instant = Type.String({ description: 'ISO instant' });
const DateStr = Type.String({ description: 'YYYY-MM-DD' });
const KindEnum = Type.Union(CASE_KINDS.map((k) => Type.Literal(k)));
const StatusEnum = Type.Union(CASE_STATUSES.map((k) => Type.Literal(k)));

export const CaseParams = Type.Object({ caseId: Id }, { additionalProperties: false });
export const AttachmentParams = Type.Object({ caseId: Id, fileId: Id }, { additionalProperties: false });

export const CustomerListQuery = Type.Object(
  {
    kind: Type.Optional(KindEnum),
    status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('closed'), StatusEnum])),
    customerId: Type.Optional(Id),
    limit: Type.Optional(Type.String({ pattern: '^[1-9][0-9]?$', description: '1–99, default 20' })),
    offset: Type.Optional(Type.String({ pattern: '^(0|[1-9][0-9]{0,5})$' })),
  },
  { additionalProperties: false },
);

export const CustomerCaseList = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Type.Integer(),
      caseNumber: Type.String(),
      customerId: Type.Integer(),
      kind: Type.String(),
      subject: Type.String(),
      status: Type.String(),
      createdAt: Instant,
      updatedAt: Instant,
      lastMessageAt: Nullable(Instant),
      lastReply: Nullable(Type.Object({ body: Type.String(), at: Instant })),
    }),
  ),
  total: Type.Integer(),
});

export const Created = Type.Object({ id: Type.Integer(), caseNumber: Type.String() });

const Person = Type.Object({ id: Type.Integer(), name: Type.String() });

export const CaseDetail = Type.Object({
  id: Type.Integer(),
  caseNumber: Type.String(),
  kind: Type.String(),
  subject: Type.String(),
  status: Type.String(),
  place: Nullable(Type.String()),
  createdAt: Instant,
  updatedAt: Instant,
  closedAt: Nullable(Instant),
  dueOn: Nullable(DateStr),
  dueState: Nullable(Type.String({ description: 'overdue | dueSoon' })),
  customer: Type.Object({ id: Type.Integer(), name: Type.String(), customerNumber: Type.String() }),
  contract: Nullable(Type.Object({ id: Type.Integer(), contractNumber: Type.String() })),
  invoice: Nullable(Type.Object({ id: Type.Integer(), invoiceNumber: Type.String() })),
  assignee: Nullable(Person),
  messages: Type.Array(
    Type.Object({
      id: Type.Integer(),
      at: Instant,
      authorKind: Type.String({ description: 'customer | staff | system' }),
      authorName: Nullable(Type.String()),
      body: Type.String(),
      internal: Type.Boolean(),
      attachment: Nullable(Type.Object({ id: Type.Integer(), name: Type.String(), contentType: Type.String(), sizeBytes: Type.Integer() })),
    }),
  ),
  events: Type.Array(
    Type.Object({
      id: Type.Integer(),
      at: Instant,
      event: Type.String({ description: 'created | status | assigned | reply | note | customer_reply' }),
      data: Type.Record(Type.String(), Type.Unknown()),
      actorName: Nullable(Type.String()),
    }),
  ),
});

export const InboxQuery = Type.Object(
  {
    kind: Type.Optional(KindEnum),
    status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('all'), StatusEnum])),
    assignee: Type.Optional(Type.String({ pattern: '^(me|none|[1-9][0-9]{0,17})$' })),
    due: Type.Optional(Type.Union([Type.Literal('overdue'), Type.Literal('soon')])),
    q: Type.Optional(Type.String({ maxLength: 40 })),
    customerId: Type.Optional(Id),
    sort: Type.Optional(Type.Union([Type.Literal('newest'), Type.Literal('due')])),
    cursor: Type.Optional(Type.String({ maxLength: 200, pattern: '^[A-Za-z0-9_-]+$' })),
    limit: Type.Optional(Type.String({ pattern: '^[1-9][0-9]?$|^100$', description: '1–100, default 50' })),
  },
  { additionalProperties: false },
);

export const Inbox = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Type.Integer(),
      caseNumber: Type.String(),
      kind: Type.String(),
      subject: Type.String(),
      status: Type.String(),
      createdAt: Instant,
      dueOn: Nullable(DateStr),
      dueState: Nullable(Type.String()),
      lastMessageAt: Nullable(Instant),
      customer: Type.Object({ id: Type.Integer(), name: Type.String(), customerNumber: Type.String() }),
      assignee: Nullable(Person),
    }),
  ),
  next: Nullable(Type.String({ description: 'cursor of the next page' })),
  total: Type.Integer({ description: 'cases matching the filters, counted up to countCap + 1' }),
  counts: Type.Object({ open: Type.Integer(), mine: Type.Integer(), unassigned: Type.Integer(), overdue: Type.Integer(), dueSoon: Type.Integer() }),
  countCap: Type.Integer(),
});

export const AssignBody = Type.Object({ assigneeId: Nullable(Type.Integer({ minimum: 1 })) }, { additionalProperties: false });
export const StatusBody = Type.Object({ status: StatusEnum }, { additionalProperties: false });
export const Assignees = Type.Object({ items: Type.Array(Person) });

export const InvoiceChoices = Type.Object({
  items: Type.Array(Type.Object({ id: Type.Integer(), customerId: Type.Integer(), invoiceNumber: Type.String(), issueDate: DateStr, grossGrosze: Type.Integer() })),
});
