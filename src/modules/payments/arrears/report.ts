/**
 * The staff arrears report: per customer, what is open on the report day in
 * ageing buckets, how much of it is overdue, the oldest due date and the late
 * interest accrued on the open invoices so far (the rate by the customer's
 * kind: businesses and public bodies the commercial-transactions rate, others
 * the civil-code one). Exportable as CSV in Polish spreadsheet settings.
 */
import { csvTable } from '../../../lib/csv.ts';
import type { Tx } from '../../../db/tenant.ts';
import { formatScaled } from '../../billing/engine/decimal.ts';
import { ageing, DEFAULT_BUCKETS, daysPastDue } from './ageing.ts';
import { type Debt, loadDebts } from './debts.ts';
import { InterestError, lateInterest } from './interest.ts';
import { type InterestKind, type RatePeriod } from './rates.ts';
import { loadRates } from './rates-repo.ts';

export interface ArrearsRow {
  customerId: number;
  customerNumber: string;
  name: string;
  kind: string;
  interestKind: InterestKind;
  invoices: number;
  open: number;
  overdue: number;
  buckets: Record<string, number>;
  oldestDueDate: string;
  maxDaysOverdue: number;
  interest: number;
}

/** Businesses and public bodies owe the commercial-transactions rate; people and housing communities the civil-code one. */
export const interestKindOf = (customerKind: string): InterestKind => (customerKind === 'business' || customerKind === 'public_body' ? 'commercial' : 'consumer');

/** The interest accrued on one debt; 0 for a debt older than the rate table (the table starts in 2016). */
function interestOrZero(d: Debt, asOf: string, rates: RatePeriod[]): number {
  try {
    return lateInterest({ amount: d.gross, dueDate: d.dueDate, payments: d.payments, until: asOf, rates }).total;
  } catch (e) {
    if (e instanceof InterestError) return 0;
    throw e;
  }
}

export async function arrearsReport(tx: Tx, utilityId: number, asOf: string, opts: { minDaysOverdue?: number } = {}): Promise<ArrearsRow[]> {
  const debts = await loadDebts(tx, utilityId, asOf);
  const byCustomer = new Map<number, typeof debts>();
  for (const d of debts) byCustomer.set(d.customerId, [...(byCustomer.get(d.customerId) ?? []), d]);
  if (byCustomer.size === 0) return [];
  const customers = await tx
    .selectFrom('customers')
    .select(['id', 'customer_number', 'name', 'kind'])
    .where('utility_id', '=', utilityId)
    .where('id', 'in', [...byCustomer.keys()])
    .execute();
  const rates: Record<InterestKind, RatePeriod[]> = { consumer: await loadRates(tx, utilityId, 'consumer'), commercial: await loadRates(tx, utilityId, 'commercial') };
  const min = opts.minDaysOverdue ?? 1;
  const rows: ArrearsRow[] = [];
  for (const c of customers) {
    const items = byCustomer.get(Number(c.id))!;
    const maxDays = Math.max(...items.map((d) => daysPastDue(d.dueDate, asOf)));
    if (maxDays < min) continue;
    const kind = interestKindOf(c.kind);
    const a = ageing(items.map((d) => ({ dueDate: d.dueDate, open: d.open })), asOf);
    const interest = items.reduce((s, d) => s + interestOrZero(d, asOf, rates[kind]), 0);
    rows.push({
      customerId: Number(c.id),
      customerNumber: c.customer_number,
      name: c.name,
      kind: c.kind,
      interestKind: kind,
      invoices: items.length,
      open: a.total,
      overdue: a.overdue,
      buckets: a.buckets,
      oldestDueDate: items.map((d) => d.dueDate).sort()[0],
      maxDaysOverdue: maxDays,
      interest,
    });
  }
  return rows.sort((x, y) => y.overdue - x.overdue || x.customerNumber.localeCompare(y.customerNumber));
}

const BUCKET_TITLES: Record<string, string> = {
  current: 'Nieprzeterminowane',
  d1_30: '1–30 dni',
  d31_60: '31–60 dni',
  d61_90: '61–90 dni',
  d91_180: '91–180 dni',
  d181_365: '181–365 dni',
  over365: 'Ponad 365 dni',
};

const zl = (grosze: number) => formatScaled(grosze, 2).replace('.', ',');

/** The report as CSV for a spreadsheet in Polish settings: ';' between fields, decimal commas, UTF-8 with BOM, CRLF. */
export function arrearsCsv(rows: ArrearsRow[], asOf: string): string {
  const head = ['Numer klienta', 'Nazwa', 'Rodzaj', 'Faktury', 'Otwarte [zł]', 'Przeterminowane [zł]', ...DEFAULT_BUCKETS.map((b) => `${BUCKET_TITLES[b.key]} [zł]`), 'Najstarszy termin', 'Dni po terminie', `Odsetki do ${asOf} [zł]`];
  const lines = rows.map((r) => [r.customerNumber, r.name, r.kind, r.invoices, zl(r.open), zl(r.overdue), ...DEFAULT_BUCKETS.map((b) => zl(r.buckets[b.key])), r.oldestDueDate, r.maxDaysOverdue, zl(r.interest)]);
  const sum = (f: (r: ArrearsRow) => number) => zl(rows.reduce((s, r) => s + f(r), 0));
  const total = ['Razem', '', '', rows.reduce((s, r) => s + r.invoices, 0), sum((r) => r.open), sum((r) => r.overdue), ...DEFAULT_BUCKETS.map((b) => sum((r) => r.buckets[b.key])), '', '', sum((r) => r.interest)];
  return csvTable([head, ...lines, total]);
}

