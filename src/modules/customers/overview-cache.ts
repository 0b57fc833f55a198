/**
 * The portal overview (a customer's contracts, premises, meters and last
 * readings) remembered between requests: the portal's most requested answer,
 * read again only when something in it changed.
 *
 * Exact, like the session cache: database triggers announce every statement
 * that writes customers, service points, contracts, meters or readings of a
 * utility (channel `wodnik_overview`, migration 202612070100), from any
 * process, and that utility's overviews are forgotten; a write by the owner
 * outside a tenant (a bulk load) forgets all. A request that read the
 * database stores its answer only if no change was heard meanwhile. Entries
 * also end after a minute (the overview shows dates relative to today) and
 * the cache holds a bounded number of them (least recently used go first).
 */
import { LRUCache } from 'lru-cache';
import type { ChangeSubscriber } from '../../db/change-feed.ts';
import type { portalOverview } from './service.ts';

type Overview = Awaited<ReturnType<typeof portalOverview>>;

/** The tables the overview reads; each has the trigger (test/overview-cache.test.ts checks both lists agree). */
export const OVERVIEW_TABLES = ['customers', 'service_points', 'contracts', 'meters', 'readings'] as const;

export class OverviewCache {
  private readonly entries: LRUCache<string, { value: Overview; gen: string }>;
  /** Per utility: moves on with every change heard ('*' moves all). */
  private readonly gens = new Map<number, number>();
  private allGen = 0;

  constructor(
    private readonly live: () => boolean,
    max = 20_000,
  ) {
    this.entries = new LRUCache<string, { value: Overview; gen: string }>({ max, ttl: 60_000 });
  }

  /** Notes the state before reading the database; pass it back to `set`. */
  generation(utilityId: number): string {
    return `${this.allGen}:${this.gens.get(utilityId) ?? 0}`;
  }

  get(utilityId: number, customerIds: readonly number[]): Overview | undefined {
    if (!this.live()) return undefined;
    const e = this.entries.get(key(utilityId, customerIds));
    // An entry from before a change is dropped here, not searched for when the change is heard.
    return e && e.gen === this.generation(utilityId) ? e.value : undefined;
  }

  set(utilityId: number, customerIds: readonly number[], value: Overview, readAtGeneration: string): void {
    if (!this.live() || readAtGeneration !== this.generation(utilityId)) return;
    this.entries.set(key(utilityId, customerIds), { value, gen: readAtGeneration });
  }

  forgetUtility(utilityId: number): void {
    this.gens.set(utilityId, (this.gens.get(utilityId) ?? 0) + 1);
  }

  clear(): void {
    this.allGen++;
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  subscriber(): ChangeSubscriber {
    return {
      channel: 'wodnik_overview',
      onChange: (payload) => {
        const id = Number(payload);
        if (payload !== '*' && Number.isSafeInteger(id)) this.forgetUtility(id);
        else this.clear();
      },
      onReset: () => this.clear(),
    };
  }
}

const key = (utilityId: number, customerIds: readonly number[]) => `${utilityId}:${customerIds.join(',')}`;
