/**
 * What the billing-run pages share: the API's shapes, the Polish (or
 * English) label of a warning or hold code (the server's own text when a
 * code is new to this catalogue), a run's status and its selection in words.
 */
import type { TFunction } from 'i18next';

export type RunStatus = 'preview' | 'approved' | 'issuing' | 'issued';
export type Cycle = 'monthly' | 'bimonthly' | 'quarterly' | 'halfyearly';
export const CYCLES: Cycle[] = ['monthly', 'bimonthly', 'quarterly', 'halfyearly'];

export interface Selection {
  cycle?: Cycle;
  routeId?: number;
  locality?: string;
  customerId?: number;
}

export interface Run {
  id: number;
  periodFrom: string;
  periodTo: string;
  selection: Selection;
  status: RunStatus;
  issueDate: string | null;
  contracts: number;
  billed: number;
  held: number;
  issued: number;
  net: number;
  vat: number;
  gross: number;
  lastError: string | null;
  createdAt: string;
  approvedAt: string | null;
  issuedAt: string | null;
}

export interface CodeCount {
  code: string;
  count: number;
}

export interface RunDetail extends Run {
  heldByCode: CodeCount[];
  warningsByCode: CodeCount[];
}

export interface Texts {
  pl: string;
  en: string;
}

export interface RunLine {
  contractId: number;
  contractNumber: string;
  customerId: number;
  customerNumber: string;
  customerName: string;
  status: 'billable' | 'held' | 'issued';
  holdCode: string | null;
  holdReason: Texts | null;
  warnings: (Texts & { code: string; meter?: string })[];
  net: number;
  vat: number;
  gross: number;
  estimated: boolean;
  delivery: 'paper' | 'einvoice';
  invoiceNumber: string | null;
  invoiceId: number | null;
}

/** A code's label from runs.codes, else the server's text in the user's language, else the code. */
export function codeLabel(t: TFunction, code: string, server?: Texts, lang: 'pl' | 'en' = 'pl'): string {
  return t(`runs.codes.${code}`, { defaultValue: server?.[lang] ?? code });
}

/** The selection in words: "Wszystkie umowy", "Miejscowość: Pruszków", … */
export function selectionText(t: TFunction, s: Selection, customerNumber?: string): string {
  const parts: string[] = [];
  if (s.cycle) parts.push(t('runs.selection.cycle', { value: t(`runs.cycles.${s.cycle}`) }));
  if (s.routeId) parts.push(t('runs.selection.route', { value: s.routeId }));
  if (s.locality) parts.push(t('runs.selection.locality', { value: s.locality }));
  if (s.customerId) parts.push(t('runs.selection.customer', { value: customerNumber ?? s.customerId }));
  return parts.length ? parts.join('; ') : t('runs.selection.all');
}

/** "2026-09-01 … 2026-10-31" as the months it covers: "09.2026–10.2026", or one month. */
export function periodText(from: string, to: string): string {
  const m = (d: string) => `${d.slice(5, 7)}.${d.slice(0, 4)}`;
  return m(from) === m(to) ? m(from) : `${m(from)}–${m(to)}`;
}
