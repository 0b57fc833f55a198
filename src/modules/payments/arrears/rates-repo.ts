/**
 * The interest rate table in the database: the law's rates (utility_id null,
 * from the migration) and the rates a utility's staff added. Read in a
 * utility's transaction, row-level security shows the law's rows and the
 * utility's own; the explicit filter keeps the answer the same when read as
 * the owner (jobs, reports).
 */
import { isCivilDate } from '../../../lib/date-formats.ts';
import { badRequest, conflict } from '../../../lib/errors.ts';
import type { Tx } from '../../../db/tenant.ts';
import { parseScaled } from '../../billing/engine/decimal.ts';
import { type InterestKind, type RatePeriod, rateTable } from './rates.ts';

export const INTEREST_KINDS: InterestKind[] = ['consumer', 'commercial'];

export async function loadRates(tx: Tx, utilityId: number, kind: InterestKind): Promise<RatePeriod[]> {
  const rows = await tx
    .selectFrom('interest_rates')
    .select(['valid_from', 'rate_percent', 'utility_id'])
    .where('kind', '=', kind)
    .where((eb) => eb.or([eb('utility_id', 'is', null), eb('utility_id', '=', utilityId)]))
    .execute();
  return rateTable(rows.map((r) => ({ validFrom: String(r.valid_from).slice(0, 10), ratePercent: String(r.rate_percent), utilityId: r.utility_id })));
}

export interface NewRate {
  kind: string;
  validFrom: string;
  ratePercent: string;
  source?: string;
}

/** A utility's own rate row (e.g. a change announced after the last migration); refuses bad input and a second row for the same kind and day. */
export async function addRate(tx: Tx, utilityId: number, input: NewRate, actorId: number | null): Promise<{ id: number }> {
  if (!INTEREST_KINDS.includes(input.kind as InterestKind)) {
    throw badRequest('arrears.rate.bad_kind', 'Rodzaj odsetek musi być „consumer” albo „commercial”.', 'The interest kind must be "consumer" or "commercial".');
  }
  if (!isCivilDate(input.validFrom)) {
    throw badRequest('arrears.rate.bad_date', 'Data obowiązywania musi mieć postać RRRR-MM-DD.', 'The valid-from date must be YYYY-MM-DD.');
  }
  const bp = parseScaled(input.ratePercent.replace(',', '.'), 2);
  if (bp === null || bp >= 100_00) {
    throw badRequest('arrears.rate.bad_rate', 'Stopa musi być liczbą od 0 do 99,99 (najwyżej dwa miejsca po przecinku).', 'The rate must be a number from 0 to 99.99 (at most two decimals).');
  }
  const clash = await tx
    .selectFrom('interest_rates')
    .select('id')
    .where('utility_id', '=', utilityId)
    .where('kind', '=', input.kind)
    .where('valid_from', '=', input.validFrom)
    .executeTakeFirst();
  if (clash) {
    throw conflict('arrears.rate.exists', `Stopa tego rodzaju od ${input.validFrom} jest już wpisana.`, `A rate of this kind from ${input.validFrom} is already entered.`);
  }
  const row = await tx
    .insertInto('interest_rates')
    .values({ utility_id: utilityId, kind: input.kind, valid_from: input.validFrom, rate_percent: (bp / 100).toFixed(2), source: input.source ?? '', created_by: actorId })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: Number(row.id) };
}
