/** Shapes of the reading-route and remote-reading API answers that these pages read (see /api/docs). */

export interface Counts {
  total: number;
  read: number;
  missing: number;
  alarm: number;
}

export interface Assignment {
  id: number;
  readerId: number;
  readerName: string;
  periodFrom: string;
  periodTo: string;
}

export interface LastReading {
  id: number;
  valueM3: string;
  readAt: string;
  source: string;
  status: string;
  /** A meter reader attached a photo of the register. */
  photo: boolean;
}

export interface StopMeter {
  id: number;
  serialNumber: string;
  radio: boolean;
  radioId: string | null;
  lastReading: LastReading | null;
  read: boolean;
  heard: boolean;
  alarm: boolean;
}

export interface Stop {
  position: number;
  servicePointId: number;
  code: string;
  street: string;
  building: string;
  apartment: string | null;
  postalCode: string;
  locality: string;
  meters: StopMeter[];
  status: 'read' | 'missing';
  alarm: boolean;
}

export interface RouteSummary {
  id: number;
  name: string;
  stopCount: number;
  createdAt: string;
  currentAssignment: Assignment | null;
  progress: Counts | null;
}

export interface RouteDetail {
  id: number;
  name: string;
  createdAt: string;
  assignments: Assignment[];
  period: { from: string; to: string };
  progress: Counts;
  stops: Stop[];
}

export interface PreviewStop {
  position: number;
  servicePointId: number;
  code: string;
  street: string;
  building: string;
  apartment: string | null;
  locality: string;
  meters: { id: number; serialNumber: string; radio: boolean }[];
}

export interface Localities {
  localities: { locality: string; streets: { street: string; servicePoints: number; radioMeters: number }[] }[];
}

export interface ReaderRouteSummary {
  id: number;
  name: string;
  assignmentId: number;
  periodFrom: string;
  periodTo: string;
  progress: Counts;
}

export interface ReaderRoute extends ReaderRouteSummary {
  stops: Stop[];
}

export interface SubmitResult {
  results: { clientId: string; readingId: number; status: string; reason: string | null; duplicate: boolean }[];
}

export interface UploadResult {
  uploadId: number;
  lines: number;
  telegrams: number;
  readings: number;
  pending: number;
  duplicates: number;
  quarantined: number;
  byReason: Record<string, number>;
  badLines: number;
  badLineSamples: { line: number; reason: string }[];
  durationMs: number;
}

export interface UploadItem {
  id: number;
  fileName: string;
  sourceName: string;
  createdAt: string;
  lines: number;
  telegrams: number;
  readings: number;
  duplicates: number;
  quarantined: number;
  badLines: number;
  durationMs: number | null;
}

export interface QuarantineItem {
  id: number;
  receivedAt: string;
  source: string;
  sourceDetail: string | null;
  reason: string;
  message: string;
  manufacturer: string | null;
  radioId: string | null;
  hex: string;
}

export interface Gateway {
  id: number;
  name: string;
  createdAt: string;
  lastSeenAt: string | null;
  active: boolean;
}

export interface Task {
  id: number;
  kind: string;
  title: string;
  meterId: number | null;
  customerId: number | null;
  openedAt: string;
  closedAt: string | null;
  status: string;
}

export const address = (s: Pick<Stop, 'street' | 'building' | 'apartment'>) => `${s.street} ${s.building}${s.apartment ? `/${s.apartment}` : ''}`;
