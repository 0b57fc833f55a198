/**
 * What a correction needs from the engine: the invoice as issued (before),
 * the bill recomputed from the corrected input (after, from the same bill()),
 * and the difference of the totals per VAT rate and overall, in grosze.
 */
import type { Bill } from './types.ts';

export interface BillDifference {
  rates: { rate: number; net: number; vat: number }[];
  net: number;
  vat: number;
  gross: number;
}

export function billDifference(before: Pick<Bill, 'rates'>, after: Pick<Bill, 'rates'>): BillDifference {
  const rates = [...new Set([...before.rates, ...after.rates].map((r) => r.rate))].sort((a, b) => a - b).map((rate) => {
    const b = before.rates.find((r) => r.rate === rate) ?? { net: 0, vat: 0 };
    const a = after.rates.find((r) => r.rate === rate) ?? { net: 0, vat: 0 };
    return { rate, net: a.net - b.net, vat: a.vat - b.vat };
  });
  const net = rates.reduce((s, r) => s + r.net, 0);
  const vat = rates.reduce((s, r) => s + r.vat, 0);
  return { rates, net, vat, gross: net + vat };
}
