/**
 * An exact in-memory cache of answers read from a utility's tables (the
 * portal overview, the ledger page), one per server process: read again only
 * when something it was read from has changed.
 *
 * Database triggers announce every statement that writes one of the tables
 * an answer reads, on commit, from any process (a route, a CLI command, a job,
 * psql), on the cache's channel with the utility's id as payload ('*' for a
 * write outside a tenant: a bulk load by the owner); the change feed
 * (src/db/change-feed.ts) hears it and that utility's entries are forgotten
 * ('*' forgets all). A request notes `generation(utility)` before it reads the
 * database and its answer is stored only if no change was heard meanwhile
 * (else a change committed during the read could be kept). An entry is
 * checked against the generation when it is served, so forgetting a utility
 * costs nothing however many entries it has. Entries also end after `ttlMs`
 * and at most `max` are held (least recently used go first). While the feed
 * is not listening (`live()` false, or `WODNIK_MEMORY_CACHES=off`) nothing is
 * served or stored.
 *
 * Each user lists the tables its answer reads, and its migration puts a
 * statement trigger on each (a test checks that both lists agree).
 */
import { LRUCache } from 'lru-cache';
import type { ChangeSubscriber } from './change-feed.ts';

export interface UtilityCacheOptions<K> {
  /** The NOTIFY channel its triggers announce on. */
  channel: string;
  /** True while notifications are heard and caches are on. */
  live: () => boolean;
  /** The entry's key within its utility. */
  key: (k: K) => string;
  max?: number;
  ttlMs?: number;
}

export class UtilityCache<K, V extends object> {
  private readonly entries: LRUCache<string, { value: V; gen: string }>;
  /** Per utility: moves on with every change heard ('*' moves all). */
  private readonly gens = new Map<number, number>();
  private allGen = 0;
  private readonly live: () => boolean;
  private readonly keyOf: (k: K) => string;
  readonly channel: string;

  constructor(o: UtilityCacheOptions<K>) {
    this.channel = o.channel;
    this.live = o.live;
    this.keyOf = o.key;
    this.entries = new LRUCache<string, { value: V; gen: string }>({ max: o.max ?? 20_000, ttl: o.ttlMs ?? 60_000 });
  }

  /** Notes the state before reading the database; pass it back to `set`. */
  generation(utilityId: number): string {
    return `${this.allGen}:${this.gens.get(utilityId) ?? 0}`;
  }

  get(utilityId: number, k: K): V | undefined {
    if (!this.live()) return undefined;
    const e = this.entries.get(`${utilityId}:${this.keyOf(k)}`);
    // An entry from before a change is dropped here, not searched for when the change is heard.
    return e && e.gen === this.generation(utilityId) ? e.value : undefined;
  }

  set(utilityId: number, k: K, value: V, readAtGeneration: string): void {
    if (!this.live() || readAtGeneration !== this.generation(utilityId)) return;
    this.entries.set(`${utilityId}:${this.keyOf(k)}`, { value, gen: readAtGeneration });
  }

  /** The cached answer, else `read()`'s (stored if nothing changed while it read). */
  async getOrRead(utilityId: number, k: K, read: () => Promise<V>): Promise<V> {
    const cached = this.get(utilityId, k);
    if (cached) return cached;
    const generation = this.generation(utilityId);
    const value = await read();
    this.set(utilityId, k, value, generation);
    return value;
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
      channel: this.channel,
      onChange: (payload) => {
        const id = Number(payload);
        if (payload !== '*' && payload !== '' && Number.isSafeInteger(id)) this.forgetUtility(id);
        else this.clear();
      },
      onReset: () => this.clear(),
    };
  }
}
