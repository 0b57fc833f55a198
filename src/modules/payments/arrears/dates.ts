/** Civil dates as 'YYYY-MM-DD' strings, counted in whole days (UTC, so no daylight-saving hour can shift a day). */

const DAY = 86_400_000;

export const dayNumber = (d: string) => Date.parse(`${d}T00:00:00Z`) / DAY;
export const fromDayNumber = (n: number) => new Date(n * DAY).toISOString().slice(0, 10);
export const addDays = (d: string, n: number) => fromDayNumber(dayNumber(d) + n);
/** Days from a to b (b − a); 0 for the same day. */
export const daysBetween = (a: string, b: string) => dayNumber(b) - dayNumber(a);
