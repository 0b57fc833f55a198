/**
 * Money in integer grosze, for the engine and the invoice document alike
 * (invoice-document.ts uses these, so a bill and the invoice made from it
 * cannot round differently). A line's net is quantity × net unit price,
 * rounded half up to the grosz; VAT is computed per rate on the invoice's
 * net sum for that rate (not per line), rounded half up; gross = net + VAT.
 */
import { roundDiv } from './decimal.ts';

/** a × b / d rounded half up (away from zero for negatives), exact in BigInt; refuses amounts no utility bills. */
export const mulDivHalfUp = (a: number, b: number, d: number) => roundDiv(BigInt(a) * BigInt(b), d);

/** Net of a line: quantity in thousandths (litres, thousandths of a month) × price in grosze. */
export const lineNet = (quantity: number, price: number) => mulDivHalfUp(quantity, price, 1000);

/** VAT at `rate` percent on a net sum. */
export const vatOn = (net: number, rate: number) => mulDivHalfUp(net, rate, 100);

export interface RateTotal {
  rate: number;
  net: number;
  vat: number;
}

export function vatTotals(lines: { net: number; vat: number }[]): RateTotal[] {
  const byRate = new Map<number, number>();
  for (const l of lines) byRate.set(l.vat, (byRate.get(l.vat) ?? 0) + l.net);
  return [...byRate.entries()].sort((a, b) => a[0] - b[0]).map(([rate, net]) => ({ rate, net, vat: vatOn(net, rate) }));
}
