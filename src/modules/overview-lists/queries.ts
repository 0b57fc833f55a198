/**
 * The lists behind the staff overview's tiles (customers/service.ts
 * `staffOverview` counts them): the meters in service, those with a radio
 * module, those whose legal verification ends within 90 days, and the
 * readings of the last 30 days. Each list uses the same condition as its
 * tile, so the list's total is the tile's figure (test/overview-lists.test.ts
 * checks that). Service points, not customers, are named: meter readers see
 * the overview too and do not need customers' personal data.
 */
import { sql } from 'kysely';
import type { Tx } from '../../db/tenant.ts';
import { csvTable, type CsvValue } from '../../lib/csv.ts';
import { formatDate } from '../../lib/polish-format.ts';
import { formatAddress } from '../customers/service.ts';

export const METER_FILTERS = ['all', 'radio', 'legalization'] as const;
export type MeterFilter = (typeof METER_FILTERS)[number];

export interface Page {
  limit: number;
  offset: number;
}

/** The service point (alias `sp`) each list row names, and how it is shown. */
interface ServicePointRow {
  sp_code: string;
  street: string;
  building: string;
  apartment: string | null;
  postal_code: string;
  locality: string;
}
const SERVICE_POINT_COLUMNS = sql`sp.code as sp_code, sp.street, sp.building, sp.apartment, sp.postal_code, sp.locality`;
const servicePoint = (r: ServicePointRow) => ({ code: r.sp_code, address: formatAddress(r) });

const iso = (d: Date | string) => (d instanceof Date ? d.toISOString() : new Date(d).toISOString());
const civil = (d: Date | string | null) => (d === null ? null : d instanceof Date ? d.toISOString().slice(0, 10) : String(d).slice(0, 10));

export async function listMeters(tx: Tx, utilityId: number, filter: MeterFilter, page: Page) {
  const cond =
    filter === 'radio' ? sql`and m.radio_module_id is not null`
    : filter === 'legalization' ? sql`and m.legalization_valid_until <= current_date + 90`
    : sql``;
  const order = filter === 'legalization' ? sql`m.legalization_valid_until, m.serial_number` : sql`m.serial_number, m.id`;
  const { rows } = await sql<{
    total: number;
    id: number;
    serial_number: string;
    role: string;
    radio: boolean;
    legalization_valid_until: Date | string | null;
    installed_on: Date | string;
  } & ServicePointRow>`
    select count(*) over ()::int as total, m.id, m.serial_number, m.role, m.radio_module_id is not null as radio,
           m.legalization_valid_until, m.installed_on,
           ${SERVICE_POINT_COLUMNS}
      from meters m
      join service_points sp on sp.utility_id = m.utility_id and sp.id = m.service_point_id
     where m.utility_id = ${utilityId} and (m.removed_on is null or m.removed_on > current_date) ${cond}
     order by ${order}
     limit ${page.limit} offset ${page.offset}`.execute(tx);
  return {
    total: rows.length ? Number(rows[0].total) : await countMeters(tx, utilityId, cond),
    items: rows.map((r) => ({
      id: Number(r.id),
      serialNumber: r.serial_number,
      role: r.role,
      radio: r.radio,
      legalizationValidUntil: civil(r.legalization_valid_until),
      installedOn: civil(r.installed_on)!,
      servicePoint: servicePoint(r),
    })),
  };
}

const ROLE_NAMES: Record<string, string> = { main: 'główny', sub: 'podlicznik', garden: 'ogrodowy', sewage: 'ścieków' };

/**
 * The whole list as CSV, for planning (e.g. the replacements of meters whose
 * verification lapses): read a page of 1,000 at a time, in the list's order.
 */
export async function metersCsv(tx: Tx, utilityId: number, filter: MeterFilter): Promise<string> {
  const rows: CsvValue[][] = [['Numer wodomierza', 'Rodzaj', 'Nakładka radiowa', 'Legalizacja ważna do', 'Zamontowany', 'Punkt poboru', 'Adres']];
  for (let offset = 0; ; offset += 1_000) {
    const page = await listMeters(tx, utilityId, filter, { limit: 1_000, offset });
    for (const m of page.items) {
      rows.push([m.serialNumber, ROLE_NAMES[m.role] ?? m.role, m.radio ? 'tak' : 'nie', m.legalizationValidUntil ? formatDate(m.legalizationValidUntil) : '', formatDate(m.installedOn), m.servicePoint.code, m.servicePoint.address]);
    }
    if (page.items.length < 1_000) break;
  }
  return csvTable(rows);
}

/** A page past the end has no rows to carry the total. */
async function countMeters(tx: Tx, utilityId: number, cond: ReturnType<typeof sql>) {
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from meters m
     where m.utility_id = ${utilityId} and (m.removed_on is null or m.removed_on > current_date) ${cond}`.execute(tx);
  return Number(rows[0].n);
}

export async function listRecentReadings(tx: Tx, utilityId: number, page: Page) {
  const total = await sql<{ n: number }>`
    select count(*)::int as n from readings where utility_id = ${utilityId} and read_at >= now() - interval '30 days'`.execute(tx);
  const { rows } = await sql<{
    id: number;
    read_at: Date | string;
    value_m3: string;
    source: string;
    status: string;
    serial_number: string;
  } & ServicePointRow>`
    select r.id, r.read_at, r.value_m3::text as value_m3, r.source, r.status, m.serial_number,
           ${SERVICE_POINT_COLUMNS}
      from readings r
      join meters m on m.utility_id = r.utility_id and m.id = r.meter_id
      join service_points sp on sp.utility_id = m.utility_id and sp.id = m.service_point_id
     where r.utility_id = ${utilityId} and r.read_at >= now() - interval '30 days'
     order by r.read_at desc, r.id desc
     limit ${page.limit} offset ${page.offset}`.execute(tx);
  return {
    total: Number(total.rows[0].n),
    items: rows.map((r) => ({
      id: Number(r.id),
      readAt: iso(r.read_at),
      valueM3: r.value_m3,
      source: r.source,
      status: r.status,
      meterSerial: r.serial_number,
      servicePoint: servicePoint(r),
    })),
  };
}
