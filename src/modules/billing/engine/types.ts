/**
 * The engine's data, checked and in integers: dates as day numbers, volumes
 * in litres (thousandths of m³), money in grosze. The JSON shape of the
 * `wodnik billing simulate` document is read into these by input.ts and
 * written back by output.ts.
 */
import type { Day } from './calendar.ts';

export type Service = 'water' | 'sewage';
export type DeliveryChannel = 'paper' | 'einvoice';
export type MeterRole = 'main' | 'garden' | 'sewage';
/** DOMAIN.md's reading sources; only `estimated` differs for the engine (it is not an actual reading). */
export type ReadingSource = 'actual' | 'estimated' | 'remote' | 'reader' | 'customer';

export interface Reading {
  day: Day;
  /** Register value in litres. */
  value: number;
  source: ReadingSource;
  /** Held for verification (e.g. lower than the previous one): never used. */
  held: boolean;
}

export interface Meter {
  serial: string;
  role: MeterRole;
  readings: Reading[];
}

export interface Tariff {
  from: Day;
  /** Inclusive; null = open-ended. */
  to: Day | null;
  /** Net prices in grosze (per m³, per month); null where the tariff does not state one. */
  water: number | null;
  sewage: number | null;
  feePaper: number | null;
  feeEinvoice: number | null;
  /** VAT rate in percent. */
  vat: number;
}

export interface DeliveryChange {
  from: Day;
  channel: DeliveryChannel;
}

export interface BillingInput {
  period: { from: Day; to: Day };
  services: Service[];
  /** Channel changes in date order; days before the first one are paper (no e-invoice consent). */
  delivery: DeliveryChange[];
  /** Sorted by `from`, not overlapping. */
  tariffs: Tariff[];
  meters: Meter[];
}

export type LineItem = 'water' | 'sewage' | 'fee';

export interface BillLine {
  item: LineItem;
  from: Day;
  to: Day;
  /** Thousandths: litres for water and sewage, thousandths of a month for the fee. */
  quantity: number;
  unit: 'm3' | 'month';
  /** Net unit price in grosze. */
  price: number;
  /** Net value in grosze. */
  net: number;
  vat: number;
  estimated: boolean;
  channel?: DeliveryChannel;
}

export type EstimateMethod = 'six_months' | 'year_before' | 'year_average' | 'none';

/** How one meter's consumption was found: the invoice's reading basis. */
export interface MeterBasis {
  serial: string;
  role: MeterRole;
  opening: { day: Day; value: number; source: ReadingSource } | null;
  closing: { day: Day; value: number; source: ReadingSource } | null;
  /** Litres, closing − opening. */
  consumption: number;
  estimate: EstimateMethod | null;
}

export interface Warning {
  code: string;
  /** A run holds the contract back on a blocking warning; the others are shown. */
  blocking: boolean;
  pl: string;
  en: string;
  meter?: string;
  from?: Day;
  to?: Day;
}

export interface Bill {
  lines: BillLine[];
  /** Grosze. */
  net: number;
  vat: number;
  gross: number;
  /** Per VAT rate: the net sum and the VAT on it, in grosze. */
  rates: { rate: number; net: number; vat: number }[];
  estimated: boolean;
  basis: MeterBasis[];
  warnings: Warning[];
}
