/**
 * The portal overview (a customer's contracts, premises, meters and last
 * readings) remembered between requests: the portal's most requested answer,
 * read again only when something in it changed (src/db/utility-cache.ts).
 *
 * Database triggers announce every statement that writes customers, service
 * points, contracts, meters or readings of a utility (channel
 * `wodnik_overview`, migration 202612070100). Entries also end after a minute
 * (the overview shows dates relative to today).
 */
import { UtilityCache } from '../../db/utility-cache.ts';
import type { portalOverview } from './service.ts';

type Overview = Awaited<ReturnType<typeof portalOverview>>;

/** The tables the overview reads; each has the trigger (test/memory-caches.test.ts checks both lists agree). */
export const OVERVIEW_TABLES = ['customers', 'service_points', 'contracts', 'meters', 'readings'] as const;

/** Keyed by the portal user's customers. */
export class OverviewCache extends UtilityCache<readonly number[], Overview> {
  constructor(live: () => boolean, max = 20_000) {
    super({ channel: 'wodnik_overview', live, key: (customerIds) => customerIds.join(','), max, ttlMs: 60_000 });
  }
}
