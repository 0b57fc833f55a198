/** TypeBox schemas of the remote-reading API (see /tmp API contract: readings and remote reading). */
import { Type } from 'typebox';

export const IdParam = (name: string) => Type.Object({ [name]: Type.String({ pattern: '^[1-9][0-9]{0,17}$' }) }, { additionalProperties: false });

const Counts = {
  telegrams: Type.Integer(),
  readings: Type.Integer(),
  pending: Type.Integer(),
  duplicates: Type.Integer(),
  quarantined: Type.Integer(),
  byReason: Type.Record(Type.String(), Type.Integer()),
};

export const UploadResult = Type.Object({
  uploadId: Type.Integer(),
  lines: Type.Integer(),
  ...Counts,
  badLines: Type.Integer(),
  badLineSamples: Type.Array(Type.Object({ line: Type.Integer(), reason: Type.String() })),
  durationMs: Type.Integer(),
});

export const UploadList = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Type.Integer(),
      fileName: Type.String(),
      sourceName: Type.String(),
      createdAt: Type.String(),
      lines: Type.Integer(),
      telegrams: Type.Integer(),
      readings: Type.Integer(),
      duplicates: Type.Integer(),
      quarantined: Type.Integer(),
      badLines: Type.Integer(),
      durationMs: Type.Union([Type.Integer(), Type.Null()]),
    }),
  ),
  total: Type.Integer(),
});

export const Paging = {
  limit: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,3}$' })),
  offset: Type.Optional(Type.String({ pattern: '^[0-9]{1,9}$' })),
};

export const QuarantineQuery = Type.Object(
  { reason: Type.Optional(Type.String({ pattern: '^[a-z_.]{3,40}$' })), ...Paging },
  { additionalProperties: false },
);

export const QuarantineList = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Type.Integer(),
      receivedAt: Type.String(),
      source: Type.String(),
      sourceDetail: Type.Union([Type.String(), Type.Null()]),
      reason: Type.String(),
      message: Type.String(),
      manufacturer: Type.Union([Type.String(), Type.Null()]),
      radioId: Type.Union([Type.String(), Type.Null()]),
      hex: Type.String(),
    }),
  ),
  total: Type.Integer(),
});

export const GatewayBody = Type.Object({ name: Type.String({ minLength: 2, maxLength: 100 }) }, { additionalProperties: false });
export const GatewayCreated = Type.Object({ id: Type.Integer(), name: Type.String(), token: Type.String() });
export const GatewayList = Type.Object({
  items: Type.Array(
    Type.Object({ id: Type.Integer(), name: Type.String(), createdAt: Type.String(), lastSeenAt: Type.Union([Type.String(), Type.Null()]), active: Type.Boolean() }),
  ),
});

export const PushBody = Type.Object(
  {
    telegrams: Type.Array(
      Type.Object(
        {
          // Whole bytes only: an odd digit count is refused here, not by the database's decode().
          hex: Type.String({ pattern: '^(?:[0-9A-Fa-f]{2}){11,300}$' }),
          receivedAt: Type.Optional(Type.String({ format: 'date-time', maxLength: 40 })),
          rssi: Type.Optional(Type.Integer({ minimum: -150, maximum: 0 })),
        },
        { additionalProperties: false },
      ),
      { maxItems: 1000 },
    ),
  },
  { additionalProperties: false },
);
export const PushResult = Type.Object({ accepted: Type.Integer(), ...Counts });

export const KeysResult = Type.Object({
  created: Type.Integer(),
  updated: Type.Integer(),
  linkedMeters: Type.Integer(),
  warnings: Type.Array(Type.Object({ line: Type.Integer(), code: Type.String(), message: Type.String() })),
  /** Quarantined telegrams of these modules read again with the new keys. */
  reprocessed: Type.Object({ telegrams: Type.Integer(), readings: Type.Integer(), released: Type.Integer() }),
});

export const TaskQuery = Type.Object({ status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('closed')])), ...Paging }, { additionalProperties: false });
const Task = Type.Object({
  id: Type.Integer(),
  kind: Type.String(),
  title: Type.String(),
  meterId: Type.Union([Type.Integer(), Type.Null()]),
  customerId: Type.Union([Type.Integer(), Type.Null()]),
  openedAt: Type.String(),
  closedAt: Type.Union([Type.String(), Type.Null()]),
  status: Type.String(),
});
export const TaskList = Type.Object({ items: Type.Array(Task) });
export const TaskOne = Task;
export const PagingQuery = Type.Object(Paging, { additionalProperties: false });
