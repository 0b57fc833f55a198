/**
 * Shapes of the API's answers as the contract between the helpers defines
 * them (docs: /api/docs). Only what the web app reads is typed here.
 */

export type StaffRole = 'admin' | 'customer_service' | 'billing' | 'meter_reader' | 'auditor';

export interface SessionUser {
  id: number;
  kind: 'customer' | 'staff';
  email: string;
  name: string;
  roles: StaffRole[];
  customerIds: number[];
  mustChangePassword: boolean;
  totpEnabled: boolean;
  mfaPending: boolean;
  /** A portal user who must accept a new version of the portal terms first. */
  termsToAccept?: boolean;
}

export type LoginNext = 'done' | 'totp' | 'change_password';

export interface LoginResult {
  user: SessionUser;
  next: LoginNext;
}

export interface Utility {
  slug: string;
  name: string;
  shortName: string;
  street: string;
  postalCode: string;
  city: string;
  nip: string | null;
  regon: string | null;
  phone: string;
  email: string;
  website: string;
  primaryColor: string;
  accentColor: string;
  logoSvg: string | null;
}

export interface Terms {
  id: number;
  kind: string;
  version: string;
  title: string;
  body: string;
}

export interface LastReading {
  valueM3: string;
  readAt: string;
  source: string;
}

export interface Meter {
  id: number;
  role: string;
  serialNumber: string;
  diameterMm: number | null;
  installedOn: string;
  legalizationValidUntil: string | null;
  radio: boolean;
  lastReading: LastReading | null;
}

export interface Contract {
  id: number;
  contractNumber: string;
  kind: string;
  status: string;
  validFrom: string;
  servicePoint: { id: number; code: string; address: string };
  meters: Meter[];
}

export interface CustomerOverview {
  id: number;
  customerNumber: string;
  name: string;
  kind: string;
  address: string;
  invoiceDelivery: string;
  contracts: Contract[];
}

export interface PortalOverview {
  customers: CustomerOverview[];
}

export interface StaffCustomer extends CustomerOverview {
  email: string | null;
  phone: string | null;
  nip: string | null;
}

export interface StaffOverview {
  customers: number;
  contracts: number;
  meters: number;
  radioMeters: number;
  legalizationDueIn90Days: number;
  openCases: number;
  readingsLast30Days: number;
  /** What waits for the back office. */
  todo: {
    billingRunsOpen: number;
    readingsHeld: number;
    changeRequestsPending: number;
    paymentsUnmatched: number;
    ksefRejected: number;
    jobsFailed: number;
  };
}

export interface CustomerListItem {
  id: number;
  customerNumber: string;
  name: string;
  kind: string;
  address: string;
  email: string | null;
}

export interface Page<T> {
  items: T[];
  total: number;
}

export interface Reading {
  id: number;
  meterId: number;
  serialNumber: string;
  readAt: string;
  valueM3: string;
  source: string;
  status: string;
  /** Why it is held, or the reason of the staff's decision (null for internal notes). */
  statusReason?: string | null;
  verifiedAt?: string | null;
}

export interface StaffUser {
  id: number;
  email: string;
  name: string;
  roles: StaffRole[];
  totpEnabled?: boolean;
  mustChangePassword?: boolean;
  lockedUntil?: string | null;
  lastLoginAt?: string | null;
}
