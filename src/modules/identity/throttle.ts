/**
 * Sign-in throttling that slows guessing down without handing anyone a way
 * to lock others out or to learn which addresses have accounts (OWASP's
 * authentication guidance; the pattern of rate-limiter-flexible's "login
 * endpoint protection": consecutive failures by address+IP, failures by IP per
 * day). The counters live in our database (table auth_throttle) so that they
 * hold across server processes on PostgreSQL and on the embedded PGlite.
 *
 * - An IP prefix (IPv4 /24, IPv6 /64: one household, office or provider
 *   customer), counted across all utilities of the deployment: after
 *   `ipWindow.failures` failures in a 15-minute window it waits for the end of
 *   the window; after `ipDay.failures` in 24 hours, for the end of that day.
 * - An address from one prefix: the first `addressIp.freeFailures` failures in
 *   a row cost nothing, each further one makes that pair wait, 30 s doubling
 *   up to 15 minutes. Another prefix is not slowed by it, so a flood from one
 *   network cannot keep the account's owner out.
 * - An address from all prefixes (guessing spread over many networks): from
 *   failure `address.freeFailures + 1` in a row the same growing wait, except
 *   for a prefix the account signed in from successfully in the last 30 days.
 *   Each prefix adds at most its 4 free failures to this count, so it takes
 *   guesses from at least three networks to reach it.
 *
 * Counters are keyed by the address as typed (lower-cased), never by whether
 * an account exists, so an unknown address is counted, slowed and answered
 * exactly like a known one. A refused attempt is not checked and not counted.
 * Time comes from the JavaScript clock (tests move it with fake timers).
 */
import { createHash } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import type { Tx } from '../../db/tenant.ts';
import { AppError } from '../../lib/errors.ts';

const MINUTE = 60_000;

export const THROTTLE = {
  ipWindow: { failures: 10, minutes: 15 },
  ipDay: { failures: 100, minutes: 24 * 60 },
  addressIp: { freeFailures: 4 },
  address: { freeFailures: 9 },
  /** The wait after the first counted failure; it doubles with each further one, up to maxDelaySeconds. */
  firstDelaySeconds: 30,
  maxDelaySeconds: 15 * 60,
  /** A prefix with a successful sign-in of the account this recently is not slowed by failures from elsewhere. */
  trustedDays: 30,
  /** Counters idle this long are removed by housekeeping (the longest window is a day). */
  idleDays: 1,
} as const;

/** The network an address belongs to: IPv4 /24 or IPv6 /64 (an IPv4-mapped IPv6 address counts as IPv4). */
export function ipPrefix(ip: string): string {
  const bare = ip.replace(/%.*$/, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  const v4 = mapped ? mapped[1] : bare;
  if (isIPv4(v4)) return `${v4.split('.').slice(0, 3).join('.')}.0/24`;
  if (!isIPv6(bare)) return bare;
  const [head, tail] = bare.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail === undefined ? [] : tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

/** Wait after the n-th counted failure (n ≥ 1): 30 s, 1 min, 2 min … at most 15 min. */
export function delaySeconds(n: number): number {
  return Math.min(THROTTLE.maxDelaySeconds, THROTTLE.firstDelaySeconds * 2 ** Math.max(0, n - 1));
}

export const tooManyAttempts = (retryAfterSeconds: number) => {
  const wait = retryAfterSeconds >= 90 ? `${Math.ceil(retryAfterSeconds / 60)} min` : `${retryAfterSeconds} s`;
  return new AppError(
    'rate_limited',
    'auth.rate_limited',
    {
      pl: `Zbyt wiele nieudanych prób. Prosimy spróbować ponownie za ${wait} albo ustawić nowe hasło.`,
      en: `Too many failed attempts. Please try again in ${wait} or reset your password.`,
    },
    { retryAfterSeconds },
  );
};

type Scope = 'ip_window' | 'ip_day' | 'address_ip' | 'address' | 'trusted';
interface Counter {
  key: string;
  scope: Scope;
  failures: number;
  since: Date;
  lastAt: Date | null;
}

const keyOf = (...parts: Array<string | number>) => createHash('sha256').update(parts.join('\u0000')).digest('hex');

export interface Who {
  utilityId: number;
  ip: string;
  /** The address as typed; compared lower-cased and trimmed. */
  email: string;
}

export interface Gate {
  /** Seconds to wait before another attempt, or 0 when this one may go ahead. */
  retryAfterSeconds: number;
  /** Counts a failed attempt on every counter. */
  failed(): Promise<void>;
  /** A successful sign-in: the consecutive counters start again and the prefix becomes trusted for the account. */
  succeeded(): Promise<void>;
}

/**
 * Opens the gate for one sign-in attempt. The counters' rows are locked until
 * the transaction ends, so parallel guesses from one prefix are counted one
 * after another rather than all slipping past the check at once.
 */
export async function signInGate(tx: Tx, who: Who, now = new Date()): Promise<Gate> {
  const prefix = ipPrefix(who.ip);
  const email = who.email.trim().toLowerCase();
  const wanted: Array<{ key: string; scope: Scope }> = [
    { key: keyOf('ip_window', prefix), scope: 'ip_window' },
    { key: keyOf('ip_day', prefix), scope: 'ip_day' },
    { key: keyOf('address_ip', who.utilityId, email, prefix), scope: 'address_ip' },
    { key: keyOf('address', who.utilityId, email), scope: 'address' },
  ];
  wanted.sort((a, b) => a.key.localeCompare(b.key)); // one lock order for every request
  const rows = await tx
    .insertInto('auth_throttle')
    .values(wanted.map((w) => ({ key: w.key, scope: w.scope, failures: 0, since: now })))
    .onConflict((oc) => oc.column('key').doUpdateSet((eb) => ({ failures: eb.ref('auth_throttle.failures') })))
    .returning(['key', 'scope', 'failures', 'since', 'last_at'])
    .execute();
  const c = {} as Record<Exclude<Scope, 'trusted'>, Counter>;
  for (const r of rows) c[r.scope as Exclude<Scope, 'trusted'>] = { key: r.key, scope: r.scope as Scope, failures: r.failures, since: new Date(r.since), lastAt: r.last_at ? new Date(r.last_at) : null };
  const trustKey = keyOf('trusted', who.utilityId, email, prefix);
  const trust = await tx.selectFrom('auth_throttle').select('last_at').where('key', '=', trustKey).executeTakeFirst();
  const trusted = !!trust?.last_at && now.getTime() - new Date(trust.last_at).getTime() < THROTTLE.trustedDays * 1440 * MINUTE;

  const windowEnd = (k: Counter, minutes: number) => k.since.getTime() + minutes * MINUTE;
  const live = (k: Counter, minutes: number) => windowEnd(k, minutes) > now.getTime();
  const waits: number[] = [0];
  for (const [k, w] of [[c.ip_window, THROTTLE.ipWindow], [c.ip_day, THROTTLE.ipDay]] as const) {
    if (live(k, w.minutes) && k.failures >= w.failures) waits.push(windowEnd(k, w.minutes) - now.getTime());
  }
  const consecutive = (k: Counter, free: number) => {
    if (k.failures <= free || !k.lastAt) return;
    waits.push(k.lastAt.getTime() + delaySeconds(k.failures - free) * 1000 - now.getTime());
  };
  consecutive(c.address_ip, THROTTLE.addressIp.freeFailures);
  if (!trusted) consecutive(c.address, THROTTLE.address.freeFailures);

  const set = (k: Counter, failures: number, since: Date, lastAt: Date | null) =>
    tx.updateTable('auth_throttle').set({ failures, since, last_at: lastAt }).where('key', '=', k.key).execute();
  return {
    retryAfterSeconds: Math.ceil(Math.max(...waits) / 1000),
    async failed() {
      for (const [k, w] of [[c.ip_window, THROTTLE.ipWindow], [c.ip_day, THROTTLE.ipDay]] as const) {
        await (live(k, w.minutes) ? set(k, k.failures + 1, k.since, now) : set(k, 1, now, now));
      }
      // One prefix adds at most its free failures to the address-wide count: a flood from one
      // network is slowed by its own counters and never delays the owner on another network.
      const spread = c.address_ip.failures < THROTTLE.addressIp.freeFailures;
      await set(c.address_ip, c.address_ip.failures + 1, c.address_ip.since, now);
      if (spread) await set(c.address, c.address.failures + 1, c.address.since, now);
    },
    async succeeded() {
      for (const k of [c.address_ip, c.address]) await set(k, 0, k.since, null);
      await tx
        .insertInto('auth_throttle')
        .values({ key: trustKey, scope: 'trusted', failures: 0, since: now, last_at: now })
        .onConflict((oc) => oc.column('key').doUpdateSet({ last_at: now }))
        .execute();
    },
  };
}

/** Housekeeping: counters idle for a day, and trust older than 30 days. Runs as the schema owner. */
export async function pruneThrottle(db: Pick<Tx, 'deleteFrom'>, now = new Date()): Promise<number> {
  const idle = new Date(now.getTime() - THROTTLE.idleDays * 1440 * MINUTE);
  const untrusted = new Date(now.getTime() - THROTTLE.trustedDays * 1440 * MINUTE);
  const r = await db
    .deleteFrom('auth_throttle')
    .where((eb) =>
      eb.or([
        eb.and([eb('scope', '<>', 'trusted'), eb(eb.fn.coalesce('last_at', 'since'), '<', idle)]),
        eb.and([eb('scope', '=', 'trusted'), eb('last_at', '<', untrusted)]),
      ]),
    )
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
