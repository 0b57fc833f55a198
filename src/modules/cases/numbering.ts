/**
 * Case numbers `SPR/2026/000123`: gapless per utility and year, like invoice
 * numbers (src/modules/billing/numbering.ts): the counter row of
 * number_series (series 'SPR', period the year) is advanced by the
 * transaction that stores the case, so its row lock serialises concurrent
 * filings and a rolled-back filing gives its number back.
 */
import { sql } from 'kysely';
import type { Tx } from '../../db/tenant.ts';
import { formatCaseNumber } from './rules.ts';

export const CASE_SERIES = 'SPR';

export async function takeCaseNumber(tx: Tx, utilityId: number, year: string): Promise<string> {
  const { rows } = await sql<{ last_number: number }>`
    insert into number_series (utility_id, series, period, last_number)
    values (${utilityId}, ${CASE_SERIES}, ${year}, 1)
    on conflict (utility_id, series, period)
    do update set last_number = number_series.last_number + 1
    returning last_number`.execute(tx);
  return formatCaseNumber(year, Number(rows[0].last_number));
}
