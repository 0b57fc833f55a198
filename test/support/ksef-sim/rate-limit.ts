/**
 * The API limits of docs/limity/limity-api.md: sliding windows of one second,
 * one minute and one hour, all at once, counted per (context or IP address,
 * operation), with the values of each operation's `x-rate-limits` in
 * open-api.json (production values; `scale` 10 gives the TEST environment's).
 * Over a limit: 429 with Retry-After = seconds until the window lets one more in.
 */
export interface Limits { perSecond?: number; perMinute?: number; perHour?: number }

const WINDOWS: Array<[keyof Limits, number, string]> = [
  ['perSecond', 1_000, 'na sekundę'],
  ['perMinute', 60_000, 'na minutę'],
  ['perHour', 3_600_000, 'na godzinę'],
];

export class RateLimiter {
  private readonly hits = new Map<string, number[]>();
  constructor(private readonly scale: number) {}

  /** Records a request; null when allowed, else the Retry-After seconds and the message. */
  take(key: string, limits: Limits | undefined, now: number): { retryAfter: number; message: string } | null {
    if (!limits || this.scale <= 0) return null;
    const list = (this.hits.get(key) ?? []).filter((t) => t > now - 3_600_000);
    this.hits.set(key, list);
    for (const [name, ms, label] of WINDOWS) {
      const max = limits[name];
      if (max === undefined) continue;
      const limit = Math.max(1, Math.floor(max * this.scale));
      const inWindow = list.filter((t) => t > now - ms);
      if (inWindow.length >= limit) {
        const retryAfter = Math.max(1, Math.ceil((inWindow[inWindow.length - limit] + ms - now) / 1000));
        return { retryAfter, message: `Przekroczono limit ${limit} żądań ${label}. Spróbuj ponownie po ${retryAfter} sekundach.` };
      }
    }
    list.push(now);
    return null;
  }
}
