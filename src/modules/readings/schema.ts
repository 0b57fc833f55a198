/** Request and response schemas of the readings routes (contracts page, submission, consumption, verification). */
import { Type } from 'typebox';

const Id = Type.String({ pattern: '^[1-9][0-9]{0,17}$' });
const DateStr = Type.String({ format: 'date' });
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const Str = () => Type.String();

const Meter = Type.Object({
  id: Type.Integer(),
  role: Str(),
  serialNumber: Str(),
  diameterMm: Type.Union([Type.Integer(), Type.Null()]),
  installedOn: Str(),
  removedOn: Nullable(Str()),
  legalizationValidUntil: Nullable(Str()),
  radio: Type.Boolean(),
  inService: Type.Boolean({ description: 'a reading may be submitted (open contract, meter not removed)' }),
  lastReading: Type.Union([Type.Object({ valueM3: Str(), readAt: Str(), source: Str() }), Type.Null()]),
  judgeBasis: Type.Union([Type.Object({ valueM3: Str(), at: Type.Number() }), Type.Null()]),
  avgDailyM3: Type.Union([Type.Number(), Type.Null()]),
  pendingReadings: Type.Integer(),
  openAlarms: Type.Array(Str()),
});

export const PortalContracts = Type.Object({
  customers: Type.Array(
    Type.Object({
      id: Type.Integer(),
      customerNumber: Str(),
      name: Str(),
      contracts: Type.Array(
        Type.Object({
          id: Type.Integer(),
          contractNumber: Str(),
          kind: Str(),
          status: Str(),
          validFrom: Str(),
          validTo: Nullable(Str()),
          open: Type.Boolean(),
          tariffGroup: Str(),
          servicePoint: Type.Object({ id: Type.Integer(), code: Str(), address: Str() }),
          meters: Type.Array(Meter),
        }),
      ),
    }),
  ),
});

export const Submitted = Type.Object({
  id: Type.Integer(),
  meterId: Type.Integer(),
  valueM3: Str(),
  readAt: Str(),
  status: Str(),
  statusReason: Nullable(Str()),
});

export const ConsumptionQuery = Type.Object({ contractId: Id, from: DateStr, to: DateStr }, { additionalProperties: false });

const M3 = Type.String({ description: 'm³ with three decimals' });
export const Consumption = Type.Object({
  contract: Type.Object({ id: Type.Integer(), contractNumber: Str(), kind: Str(), tariffGroup: Str() }),
  from: Str(),
  to: Str(),
  months: Type.Array(
    Type.Object({ month: Str(), usedM3: M3, coveredDays: Type.Integer(), days: Type.Integer(), previousYearM3: Nullable(M3) }),
  ),
  totalM3: M3,
  coveredDays: Type.Integer(),
  days: Type.Integer(),
  dailyAverageM3: Nullable(M3),
  previousYear: Type.Object({ from: Str(), to: Str(), totalM3: M3, coveredDays: Type.Integer(), dailyAverageM3: Nullable(M3) }),
  cost: Type.Union([
    Type.Object({
      tariff: Str(),
      decisionNumber: Str(),
      group: Str(),
      vatPercent: Type.Integer(),
      lines: Type.Array(Type.Object({ item: Str(), quantityM3: M3, priceNetGrosze: Type.Integer(), netGrosze: Type.Integer() })),
      netGrosze: Type.Integer(),
      vatGrosze: Type.Integer(),
      grossGrosze: Type.Integer(),
    }),
    Type.Null(),
  ]),
});

export const QueueQuery = Type.Object(
  {
    source: Type.Optional(Type.Union(['remote', 'reader', 'customer', 'estimate', 'staff'].map((s) => Type.Literal(s)))),
    limit: Type.Optional(Type.String({ pattern: '^([1-9]|[1-9][0-9]|100)$' })),
    offset: Type.Optional(Type.String({ pattern: '^[0-9]{1,7}$' })),
  },
  { additionalProperties: false },
);

export const Queue = Type.Object({
  total: Type.Integer(),
  items: Type.Array(
    Type.Object({
      id: Type.Integer(),
      meterId: Type.Integer(),
      serialNumber: Str(),
      role: Str(),
      readAt: Str(),
      valueM3: M3,
      source: Str(),
      statusReason: Nullable(Str()),
      photoType: Nullable(Str()),
      previous: Type.Union([Type.Object({ valueM3: M3, readAt: Str() }), Type.Null()]),
      customer: Type.Union([Type.Object({ id: Type.Integer(), customerNumber: Str(), name: Str() }), Type.Null()]),
      address: Str(),
      openAlarms: Type.Array(Str()),
    }),
  ),
});

export const DecisionBody = Type.Object(
  {
    decision: Type.Union([Type.Literal('accept'), Type.Literal('reject'), Type.Literal('correct')]),
    reason: Type.String({ minLength: 1, maxLength: 500 }),
    valueM3: Type.Optional(Type.String({ maxLength: 20 })),
  },
  { additionalProperties: false },
);

export const DecisionResult = Type.Object({ id: Type.Integer(), status: Str(), newReadingId: Type.Union([Type.Integer(), Type.Null()]) });
