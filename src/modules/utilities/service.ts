/**
 * Utilities (tenants). Their public data — name, colours, address, tax ids —
 * is readable without a tenant; resolving a request's utility happens before
 * anything else, so the lookups are cached briefly in memory.
 */
import type { Selectable } from 'kysely';
import type { Db } from '../../db/connection.ts';
import { withoutTenant } from '../../db/tenant.ts';
import type { Utilities } from '../../db/types.ts';
import { notFound } from '../../lib/errors.ts';

export type Utility = Selectable<Utilities>;

const TTL_MS = 30_000;
const cache = new Map<string, { at: number; utility: Utility | undefined }>();

export async function findUtilityBySlug(db: Db, slug: string): Promise<Utility | undefined> {
  const hit = cache.get(slug);
  if (hit && Date.now() - hit.at < TTL_MS) return hit.utility;
  const utility = await withoutTenant(db, (tx) => tx.selectFrom('utilities').selectAll().where('slug', '=', slug).executeTakeFirst());
  cache.set(slug, { at: Date.now(), utility });
  return utility;
}

export async function getUtilityBySlug(db: Db, slug: string): Promise<Utility> {
  const u = await findUtilityBySlug(db, slug);
  if (!u) throw notFound('tenant.not_found', `Nie ma przedsiębiorstwa o oznaczeniu „${slug}”.`, `There is no utility "${slug}".`);
  return u;
}

/** The utility served on a host without a slug: the configured one, else the first created. */
export async function findDefaultUtility(db: Db, configured?: string): Promise<Utility | undefined> {
  if (configured) return findUtilityBySlug(db, configured);
  const first = await withoutTenant(db, (tx) => tx.selectFrom('utilities').select('slug').orderBy('id').limit(1).executeTakeFirst());
  return first ? findUtilityBySlug(db, first.slug) : undefined;
}

export function forgetUtilities(): void {
  cache.clear();
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
