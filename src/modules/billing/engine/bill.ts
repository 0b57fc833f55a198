/**
 * The billing engine: one contract's input in, one bill out, no database,
 * no clock. Billing runs, the preview, the CLI and corrections all call
 * this; a correction computes "what the invoice should have been" by calling
 * it again with the corrected input and comparing (see difference.ts).
 */
import { fromDay } from './calendar.ts';
import { meterConsumption } from './consumption.ts';
import { BillingInputError } from './errors.ts';
import { channelRuns, feeMonths } from './fee.ts';
import { lineNet, vatTotals } from './money.ts';
import { sewageQuantity } from './sewage.ts';
import { splitByDays, tariffParts, type Part } from './split.ts';
import type { Bill, BillingInput, BillLine, MeterBasis, Tariff, Warning } from './types.ts';
import { warn } from './warnings.ts';

function price(tariff: Tariff, key: 'water' | 'sewage' | 'feePaper' | 'feeEinvoice', part: Part): number {
  const p = tariff[key];
  if (p === null) {
    throw new BillingInputError(
      'billing.price_missing',
      `tariffs[from=${fromDay(tariff.from)}].${key}`,
      'taryfa obowiązująca w okresie nie podaje tej ceny',
      `the tariff in force from ${fromDay(part.from)} to ${fromDay(part.to)} has no such price`,
    );
  }
  return p;
}

/** One line per tariff part for a metered quantity; days without a tariff take their share but are not billed. */
function quantityLines(item: 'water' | 'sewage', quantity: number, estimated: boolean, parts: Part[]): BillLine[] {
  const shares = splitByDays(quantity, parts);
  return parts.flatMap((part, i) => {
    if (!part.tariff) return [];
    const unitPrice = price(part.tariff, item, part);
    return [{ item, from: part.from, to: part.to, quantity: shares[i], unit: 'm3' as const, price: unitPrice, net: lineNet(shares[i], unitPrice), vat: part.tariff.vat, estimated }];
  });
}

function feeLines(input: BillingInput, parts: Part[]): BillLine[] {
  return parts.flatMap((part) => {
    const tariff = part.tariff;
    if (!tariff) return [];
    return channelRuns(input.delivery, part.from, part.to).map((run) => {
      const quantity = feeMonths(run.from, run.to);
      const unitPrice = price(tariff, run.channel === 'paper' ? 'feePaper' : 'feeEinvoice', part);
      return { item: 'fee' as const, from: run.from, to: run.to, quantity, unit: 'month' as const, price: unitPrice, net: lineNet(quantity, unitPrice), vat: tariff.vat, estimated: false, channel: run.channel };
    });
  });
}

export function bill(input: BillingInput): Bill {
  const warnings: Warning[] = [];
  const basis: MeterBasis[] = [];
  for (const meter of input.meters) {
    const result = meterConsumption(meter, input.meters, input.period);
    if (!result) continue;
    basis.push(result.basis);
    warnings.push(...result.warnings);
  }
  const mains = basis.filter((b) => b.role === 'main');
  const water = mains.reduce((s, b) => s + b.consumption, 0);
  const waterEstimated = mains.some((b) => b.estimate !== null);
  const sewage = sewageQuantity(water, waterEstimated, basis);
  const bills = (s: 'water' | 'sewage') => input.services.includes(s);
  if (mains.length === 0 && (bills('water') || (bills('sewage') && !basis.some((b) => b.role === 'sewage')))) warnings.push(warn.noMainMeter());

  const parts = tariffParts(input.tariffs, input.period);
  for (const p of parts) if (!p.tariff) warnings.push(warn.tariffMissing(p.from, p.to));

  const lines: BillLine[] = [];
  if (bills('water')) {
    lines.push(...quantityLines('water', water, waterEstimated, parts));
    if (water < 0) warnings.push(warn.negativeConsumption('water'));
  }
  if (bills('sewage')) {
    lines.push(...quantityLines('sewage', sewage.quantity, sewage.estimated, parts));
    warnings.push(...sewage.warnings);
    if (sewage.quantity < 0) warnings.push(warn.negativeConsumption('sewage'));
  }
  // The fee is charged whatever the services and whatever the consumption.
  lines.push(...feeLines(input, parts));

  const rates = vatTotals(lines);
  const net = rates.reduce((s, r) => s + r.net, 0);
  const vat = rates.reduce((s, r) => s + r.vat, 0);
  if (net + vat < 0) warnings.push(warn.negativeTotal());
  return { lines, net, vat, gross: net + vat, rates, estimated: lines.some((l) => l.estimated), basis, warnings };
}
