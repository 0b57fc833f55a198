/**
 * Which utility a request is for.
 *
 * Production: the host name (`<slug>.example.pl` → utility `slug`); on the
 * host of PUBLIC_URL (the shared portal address that e-mail links name) also
 * the path prefix `/t/<slug>/`; else WODNIK_DEFAULT_UTILITY when set (a
 * single-utility install). A host that names no utility is a 404, never
 * somebody's portal by default. The health checks answer on any host.
 *
 * Development and tests: the path prefix `/t/<slug>/` on any host, the host
 * name, WODNIK_DEFAULT_UTILITY, else the first utility (so that
 * http://localhost:3000 shows the demo).
 */
import type { FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';
import type { Db } from '../db/connection.ts';
import { findDefaultUtility, findUtilityBySlug, type Utility } from '../modules/utilities/service.ts';
import { notFound } from '../lib/errors.ts';

/** Answer on any host, with or without a utility (load balancers, monitoring). */
const ANY_HOST = new Set(['/healthz', '/readyz']);

/** `zgk-wodnik.example` → 'zgk-wodnik'; plain hosts (localhost, IPs) name no utility. */
export function slugFromHost(hostname: string): string | undefined {
  const host = hostname.replace(/:\d+$/, '').toLowerCase();
  if (!host.includes('.') || /^[\d.]+$/.test(host) || host.startsWith('[')) return undefined;
  const first = host.split('.')[0];
  return /^[a-z0-9][a-z0-9-]{1,39}$/.test(first) && first !== 'www' ? first : undefined;
}

export function tenantResolver(config: Config, db: Db) {
  const production = config.env === 'production';
  const sharedHost = new URL(config.publicUrl).hostname.toLowerCase();

  const unknown = (slug?: string) =>
    slug
      ? notFound('tenant.not_found', `Nie ma przedsiębiorstwa o oznaczeniu „${slug}”.`, `There is no utility "${slug}".`)
      : notFound('tenant.not_found', 'Pod tym adresem nie działa żadne przedsiębiorstwo.', 'No utility is served at this address.');

  /** Sets req.utility; throws 404 when the address names no utility that may be served there. */
  return async function resolveTenant(req: FastifyRequest): Promise<void> {
    const hostname = req.hostname.replace(/:\d+$/, '').toLowerCase();
    const pathSlug = (req.raw as { wodnikSlug?: string }).wodnikSlug;
    let utility: Utility | undefined;
    if (pathSlug) {
      if (production && hostname !== sharedHost) throw unknown(pathSlug);
      utility = await findUtilityBySlug(db, pathSlug);
      if (!utility) throw unknown(pathSlug);
    } else {
      const hostSlug = slugFromHost(hostname);
      if (hostSlug) utility = await findUtilityBySlug(db, hostSlug);
      if (!utility && (config.defaultUtility || !production)) utility = await findDefaultUtility(db, config.defaultUtility);
      if (!utility && production && !ANY_HOST.has(req.routeOptions.url ?? '')) throw unknown();
    }
    req.utility = utility;
  };
}
