/** Request and response schemas of reading routes (staff) and the reader's view. */
import { Type } from 'typebox';

export const IdParam = Type.String({ pattern: '^[1-9][0-9]{0,17}$' });
/** YYYY-MM-DD naming a day that exists (format `date` is strict: see src/http/input-guard.ts). */
const CivilDate = Type.String({ format: 'date' });
/** A row id in a body: a bigint column holds more, but a JSON number above 2^53 is no longer exact, and 1e300 none at all. */
const RowId = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const RouteParams = Type.Object({ routeId: IdParam }, { additionalProperties: false });
export const ReadingParams = Type.Object({ readingId: IdParam }, { additionalProperties: false });
export const AssignmentParams = Type.Object({ routeId: IdParam, assignmentId: IdParam }, { additionalProperties: false });

/** Which service points a route takes: a locality (optionally some of its streets, in walking order) or an explicit list. */
export const Selection = {
  locality: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
  streets: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 120 }), { maxItems: 100 })),
  servicePointIds: Type.Optional(Type.Array(RowId, { maxItems: 2000 })),
  onlyRadio: Type.Optional(Type.Boolean()),
};
export const PreviewBody = Type.Object(Selection, { additionalProperties: false });
export const CreateRouteBody = Type.Object({ name: Type.String({ minLength: 1, maxLength: 120 }), ...Selection }, { additionalProperties: false });

export const AssignBody = Type.Object(
  { readerId: RowId, periodFrom: CivilDate, periodTo: CivilDate },
  { additionalProperties: false },
);

export const PeriodQuery = Type.Object(
  { periodFrom: Type.Optional(CivilDate), periodTo: Type.Optional(CivilDate) },
  { additionalProperties: false },
);

const LastReading = Nullable(
  Type.Object({ id: Type.Integer(), valueM3: Type.String(), readAt: Type.String(), source: Type.String(), status: Type.String(), photo: Type.Boolean() }),
);

export const StopMeter = Type.Object({
  id: Type.Integer(),
  serialNumber: Type.String(),
  radio: Type.Boolean(),
  radioId: Nullable(Type.String()),
  lastReading: LastReading,
  /** A reading (remote or manual) in the period. */
  read: Type.Boolean(),
  /** A remote (radio) reading in the period. */
  heard: Type.Boolean(),
  alarm: Type.Boolean(),
});

export const Stop = Type.Object({
  position: Type.Integer(),
  servicePointId: Type.Integer(),
  code: Type.String(),
  street: Type.String(),
  building: Type.String(),
  apartment: Nullable(Type.String()),
  postalCode: Type.String(),
  locality: Type.String(),
  meters: Type.Array(StopMeter),
  status: Type.Union([Type.Literal('read'), Type.Literal('missing')]),
  alarm: Type.Boolean(),
});

export const PreviewStop = Type.Object({
  position: Type.Integer(),
  servicePointId: Type.Integer(),
  code: Type.String(),
  street: Type.String(),
  building: Type.String(),
  apartment: Nullable(Type.String()),
  locality: Type.String(),
  meters: Type.Array(Type.Object({ id: Type.Integer(), serialNumber: Type.String(), radio: Type.Boolean() })),
});

export const Counts = Type.Object({
  total: Type.Integer(),
  read: Type.Integer(),
  missing: Type.Integer(),
  alarm: Type.Integer(),
});

export const Assignment = Type.Object({
  id: Type.Integer(),
  readerId: Type.Integer(),
  readerName: Type.String(),
  periodFrom: Type.String(),
  periodTo: Type.String(),
});

export const RouteSummary = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  stopCount: Type.Integer(),
  createdAt: Type.String(),
  currentAssignment: Nullable(Assignment),
  progress: Nullable(Counts),
});

export const RouteDetail = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  createdAt: Type.String(),
  assignments: Type.Array(Assignment),
  period: Type.Object({ from: Type.String(), to: Type.String() }),
  progress: Counts,
  stops: Type.Array(Stop),
});

export const ReaderRouteSummary = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  assignmentId: Type.Integer(),
  periodFrom: Type.String(),
  periodTo: Type.String(),
  progress: Counts,
});

export const ReaderRouteDetail = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  assignmentId: Type.Integer(),
  periodFrom: Type.String(),
  periodTo: Type.String(),
  progress: Counts,
  stops: Type.Array(Stop),
});

export const ManualReading = Type.Object(
  {
    clientId: Type.String({ pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' }),
    meterId: RowId,
    /** m³ as typed: up to 9 digits, comma or dot, up to 3 decimals. */
    valueM3: Type.String({ minLength: 1, maxLength: 20 }),
    readAt: Type.String({ minLength: 10, maxLength: 40 }),
    /** JPEG or PNG as base64 or a data URL, at most 5 MB decoded. */
    photo: Type.Optional(Type.String({ maxLength: 7_100_000 })),
  },
  { additionalProperties: false },
);

export const SubmitBody = Type.Object(
  { readings: Type.Array(ManualReading, { minItems: 1, maxItems: 50 }) },
  { additionalProperties: false },
);

export const SubmitResult = Type.Object({
  results: Type.Array(
    Type.Object({
      clientId: Type.String(),
      readingId: Type.Integer(),
      status: Type.String(),
      reason: Nullable(Type.String()),
      duplicate: Type.Boolean(),
    }),
  ),
});

export const StreetsResponse = Type.Object({
  localities: Type.Array(
    Type.Object({
      locality: Type.String(),
      streets: Type.Array(Type.Object({ street: Type.String(), servicePoints: Type.Integer(), radioMeters: Type.Integer() })),
    }),
  ),
});

export const ReadersResponse = Type.Object({
  items: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String(), email: Type.String() })),
});
