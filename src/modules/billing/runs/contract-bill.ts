/**
 * One contract of a run, pure: the engine's input from the loaded rows, the
 * engine's bill, and the invoice document it would make (without its number
 * and dates, which issuing fills in), or why the contract is held back.
 * Every reason to hold a contract back has a stable code.
 */
import { AppError } from '../../../lib/errors.ts';
import { formatDate } from '../../../lib/polish-format.ts';
import { deliveryChanges } from '../delivery.ts';
import { bill } from '../engine/bill.ts';
import { fromDay, toDay } from '../engine/calendar.ts';
import { parseScaled } from '../engine/decimal.ts';
import type { Bill, BillingInput, BillLine, Meter, Service, Tariff, Warning } from '../engine/types.ts';
import { checkInvoiceDocument, type Buyer, type InvoiceDocument, type InvoiceLine, type Seller, type VatRate } from '../invoice-document.ts';
import { computeTotals } from '../invoice-document.ts';
import type { ConsentRow, ContractRow, MeterRow, ReadingRow } from './load.ts';

/** Daily water use above which a bill is held for verification (litres per day): a household, anyone else. */
export const IMPLAUSIBLE_LITRES_PER_DAY = { household: 2_000, other: 50_000 } as const;

export interface RunWarning {
  code: string;
  pl: string;
  en: string;
  meter?: string;
}

export type ContractOutcome =
  | {
      status: 'billable';
      draft: InvoiceDocument;
      delivery: 'paper' | 'einvoice';
      warnings: RunWarning[];
      estimates: { meterId: number; day: string; litres: number }[];
    }
  | { status: 'held'; code: string; pl: string; en: string; warnings: RunWarning[]; totals?: { net: number; vat: number; gross: number } };

const ITEM_NAME = { water: 'Dostawa wody', sewage: 'Odprowadzanie ścieków' } as const;
const FEE_NAME = { paper: 'Opłata abonamentowa (faktura papierowa)', einvoice: 'Opłata abonamentowa (e-faktura)' } as const;

/** A placeholder the issue replaces: the draft is checked with it at preview time. */
export const DRAFT_NUMBER = 'FV/0000/01/000000';

function lineName(l: BillLine): string {
  const span = `${formatDate(fromDay(l.from))}–${formatDate(fromDay(l.to))}`;
  return `${l.item === 'fee' ? FEE_NAME[l.channel ?? 'paper'] : ITEM_NAME[l.item]} ${span}`;
}

function invoiceLine(l: BillLine): InvoiceLine {
  return {
    name: lineName(l),
    quantity: l.quantity,
    unit: l.unit,
    unitPrice: l.price,
    net: l.net,
    vatRate: l.vat as VatRate,
    ...(l.estimated ? { estimated: true } : {}),
  };
}

export function buyerOf(c: ContractRow): Buyer | null {
  if (!c.city.trim() || !c.postal_code.trim() || (!c.street.trim() && !c.building.trim())) return null;
  const place = c.street.trim() || c.city.trim();
  const line1 = `${place} ${c.building}`.trim() + (c.apartment ? ` m. ${c.apartment}` : '');
  const address = { line1, postalCode: c.postal_code, city: c.city };
  if (c.customer_kind === 'person') return { kind: 'household', name: c.name, address, customerNumber: c.customer_number };
  return { kind: c.customer_kind === 'housing_community' ? 'community' : 'business', nip: c.nip ?? '', name: c.name, address, customerNumber: c.customer_number };
}

export function servicesOf(c: ContractRow): Service[] {
  const s: Service[] = [];
  if (c.kind !== 'sewage') s.push('water');
  if (c.kind !== 'water' && c.sewage_mode !== 'none') s.push('sewage');
  return s;
}

/** The engine's input for one contract over its part of the period. */
export function engineInput(
  c: ContractRow,
  period: { from: string; to: string },
  meters: MeterRow[],
  readings: Map<number, ReadingRow[]>,
  consents: ConsentRow[],
  tariffs: Tariff[],
): BillingInput {
  const from = c.valid_from > period.from ? c.valid_from : period.from;
  const to = c.valid_to !== null && c.valid_to < period.to ? c.valid_to : period.to;
  const engineMeters: Meter[] = meters
    .filter((m) => m.role !== 'sewage' || c.sewage_mode === 'sewage_meter')
    .map((m) => ({
      serial: m.serial_number,
      role: m.role,
      readings: (readings.get(m.id) ?? []).map((r) => ({ day: toDay(r.day), value: parseScaled(r.value, 3) ?? 0, source: r.source, held: r.held })),
    }))
    .filter((m) => m.readings.length > 0);
  const delivery = deliveryChanges(
    consents.map((k) => ({ effectiveFrom: k.effective_from, withdrawnEffectiveFrom: k.withdrawn_effective_from })),
  ).map((d) => ({ from: toDay(d.from), channel: d.channel }));
  // Consecutive changes to the same channel say nothing new; the engine wants one per day at most.
  const changes = delivery.filter((d, i) => i === 0 || d.from !== delivery[i - 1].from);
  return { period: { from: toDay(from), to: toDay(to) }, services: servicesOf(c), delivery: changes, tariffs, meters: engineMeters };
}

const asRunWarning = (w: Warning): RunWarning => ({ code: w.code, pl: w.pl, en: w.en, ...(w.meter ? { meter: w.meter } : {}) });

/** Bills one contract and makes its draft invoice, or says why it is held back. */
export function billContract(
  c: ContractRow,
  period: { from: string; to: string },
  seller: Seller,
  meters: MeterRow[],
  readings: Map<number, ReadingRow[]>,
  consents: ConsentRow[],
  tariffs: Tariff[],
): ContractOutcome {
  if (c.billed_to !== null) {
    return {
      status: 'held',
      code: 'contract.already_billed',
      pl: `Umowa ${c.contract_number} ma już fakturę za okres do ${formatDate(c.billed_to)} nakładający się na ten okres.`,
      en: `Contract ${c.contract_number} already has an invoice for a period up to ${c.billed_to} overlapping this one.`,
      warnings: [],
    };
  }
  const buyer = buyerOf(c);
  if (!buyer) {
    return { status: 'held', code: 'customer.no_address', pl: `Odbiorca ${c.customer_number} nie ma pełnego adresu.`, en: `Customer ${c.customer_number} has no complete address.`, warnings: [] };
  }
  if (tariffs.length === 0) {
    return { status: 'held', code: 'tariff.missing', pl: `Brak taryfy dla grupy ${c.tariff_group_code}.`, en: `No tariff for group ${c.tariff_group_code}.`, warnings: [] };
  }
  const input = engineInput(c, period, meters, readings, consents, tariffs);
  let b: Bill;
  try {
    b = bill(input);
  } catch (e) {
    if (e instanceof AppError) return { status: 'held', code: e.code, pl: e.messages.pl, en: e.messages.en, warnings: [] };
    throw e;
  }
  const warnings = b.warnings.map(asRunWarning);
  const totals = { net: b.net, vat: b.vat, gross: b.gross };
  const blocking = b.warnings.find((w) => w.blocking);
  if (blocking) return { status: 'held', code: blocking.code, pl: blocking.pl, en: blocking.en, warnings, totals };

  const days = input.period.to - input.period.from + 1;
  const water = b.basis.filter((m) => m.role === 'main' && m.estimate === null).reduce((s, m) => s + m.consumption, 0);
  const limit = buyer.kind === 'household' ? IMPLAUSIBLE_LITRES_PER_DAY.household : IMPLAUSIBLE_LITRES_PER_DAY.other;
  if (water > limit * days) {
    return {
      status: 'held',
      code: 'consumption.implausible',
      pl: `Zużycie ${(water / 1000).toFixed(3).replace('.', ',')} m³ w ${days} dni jest nieprawdopodobnie wysokie; do weryfikacji.`,
      en: `Consumption of ${(water / 1000).toFixed(3)} m³ in ${days} days is implausibly high; to be verified.`,
      warnings,
      totals,
    };
  }
  if (b.lines.length === 0) return { status: 'held', code: 'invoice.no_lines', pl: 'Rozliczenie nie ma żadnej pozycji.', en: 'The bill has no lines.', warnings, totals };

  const lines = b.lines.map(invoiceLine);
  const periodFrom = fromDay(input.period.from);
  const periodTo = fromDay(input.period.to);
  const draft: InvoiceDocument = {
    kind: 'invoice',
    number: DRAFT_NUMBER,
    issueDate: periodTo,
    createdAt: `${periodTo}T00:00:00Z`,
    seller,
    buyer,
    period: { from: periodFrom, to: periodTo },
    paymentAccount: c.payment_account ?? '',
    readings: b.basis
      .filter((m) => m.opening !== null && m.closing !== null)
      .map((m) => ({
        meterSerial: m.serial,
        opening: { date: fromDay(m.opening!.day), value: m.opening!.value, source: m.opening!.source },
        closing: { date: fromDay(m.closing!.day), value: m.closing!.value, source: m.closing!.source },
      })),
    lines,
    totals: computeTotals(lines),
    dueDate: periodTo,
    estimated: b.estimated,
  };
  try {
    checkInvoiceDocument(draft);
  } catch (e) {
    if (e instanceof AppError) return { status: 'held', code: e.code, pl: e.messages.pl, en: e.messages.en, warnings, totals };
    throw e;
  }
  const bySerial = new Map(meters.map((m) => [m.serial_number, m.id]));
  const estimates = b.basis
    .filter((m) => m.estimate !== null && m.closing !== null)
    .map((m) => ({ meterId: bySerial.get(m.serial)!, day: fromDay(m.closing!.day), litres: m.closing!.value }));
  const lastDelivery = input.delivery.filter((d) => d.from <= input.period.to).at(-1)?.channel ?? 'paper';
  return { status: 'billable', draft, delivery: lastDelivery, warnings, estimates };
}
