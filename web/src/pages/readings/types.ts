/** The answers of the readings routes (src/modules/readings/schema.ts). */
export interface PortalMeter {
  id: number;
  role: string;
  serialNumber: string;
  diameterMm: number | null;
  installedOn: string;
  removedOn: string | null;
  legalizationValidUntil: string | null;
  radio: boolean;
  inService: boolean;
  lastReading: { valueM3: string; readAt: string; source: string } | null;
  judgeBasis: { valueM3: string; at: number } | null;
  avgDailyM3: number | null;
  pendingReadings: number;
  openAlarms: string[];
}

export interface PortalContract {
  id: number;
  contractNumber: string;
  kind: string;
  status: string;
  validFrom: string;
  validTo: string | null;
  open: boolean;
  tariffGroup: string;
  servicePoint: { id: number; code: string; address: string };
  meters: PortalMeter[];
}

export interface PortalContracts {
  customers: { id: number; customerNumber: string; name: string; contracts: PortalContract[] }[];
}

export interface Consumption {
  contract: { id: number; contractNumber: string; kind: string; tariffGroup: string };
  from: string;
  to: string;
  months: { month: string; usedM3: string; coveredDays: number; days: number; previousYearM3: string | null }[];
  totalM3: string;
  coveredDays: number;
  days: number;
  dailyAverageM3: string | null;
  previousYear: { from: string; to: string; totalM3: string; coveredDays: number; dailyAverageM3: string | null };
  cost: {
    tariff: string;
    decisionNumber: string;
    group: string;
    vatPercent: number;
    lines: { item: string; quantityM3: string; priceNetGrosze: number; netGrosze: number }[];
    netGrosze: number;
    vatGrosze: number;
    grossGrosze: number;
  } | null;
}

export interface QueueItem {
  id: number;
  meterId: number;
  serialNumber: string;
  role: string;
  readAt: string;
  valueM3: string;
  source: string;
  statusReason: string | null;
  photoType: string | null;
  previous: { valueM3: string; readAt: string } | null;
  customer: { id: number; customerNumber: string; name: string } | null;
  address: string;
  openAlarms: string[];
}
