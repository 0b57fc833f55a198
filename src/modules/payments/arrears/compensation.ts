/**
 * The fixed compensation for recovery costs in commercial transactions (art.
 * 10 of the act of 8 March 2013 o przeciwdziałaniu nadmiernym opóźnieniom w
 * transakcjach handlowych): due from a business debtor, without a reminder,
 * from the day interest becomes due, once per late invoice:
 *   40 EUR  when the amount does not exceed 5,000 zł,
 *   70 EUR  when it is above 5,000 zł but below 50,000 zł,
 *   100 EUR when it is 50,000 zł or more;
 * before 2020 (the act's amendment in force from 1 January 2020) always 40 EUR.
 * In złote at the NBP's average EUR rate of the last working day of the month
 * before the month the amount became due (art. 10 ust. 1a): the caller looks
 * that rate up (`eurRateMonth` names the month) and passes it in.
 */
import { parseScaled, roundDiv } from '../../billing/engine/decimal.ts';

const THRESHOLD_LOW = 5_000_00; // grosze
const THRESHOLD_HIGH = 50_000_00;

/** The compensation in euro for a debt of `amount` grosze that became due on `dueDate`. */
export function compensationEur(amount: number, dueDate: string): 40 | 70 | 100 {
  if (dueDate < '2020-01-01' || amount <= THRESHOLD_LOW) return 40;
  return amount < THRESHOLD_HIGH ? 70 : 100;
}

/** The month ('YYYY-MM') whose last working day's NBP EUR rate converts the compensation of a debt due on `dueDate`. */
export function eurRateMonth(dueDate: string): string {
  const y = Number(dueDate.slice(0, 4));
  const m = Number(dueDate.slice(5, 7));
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

/**
 * The compensation in grosze: euro × the NBP average rate (a decimal string
 * with up to 4 places, as the NBP publishes it, e.g. "4.2180"), rounded half up.
 */
export function compensationPln(amount: number, dueDate: string, eurRate: string): { eur: number; grosze: number } {
  const rate = parseScaled(eurRate.replace(',', '.'), 4);
  if (rate === null || rate <= 0) throw new RangeError(`bad EUR rate ${eurRate}`);
  const eur = compensationEur(amount, dueDate);
  // eur × rate (1/10,000 zł) → grosze: × 100 / 10,000.
  return { eur, grosze: roundDiv(BigInt(eur) * BigInt(rate) * 100n, 10_000) };
}
