/**
 * Statement amounts: MT940 writes "1234,56" (comma, no thousands separator,
 * sometimes "1234," for whole złote), camt.053 writes "1234.56". Both become
 * integer grosze here and a "1234.56" string for output, so no floating
 * point touches money. More than two decimal places that are not zeros is not
 * a PLN amount and is refused (null).
 */
import { formatScaled, parseScaled } from '../../billing/engine/decimal.ts';

/** "1234,5" / "1234.50" / "1234," → 123450; null when it is not a non-negative amount with grosze at most. */
export function amountToGrosze(text: string): number | null {
  const m = /^(\d{1,15})(?:[.,](\d*))?$/.exec(text.trim());
  if (!m) return null;
  const frac = (m[2] ?? '').replace(/0+$/, '');
  return parseScaled(`${m[1]}.${frac || '0'}`, 2);
}

/** 123450 → "1234.50", -1250 → "-12.50". */
export const groszeToString = (grosze: number) => formatScaled(grosze, 2);
