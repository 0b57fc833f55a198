/**
 * The demo's billing history: the first start bills the demo readings of the
 * last three years the way a utility would have, in billing runs (one per
 * billing cycle and period, in date order, each previewed, approved and
 * issued the day after its period), so a demo customer sees three years of
 * invoices made by the engine itself, with gapless numbers per year.
 */
import { sql } from 'kysely';
import type { Database } from '../../../db/connection.ts';
import { withCopyTx } from '../../../db/bulk.ts';
import { withTenant } from '../../../db/tenant.ts';
import { daysInMonth } from '../engine/calendar.ts';
import { approveRun, createPreviewRun, issueRun } from './service.ts';
import type { Selection } from './load.ts';

const MONTHS: Record<NonNullable<Selection['cycle']>, number> = { monthly: 1, bimonthly: 2, quarterly: 3, halfyearly: 6 };

const monthStart = (index: number) => `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}-01`;
const monthEnd = (index: number) => {
  const y = Math.floor(index / 12);
  const m = (index % 12) + 1;
  return `${y}-${String(m).padStart(2, '0')}-${String(daysInMonth(y, m)).padStart(2, '0')}`;
};

/** The periods of a cycle (aligned to the calendar year) from `firstMonth` whose end is before `today`. */
export function cyclePeriods(cycle: NonNullable<Selection['cycle']>, firstMonth: number, today: string): { from: string; to: string }[] {
  const length = MONTHS[cycle];
  const out: { from: string; to: string }[] = [];
  let m = Math.ceil(firstMonth / length) * length;
  for (; monthEnd(m + length - 1) < today; m += length) out.push({ from: monthStart(m), to: monthEnd(m + length - 1) });
  return out;
}

const nextDay = (date: string) => {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
};

/** Bills the readings' history of one utility up to the last period ended before `now`; returns the invoices issued. */
export async function billDemoHistory(database: Database, utilityId: number, now: Date, log: (line: string) => void = () => {}): Promise<number> {
  const today = now.toISOString().slice(0, 10);
  // The demo readings start three years back, on the first of this month.
  const firstMonth = (now.getUTCFullYear() - 3) * 12 + now.getUTCMonth();
  const { rows } = await withTenant(database.db, { utilityId }, (tx) =>
    sql<{ billing_cycle: NonNullable<Selection['cycle']> }>`select distinct billing_cycle from contracts where utility_id = ${utilityId} order by 1`.execute(tx),
  );
  const runs = rows
    .flatMap((r) => cyclePeriods(r.billing_cycle, firstMonth, today).map((period) => ({ cycle: r.billing_cycle, period })))
    .sort((a, b) => (a.period.to < b.period.to ? -1 : a.period.to > b.period.to ? 1 : MONTHS[a.cycle] - MONTHS[b.cycle]));
  let issued = 0;
  const started = Date.now();
  for (const { cycle, period } of runs) {
    const issueDate = nextDay(period.to) < today ? nextDay(period.to) : today;
    const runId = await withCopyTx(database, { utilityId }, async (tx, copy) => {
      const id = await createPreviewRun(tx, utilityId, { period, selection: { cycle } }, copy);
      await approveRun(tx, utilityId, id, null);
      return id;
    });
    // The documents and their XML are made now (FA(3)'s DataWytworzeniaFa is when the XML was made, and
    // the schema takes no instant before September 2025); the issue date is the period's.
    const done = await issueRun(database, utilityId, runId, { issueDate, now: () => now, batchSize: 2_000, documents: false });
    issued += done.issued;
  }
  log(`  billing history: ${runs.length} runs, ${issued} invoices in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return issued;
}
