/**
 * Utilities (tenants). Their public data — name, colours, address, tax ids —
 * is readable without a tenant. Every request needs its utility before
 * anything else, so the lookups are cached in memory: a request names the
 * database only when its utility was not looked up in the last 30 s.
 *
 * Every process forgets them when any utility row changes, whoever wrote it
 * (the database announces it: `utilitiesSubscriber`, src/db/change-feed.ts);
 * TTL_MS bounds an entry's life all the same, and whoever writes a utility
 * row in this process may call forgetUtilities() to be sure before answering.
 */
import type { Selectable } from 'kysely';
import type { ChangeSubscriber } from '../../db/change-feed.ts';
import type { Db } from '../../db/connection.ts';
import { withoutTenant } from '../../db/tenant.ts';
import type { Utilities } from '../../db/types.ts';
import { notFound } from '../../lib/errors.ts';

export type Utility = Selectable<Utilities>;

export const TTL_MS = 30_000;
/** Unknown host names are cached too (as unknown); a flood of made-up names empties the cache rather than growing it. */
const MAX_ENTRIES = 1_000;

interface Entry {
  at: number;
  /** The lookup itself, so that concurrent requests share one query. */
  utility: Promise<Utility | undefined>;
}

const bySlug = new Map<string, Entry>();
let first: Entry | undefined;

function cached(
  current: () => Entry | undefined,
  load: () => Promise<Utility | undefined>,
  store: (e: Entry | undefined) => void,
): Promise<Utility | undefined> {
  const entry = current();
  if (entry && Date.now() - entry.at < TTL_MS) return entry.utility;
  const fresh: Entry = { at: Date.now(), utility: load() };
  // A failed lookup (database down) is not remembered.
  fresh.utility.catch(() => current() === fresh && store(undefined));
  store(fresh);
  return fresh.utility;
}

export function findUtilityBySlug(db: Db, slug: string): Promise<Utility | undefined> {
  return cached(
    () => bySlug.get(slug),
    () => withoutTenant(db, (tx) => tx.selectFrom('utilities').selectAll().where('slug', '=', slug).executeTakeFirst()),
    (e) => {
      if (!e) return void bySlug.delete(slug);
      if (bySlug.size >= MAX_ENTRIES) bySlug.clear();
      bySlug.set(slug, e);
    },
  );
}

export async function getUtilityBySlug(db: Db, slug: string): Promise<Utility> {
  const u = await findUtilityBySlug(db, slug);
  if (!u) throw notFound('tenant.not_found', `Nie ma przedsiębiorstwa o oznaczeniu „${slug}”.`, `There is no utility "${slug}".`);
  return u;
}

/** The utility served on a host without a slug: the configured one, else the first created. */
export async function findDefaultUtility(db: Db, configured?: string): Promise<Utility | undefined> {
  if (configured) return findUtilityBySlug(db, configured);
  return cached(
    () => first,
    () => withoutTenant(db, (tx) => tx.selectFrom('utilities').selectAll().orderBy('id').limit(1).executeTakeFirst()),
    (e) => (first = e),
  );
}

/** Drops every cached utility: call it after writing a utility row. */
/** The change feed's subscriber: a utility changed (or changes may have been missed). */
export const utilitiesSubscriber = (): ChangeSubscriber => ({
  channel: 'wodnik_utilities',
  onChange: () => forgetUtilities(),
  onReset: () => forgetUtilities(),
});

export function forgetUtilities(): void {
  bySlug.clear();
  first = undefined;
}

/** What anyone may see of a utility (the web app's branding, the invoice header). */
export function publicUtility(u: Utility) {
  return {
    slug: u.slug,
    name: u.name,
    shortName: u.short_name,
    street: u.street,
    postalCode: u.postal_code,
    city: u.city,
    nip: u.nip,
    regon: u.regon,
    phone: u.phone,
    email: u.sender_email,
    website: u.website,
    primaryColor: u.primary_color,
    accentColor: u.accent_color,
    logoSvg: u.logo_svg,
    complaintDeadlineDays: u.complaint_deadline_days,
  };
}
