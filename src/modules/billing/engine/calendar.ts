/**
 * Civil dates as day numbers (days since 1970-01-01), computed without the
 * clock or the local time zone (H. Hinnant's days-from-civil), so that the
 * engine is a pure function of its input.
 */

export type Day = number;

/** 'YYYY-MM-DD' read digit by digit (a billing run converts two million reading days): the same numbers as split. */
function fixedDate(date: string): [number, number, number] | null {
  if (date.length !== 10 || date.charCodeAt(4) !== 45 || date.charCodeAt(7) !== 45) return null;
  let y = 0;
  for (let i = 0; i < 4; i++) {
    const c = date.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return null;
    y = y * 10 + c;
  }
  const m1 = date.charCodeAt(5) - 48, m2 = date.charCodeAt(6) - 48, d1 = date.charCodeAt(8) - 48, d2 = date.charCodeAt(9) - 48;
  if (m1 < 0 || m1 > 9 || m2 < 0 || m2 > 9 || d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9) return null;
  return [y, m1 * 10 + m2, d1 * 10 + d2];
}

export function toDay(date: string): Day {
  const [y0, m, d] = fixedDate(date) ?? date.split('-').map(Number);
  const y = m <= 2 ? y0 - 1 : y0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function fromDay(day: Day): string {
  const z = day + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

export function daysInMonth(year: number, month: number): number {
  return month === 2 ? (isLeap(year) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** The day `months` calendar months before or after, on the month's last day when the day does not exist (31 Aug − 6 months → 28/29 Feb). */
export function addMonths(day: Day, months: number): Day {
  const [y, m, d] = fromDay(day).split('-').map(Number);
  const total = y * 12 + (m - 1) + months;
  const ny = Math.floor(total / 12);
  const nm = (total % 12) + 1;
  const nd = Math.min(d, daysInMonth(ny, nm));
  return toDay(`${String(ny).padStart(4, '0')}-${String(nm).padStart(2, '0')}-${String(nd).padStart(2, '0')}`);
}

/** Days in the month of the given day. */
export function monthLength(day: Day): number {
  const [y, m] = fromDay(day).split('-').map(Number);
  return daysInMonth(y, m);
}

/**
 * A length of time in months, exactly: each day counts 1 / (days of its
 * month), so a whole calendar month is 1 whatever its length. The sum is kept
 * as a numerator over 377 580 = lcm(28, 29, 30, 31), which every day's share
 * divides, so no fraction is lost before the one rounding the caller makes.
 */
export const MONTH_DENOMINATOR = 377_580;

/** Numerator over MONTH_DENOMINATOR of the months from `from` to `to`, both inclusive (0 when to < from). */
export function monthsNumerator(from: Day, to: Day): number {
  let sum = 0;
  for (let day = from; day <= to; ) {
    const [y, m, d] = fromDay(day).split('-').map(Number);
    const length = daysInMonth(y, m);
    const days = Math.min(length - d + 1, to - day + 1); // the rest of this month within the range
    sum += (MONTH_DENOMINATOR / length) * days;
    day += days;
  }
  return sum;
}
