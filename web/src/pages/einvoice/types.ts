/** What the e-invoice and invoice routes answer (src/modules/einvoice/schema.ts). Money in grosze, quantities in thousandths. */
export interface Consent {
  id: number;
  source: 'portal' | 'paper_form' | 'migrated';
  grantedAt: string;
  effectiveFrom: string;
  byEmail: boolean;
  email: string | null;
  termsVersion: string | null;
  acceptedAt: string | null;
  acceptedFromIp: string | null;
  withdrawnAt: string | null;
  withdrawnEffectiveFrom: string | null;
  hasForm: boolean;
}

export interface Saving {
  contractNumber: string;
  tariffGroupCode: string;
  tariffName: string;
  billingCycle: string;
  vatRate: number;
  feePaperNet: number;
  feeEinvoiceNet: number;
  feePaperGross: number;
  feeEinvoiceGross: number;
  savingNetPerMonth: number;
  savingGrossPerMonth: number;
  savingGrossPerYear: number;
}

export interface EinvoiceStatus {
  customerId: number;
  delivery: 'paper' | 'einvoice';
  consent: Consent | null;
  lastWithdrawn: Consent | null;
  wouldTakeEffect: string;
  wouldEnd: string;
  terms: { id: number; version: string; title: string; body: string } | null;
  savings: Saving[];
}

export interface StaffEinvoiceStatus {
  status: EinvoiceStatus;
  history: Consent[];
}

export type InvoiceStatus = 'paid' | 'partly_paid' | 'unpaid' | 'overdue' | 'credit';

export interface Invoice {
  id: number;
  customerId: number;
  customerNumber: string;
  customerName: string;
  number: string;
  kind: 'invoice' | 'correction';
  correctsNumber: string | null;
  correctionReason: string | null;
  issueDate: string;
  periodFrom: string | null;
  periodTo: string | null;
  dueDate: string;
  net: number;
  vat: number;
  gross: number;
  paid: number;
  status: InvoiceStatus;
  estimated: boolean;
  delivery: string;
  ksefNumber: string | null;
  hasXml: boolean;
  hasPdf: boolean;
  correctedBy: string[];
  contractNumber: string | null;
  /** The contract's point of supply. */
  place: string | null;
}

export interface InvoiceList {
  items: Invoice[];
  total: number;
}

export interface Line {
  name: string;
  quantity: number;
  unit: 'm3' | 'month' | 'pcs';
  unitPrice: number;
  net: number;
  vatRate: number;
  estimated?: boolean;
}
export interface Totals {
  byRate: { vatRate: number; net: number; vat: number }[];
  net: number;
  vat: number;
  gross: number;
}
export interface Basis {
  meterSerial: string;
  opening: { date: string; value: number; source: string };
  closing: { date: string; value: number; source: string };
}

export interface StaffInvoice {
  id: number;
  kind: 'invoice' | 'correction';
  number: string;
  ksefNumber: string | null;
  customerId: number;
  customerName: string;
  customerNumber: string;
  document: {
    period: { from: string; to: string };
    issueDate: string;
    /** A correction's reason, lines after correction and difference. */
    reason?: string;
    after?: { lines: Line[]; totals: Totals };
    difference?: Totals;
    corrected?: { number: string };
  } | null;
  current: { lines: Line[]; totals: Totals; readings: Basis[] } | null;
  corrections: { id: number; number: string; issueDate: string; gross: number }[];
}
