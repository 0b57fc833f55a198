/**
 * What a billing run reads, in sets: the selected contracts (one query, in
 * issuing order), then per chunk of contracts their meters, readings and the
 * customers' e-invoice consents (one query each, by arrays of ids), and the
 * utility's tariffs once. No query per contract: 100,000 contracts are a few
 * dozen queries, and memory holds one chunk at a time.
 */
import { sql } from 'kysely';
import type { Tx } from '../../../db/tenant.ts';
import { addMonths, fromDay, toDay } from '../engine/calendar.ts';
import type { ReadingSource, Tariff } from '../engine/types.ts';

export interface Selection {
  cycle?: 'monthly' | 'bimonthly' | 'quarterly' | 'halfyearly';
  routeId?: number;
  locality?: string;
  customerId?: number;
}

export interface ContractRow {
  contract_id: number;
  contract_number: string;
  customer_id: number;
  service_point_id: number;
  kind: 'water' | 'sewage' | 'water_sewage';
  tariff_group_code: string;
  sewage_mode: 'water_meter' | 'sewage_meter' | 'none';
  valid_from: string;
  valid_to: string | null;
  customer_number: string;
  customer_kind: 'person' | 'business' | 'housing_community' | 'public_body';
  name: string;
  nip: string | null;
  street: string;
  building: string;
  apartment: string | null;
  postal_code: string;
  city: string;
  payment_account: string | null;
  /** Latest invoiced day of this contract overlapping the period, when it has been billed already. */
  billed_to: string | null;
}

export interface MeterRow {
  id: number;
  service_point_id: number;
  role: 'main' | 'garden' | 'sewage';
  serial_number: string;
}

export interface ReadingRow {
  meter_id: number;
  day: string;
  value: string;
  source: ReadingSource;
  held: boolean;
}

export interface ConsentRow {
  customer_id: number;
  effective_from: string;
  withdrawn_effective_from: string | null;
}

/** The selection as SQL conditions on contracts `c` and service points `sp`. */
function selectionWhere(sel: Selection, period: { from: string; to: string }) {
  const parts = [sql`c.valid_from <= ${period.to}::date`, sql`(c.valid_to is null or c.valid_to >= ${period.from}::date)`];
  if (sel.cycle) parts.push(sql`c.billing_cycle = ${sel.cycle}`);
  if (sel.locality) parts.push(sql`sp.locality = ${sel.locality}`);
  if (sel.customerId) parts.push(sql`c.customer_id = ${sel.customerId}`);
  if (sel.routeId) parts.push(sql`exists (select 1 from reading_route_stops rs where rs.utility_id = c.utility_id and rs.route_id = ${sel.routeId} and rs.service_point_id = c.service_point_id)`);
  return sql.join(parts, sql` and `);
}

const CONTRACT_COLUMNS = (period: { from: string; to: string }) => sql`
    c.id as contract_id, c.contract_number, c.customer_id, c.service_point_id, c.kind, c.tariff_group_code, c.sewage_mode,
    c.valid_from::text as valid_from, c.valid_to::text as valid_to,
    cu.customer_number, cu.kind as customer_kind, cu.name, cu.nip, cu.street, cu.building, cu.apartment, cu.postal_code, cu.city, cu.payment_account,
    (select max(i.period_to)::text from invoices i
      where i.utility_id = c.utility_id and i.contract_id = c.id and i.kind = 'invoice'
        and i.period_to >= ${period.from}::date and i.period_from <= ${period.to}::date) as billed_to`;
const ISSUING_ORDER = sql`sp.locality, sp.street, sp.route_order, sp.building, sp.apartment nulls first, c.id`;

/** The selected contracts in issuing order (locality, street, walking order, building, contract). */
export async function selectedContracts(tx: Tx, utilityId: number, sel: Selection, period: { from: string; to: string }): Promise<ContractRow[]> {
  const { rows } = await sql<ContractRow>`
    select ${CONTRACT_COLUMNS(period)}
    from contracts c
    join service_points sp on sp.utility_id = c.utility_id and sp.id = c.service_point_id
    join customers cu on cu.utility_id = c.utility_id and cu.id = c.customer_id
    where c.utility_id = ${utilityId} and ${selectionWhere(sel, period)}
    order by ${ISSUING_ORDER}`.execute(tx);
  return rows;
}

/**
 * Only the ids of the selected contracts, in issuing order: a run of a
 * million contracts then holds a million numbers, not a million rows, and
 * loads each chunk's rows with contractsByIds.
 */
export async function selectedContractIds(tx: Tx, utilityId: number, sel: Selection, period: { from: string; to: string }): Promise<number[]> {
  const { rows } = await sql<{ id: string }>`
    select c.id::text as id
    from contracts c
    join service_points sp on sp.utility_id = c.utility_id and sp.id = c.service_point_id
    where c.utility_id = ${utilityId} and ${selectionWhere(sel, period)}
    order by ${ISSUING_ORDER}`.execute(tx);
  return rows.map((r) => Number(r.id));
}

/** The rows of these contracts, in the order of ids (one that is gone since is left out). */
export async function contractsByIds(tx: Tx, utilityId: number, ids: readonly number[], period: { from: string; to: string }): Promise<ContractRow[]> {
  if (ids.length === 0) return [];
  const { rows } = await sql<ContractRow>`
    select ${CONTRACT_COLUMNS(period)}
    from contracts c
    join customers cu on cu.utility_id = c.utility_id and cu.id = c.customer_id
    where c.utility_id = ${utilityId} and c.id = any(${[...ids]}::bigint[])`.execute(tx);
  const byId = new Map(rows.map((r) => [Number(r.contract_id), r]));
  return ids.map((id) => byId.get(id)).filter((r): r is ContractRow => r !== undefined);
}

/**
 * The first day whose readings the engine may need: the estimate looks back
 * 6 months, a year (the same period) and to the start of the previous
 * calendar year; the opening reading may be older still (loaded apart).
 */
export function readingWindowStart(periodFrom: string): string {
  const from = toDay(periodFrom);
  const yearBefore = addMonths(from, -12) - 1;
  const lastYearStart = toDay(`${Number(periodFrom.slice(0, 4)) - 1}-01-01`) - 1;
  return fromDay(Math.min(yearBefore, lastYearStart));
}

/** Meters, readings (accepted and held; rejected ones never count) and consents of a chunk of contracts. */
export async function chunkData(tx: Tx, utilityId: number, contracts: ContractRow[], period: { from: string; to: string }) {
  const points = [...new Set(contracts.map((c) => c.service_point_id))];
  const customers = [...new Set(contracts.map((c) => c.customer_id))];
  const windowFrom = readingWindowStart(period.from);
  const { rows: meters } = await sql<MeterRow>`
    select id, service_point_id, role, serial_number from meters
    where utility_id = ${utilityId} and service_point_id = any(${points}::bigint[]) and role in ('main', 'garden', 'sewage')
      and installed_on <= ${period.to}::date and (removed_on is null or removed_on >= ${windowFrom}::date)
    order by service_point_id, installed_on, id`.execute(tx);
  const meterIds = meters.map((m) => m.id);
  // Days are civil days in Warsaw; a reading is the register at that instant. (Ordered by the instant,
  // which is not returned: parsing two million timestamps into Dates nobody reads was a good part of the load.)
  const { rows: readings } = await sql<ReadingRow>`
    select meter_id, day, value, source, held from (
    with wanted as (
      select meter_id, read_at, value_m3, source, status from readings
      where utility_id = ${utilityId} and meter_id = any(${meterIds}::bigint[]) and status <> 'rejected'
        and read_at >= (${windowFrom}::date)::timestamp at time zone 'Europe/Warsaw'
        and read_at < (${period.to}::date + 1)::timestamp at time zone 'Europe/Warsaw'
      union all
      select * from (
        select distinct on (meter_id) meter_id, read_at, value_m3, source, status from readings
        where utility_id = ${utilityId} and meter_id = any(${meterIds}::bigint[]) and status = 'accepted'
          and read_at < (${windowFrom}::date)::timestamp at time zone 'Europe/Warsaw'
        order by meter_id, read_at desc) older
    )
    select meter_id, (read_at at time zone 'Europe/Warsaw')::date::text as day, value_m3::text as value,
           case source when 'estimate' then 'estimated' when 'remote' then 'remote' when 'reader' then 'reader' when 'customer' then 'customer' else 'actual' end as source,
           status = 'pending' as held, read_at
    from wanted
    union all
    -- Closing registers estimated by earlier invoices: the opening of the next period.
    select meter_id, day::text, value_m3::text, 'estimated', false, (day + 1)::timestamp at time zone 'Europe/Warsaw' - interval '1 second'
    from estimated_readings
    where utility_id = ${utilityId} and meter_id = any(${meterIds}::bigint[]) and day >= ${windowFrom}::date and day <= ${period.to}::date
    ) r
    order by meter_id, read_at`.execute(tx);
  const { rows: consents } = await sql<ConsentRow>`
    select customer_id, effective_from::text as effective_from, withdrawn_effective_from::text as withdrawn_effective_from
    from einvoice_consents where utility_id = ${utilityId} and customer_id = any(${customers}::bigint[])`.execute(tx);
  return { meters, readings, consents };
}

/** Every tariff of the utility, per group code, as the engine takes them (sorted by validity). */
export async function tariffsByGroup(tx: Tx, utilityId: number): Promise<Map<string, Tariff[]>> {
  const { rows } = await sql<{
    code: string;
    valid_from: string;
    valid_to: string | null;
    water: number;
    sewage: number;
    fee_paper: number;
    fee_einvoice: number;
    vat: number;
  }>`
    select g.code, t.valid_from::text as valid_from, t.valid_to::text as valid_to, g.water_price_net_grosze as water, g.sewage_price_net_grosze as sewage,
           g.subscription_fee_paper_net_grosze as fee_paper, g.subscription_fee_einvoice_net_grosze as fee_einvoice, g.vat_rate_percent as vat
    from tariffs t join tariff_groups g on g.utility_id = t.utility_id and g.tariff_id = t.id
    where t.utility_id = ${utilityId} order by g.code, t.valid_from`.execute(tx);
  const out = new Map<string, Tariff[]>();
  for (const r of rows) {
    const list = out.get(r.code) ?? [];
    list.push({
      from: toDay(r.valid_from),
      to: r.valid_to === null ? null : toDay(r.valid_to),
      water: Number(r.water),
      sewage: Number(r.sewage),
      feePaper: Number(r.fee_paper),
      feeEinvoice: Number(r.fee_einvoice),
      vat: Number(r.vat),
    });
    out.set(r.code, list);
  }
  return out;
}
