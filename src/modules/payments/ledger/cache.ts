/**
 * The portal's ledger page ("Faktury i saldo") remembered between requests
 * (src/db/utility-cache.ts): its rows (debts, credits, the settlement history)
 * per customer and filter, read again only when a statement wrote one of
 * LEDGER_TABLES of the utility (channel `wodnik_ledger`, migration
 * 202612090500): a payment imported, allocated or refunded, an invoice issued
 * or corrected, an interest note, an adjustment, from any process.
 *
 * What is due and what is overdue depends on the day: that is decided per
 * request (read.ts `pageOf`), never kept, so an entry is right on any day;
 * the minute's TTL only bounds the memory of pages nobody asks for.
 */
import { UtilityCache } from '../../../db/utility-cache.ts';
import type { LedgerFilter, LedgerRows } from './read.ts';

export { LEDGER_TABLES } from './read.ts';

export interface LedgerKey {
  customerId: number;
  filter: LedgerFilter;
}

const keyOf = ({ customerId, filter: f }: LedgerKey) => `${customerId}|${f.from ?? ''}|${f.to ?? ''}|${(f.kinds ?? []).join(',')}|${f.limit ?? ''}`;

export class LedgerCache extends UtilityCache<LedgerKey, LedgerRows> {
  constructor(live: () => boolean, max = 20_000) {
    super({ channel: 'wodnik_ledger', live, key: keyOf, max, ttlMs: 60_000 });
  }
}
