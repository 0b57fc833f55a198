/**
 * One meter's consumption over the period. The opening reading is the
 * latest dated on or before the period's start; the closing one the latest
 * actual reading on or before its end. A meter exchanged inside the period
 * is two meters here: the old one's readings stop inside it (its last is its
 * final reading), the new one's start inside it (its first is its initial
 * reading), and each counts closing − opening, so their sum is the issue's
 * "old final − opening + new closing − initial".
 *
 * An estimated reading is never a closing reading, but is an opening one:
 * the next actual reading then settles the earlier estimate by itself
 * (closing − estimated opening, negative when the estimate was too high).
 */
import { estimateConsumption } from './estimate.ts';
import type { Meter, MeterBasis, Reading, Warning } from './types.ts';
import { warn } from './warnings.ts';

const usable = (m: Meter) => m.readings.filter((r) => !r.held).sort((a, b) => a.day - b.day);

/**
 * A meter replaced before or at the period's start by another of the same
 * role installed by the period's end (on or after this one's last reading):
 * it was not in use in the period, so it needs no estimate.
 */
function isRetired(meter: Meter, all: Meter[], period: { from: number; to: number }): boolean {
  const own = usable(meter);
  const last = own[own.length - 1].day;
  if (last > period.from) return false;
  return all.some((o) => {
    const first = o !== meter && o.role === meter.role ? usable(o)[0] : undefined;
    return first !== undefined && first.day >= last && first.day <= period.to;
  });
}

export interface MeterResult {
  basis: MeterBasis;
  warnings: Warning[];
}

/** null when the meter was not in use in the period (installed after it, removed before it, or no readings). */
export function meterConsumption(meter: Meter, all: Meter[], period: { from: number; to: number }): MeterResult | null {
  const readings = usable(meter);
  const warnings: Warning[] = [];
  const opening = readings.filter((r) => r.day <= period.from).at(-1);
  const inside = readings.filter((r) => r.day > period.from && r.day <= period.to && r.source !== 'estimated');
  for (const r of meter.readings) {
    if (r.held && r.day > (opening?.day ?? -Infinity) && r.day <= period.to) warnings.push(warn.readingHeld(meter.serial, r.day));
  }
  const basis = (o: Reading, c: Reading | null, consumption: number, estimate: MeterBasis['estimate']): MeterBasis => ({
    serial: meter.serial,
    role: meter.role,
    opening: { day: o.day, value: o.value, source: o.source },
    closing: c && { day: c.day, value: c.value, source: c.source },
    consumption,
    estimate,
  });

  if (inside.length > 0) {
    // Installed inside the period when there is no opening reading: its first reading is its initial one.
    const chain = opening ? [opening, ...inside] : inside;
    for (let i = 1; i < chain.length; i++) {
      // Lower than an actual reading is suspicious; lower than an estimate is that estimate being settled.
      if (chain[i].value < chain[i - 1].value && chain[i - 1].source !== 'estimated') warnings.push(warn.readingLower(meter.serial, chain[i].day));
    }
    const first = chain[0];
    const closing = chain[chain.length - 1];
    return { basis: basis(first, closing, closing.value - first.value, null), warnings };
  }
  if (!opening || isRetired(meter, all, period)) return null;

  const actual = readings.filter((r) => r.source !== 'estimated');
  const estimate = estimateConsumption(actual, opening.day, period);
  warnings.push(warn.estimated(meter.serial, estimate.method));
  const closing: Reading = { day: period.to, value: opening.value + estimate.quantity, source: 'estimated', held: false };
  return { basis: basis(opening, closing, estimate.quantity, estimate.method), warnings };
}
