/**
 * Exact decimals as integers: money in grosze (scale 2), volumes in litres
 * (thousandths of m³, scale 3), month fractions in thousandths. No floating
 * point touches an amount: a decimal string is read digit by digit, and every
 * division rounds half up (away from zero) in BigInt, so products of large
 * volumes and prices cannot lose a digit.
 */

import { BillingInputError } from './errors.ts';

/** Largest result of a rounding: sums of a few thousand of them stay below 2^53. */
const MAX_AMOUNT = 2 ** 40;

/** `"135.5"` at scale 3 → 135500; null when the text is not a plain non-negative decimal with at most `scale` places. */
export function parseScaled(text: string, scale: number): number | null {
  const m = /^(\d{1,12})(?:\.(\d+))?$/.exec(text);
  if (!m) return null;
  const frac = m[2] ?? '';
  if (frac.length > scale) return null;
  return Number(m[1]) * 10 ** scale + Number(frac.padEnd(scale, '0') || '0');
}

/** 135500 at scale 3 → `"135.500"`; -5 at scale 2 → `"-0.05"`. */
export function formatScaled(value: number, scale: number): string {
  const sign = value < 0 ? '-' : '';
  const digits = String(Math.abs(value)).padStart(scale + 1, '0');
  return `${sign}${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
}

/** numerator / denominator rounded half up (half away from zero for negatives); denominator > 0. */
export function roundDiv(numerator: number | bigint, denominator: number | bigint): number {
  const n = BigInt(numerator);
  const d = BigInt(denominator);
  const q = (2n * (n < 0n ? -n : n) + d) / (2n * d);
  const result = Number(n < 0n ? -q : q);
  // Sums of results must stay exact too: refuse amounts no utility bills rather than lose a grosz.
  if (Math.abs(result) > MAX_AMOUNT) {
    throw new BillingInputError('billing.too_large', '$', 'kwota lub ilość zbyt duża do rozliczenia', 'an amount or quantity too large to bill');
  }
  return result;
}
