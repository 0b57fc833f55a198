/**
 * Money in integer grosze. A line's net is quantity × net unit price,
 * rounded half up to the grosz; VAT is computed per rate on the invoice's
 * net sum for that rate (not per line), rounded half up; gross = net + VAT.
 */
import { roundDiv } from './decimal.ts';

/** Net of a line: quantity in thousandths (litres, thousandths of a month) × price in grosze. */
export const lineNet = (quantity: number, price: number) => roundDiv(BigInt(quantity) * BigInt(price), 1000);

export interface RateTotal {
  rate: number;
  net: number;
  vat: number;
}

export function vatTotals(lines: { net: number; vat: number }[]): RateTotal[] {
  const byRate = new Map<number, number>();
  for (const l of lines) byRate.set(l.vat, (byRate.get(l.vat) ?? 0) + l.net);
  return [...byRate.entries()].sort((a, b) => a[0] - b[0]).map(([rate, net]) => ({ rate, net, vat: roundDiv(BigInt(net) * BigInt(rate), 100) }));
}
