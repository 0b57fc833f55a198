/**
 * The customer's "Umowy": contracts with their service points and meters
 * (serial, role, diameter, installation, radio, legal verification), each
 * meter's latest accepted reading, readings waiting for verification and
 * open leak/burst alarms, plus what the reading form needs to judge a value
 * at once (the last register and the usual daily consumption). One
 * statement for all of a portal user's customers.
 */
import { sql } from 'kysely';
import type { Tx } from '../../db/tenant.ts';
import { formatAddress } from '../customers/service.ts';
import { averageDaily, type KnownReading } from '../metering/ingest/plausibility.ts';

/** A contract that has ended, or whose end date is past, takes no readings. */
export const contractOpen = (k: { status: string; valid_to: string | null }, today: string) => k.status === 'active' && (k.valid_to === null || k.valid_to >= today);
/** A meter removed on or before today takes no readings. */
export const meterInService = (m: { removed_on: string | null }, today: string) => m.removed_on === null || m.removed_on > today;

interface MeterJson {
  id: number;
  role: string;
  serial_number: string;
  diameter_mm: number | null;
  installed_on: string;
  removed_on: string | null;
  legalization_valid_until: string | null;
  radio: boolean;
  initial_reading: string;
  last: { value_m3: string; read_at: string; source: string } | null;
  first_year: { value_m3: string; read_at: string } | null;
  pending: number;
  alarms: string[] | null;
}

interface ContractJson {
  id: number;
  contract_number: string;
  kind: string;
  status: string;
  valid_from: string;
  valid_to: string | null;
  tariff_group_code: string;
  service_point_id: number;
  code: string;
  street: string;
  building: string;
  apartment: string | null;
  postal_code: string;
  locality: string;
  meters: MeterJson[];
}

export interface PortalMeter {
  id: number;
  role: string;
  serialNumber: string;
  diameterMm: number | null;
  installedOn: string;
  removedOn: string | null;
  legalizationValidUntil: string | null;
  radio: boolean;
  inService: boolean;
  lastReading: { valueM3: string; readAt: string; source: string } | null;
  /** What a new reading is judged against: the last accepted register (or the initial one), ms epoch. */
  judgeBasis: { valueM3: string; at: number } | null;
  avgDailyM3: number | null;
  pendingReadings: number;
  openAlarms: string[];
}

const DAY = 86_400_000;

/** The customers' contracts, newest first, with all their meters (removed ones too: their history stays readable). */
export async function portalContracts(tx: Tx, utilityId: number, customerIds: number[], today: string) {
  if (!customerIds.length) return { customers: [] };
  const { rows } = await sql<{ id: number; customer_number: string; name: string; contracts: ContractJson[] }>`
    select c.id, c.customer_number, c.name, coalesce((
      select json_agg(json_build_object(
        'id', k.id, 'contract_number', k.contract_number, 'kind', k.kind, 'status', k.status,
        'valid_from', k.valid_from, 'valid_to', k.valid_to, 'tariff_group_code', k.tariff_group_code,
        'service_point_id', sp.id, 'code', sp.code, 'street', sp.street, 'building', sp.building,
        'apartment', sp.apartment, 'postal_code', sp.postal_code, 'locality', sp.locality,
        'meters', coalesce((
          select json_agg(json_build_object(
            'id', m.id, 'role', m.role, 'serial_number', m.serial_number, 'diameter_mm', m.diameter_mm,
            'installed_on', m.installed_on, 'removed_on', m.removed_on,
            'legalization_valid_until', m.legalization_valid_until, 'radio', m.radio_module_id is not null,
            'initial_reading', m.initial_reading::text,
            'last', (select json_build_object('value_m3', r.value_m3::text, 'read_at', r.read_at, 'source', r.source)
                       from readings r where r.utility_id = m.utility_id and r.meter_id = m.id and r.status = 'accepted'
                      order by r.read_at desc limit 1),
            'first_year', (select json_build_object('value_m3', r.value_m3::text, 'read_at', r.read_at)
                       from readings r where r.utility_id = m.utility_id and r.meter_id = m.id and r.status = 'accepted'
                        and r.read_at >= (select max(x.read_at) - interval '365 days' from readings x
                                           where x.utility_id = m.utility_id and x.meter_id = m.id and x.status = 'accepted')
                      order by r.read_at asc limit 1),
            'pending', (select count(*) from readings r where r.utility_id = m.utility_id and r.meter_id = m.id and r.status = 'pending'),
            'alarms', (select json_agg(distinct t.kind) from staff_tasks t
                        where t.utility_id = m.utility_id and t.meter_id = m.id and t.status = 'open' and t.kind in ('leak', 'burst')))
            order by (m.removed_on is not null), case m.role when 'main' then 0 else 1 end, m.installed_on desc, m.id)
          from meters m where m.utility_id = sp.utility_id and m.service_point_id = sp.id
            and m.installed_on <= coalesce(k.valid_to, m.installed_on)
            and (m.removed_on is null or m.removed_on >= k.valid_from)), '[]'::json))
        order by (k.status = 'active') desc, k.valid_from desc, k.id)
        from contracts k join service_points sp on sp.utility_id = k.utility_id and sp.id = k.service_point_id
       where k.utility_id = c.utility_id and k.customer_id = c.id), '[]'::json) as contracts
      from customers c
     where c.utility_id = ${utilityId} and c.id in (${sql.join(customerIds)})
     order by c.name, c.id`.execute(tx);
  return {
    customers: rows.map((c) => ({
      id: Number(c.id),
      customerNumber: c.customer_number,
      name: c.name,
      contracts: c.contracts.map((k) => {
        const open = contractOpen(k, today);
        return {
          id: k.id,
          contractNumber: k.contract_number,
          kind: k.kind,
          status: k.status,
          validFrom: k.valid_from,
          validTo: k.valid_to,
          open,
          tariffGroup: k.tariff_group_code,
          servicePoint: { id: k.service_point_id, code: k.code, address: formatAddress(k) },
          meters: k.meters.map((m): PortalMeter => meterOf(m, open && meterInService(m, today))),
        };
      }),
    })),
  };
}

function meterOf(m: MeterJson, inService: boolean): PortalMeter {
  const known = (r: { value_m3: string; read_at: string } | null): KnownReading | null => (r ? { at: Date.parse(r.read_at), valueM3: Number(r.value_m3) } : null);
  const last = known(m.last);
  const basis = m.last
    ? { valueM3: m.last.value_m3, at: Date.parse(m.last.read_at) }
    : { valueM3: m.initial_reading, at: Date.parse(`${m.installed_on}T00:00:00Z`) };
  return {
    id: m.id,
    role: m.role,
    serialNumber: m.serial_number,
    diameterMm: m.diameter_mm,
    installedOn: m.installed_on,
    removedOn: m.removed_on,
    legalizationValidUntil: m.legalization_valid_until,
    radio: m.radio,
    inService,
    lastReading: m.last ? { valueM3: m.last.value_m3, readAt: new Date(m.last.read_at).toISOString(), source: m.last.source } : null,
    judgeBasis: basis,
    avgDailyM3: averageDaily(known(m.first_year), last),
    pendingReadings: Number(m.pending),
    openAlarms: m.alarms ?? [],
  };
}

/** The judge's basis for one meter (the same as the portal shows): last accepted or initial register, and the usual use. */
export async function meterBasis(tx: Tx, meterId: number) {
  const meter = await tx.selectFrom('meters').select(['initial_reading', 'installed_on']).where('id', '=', meterId).executeTakeFirstOrThrow();
  const accepted = tx.selectFrom('readings').select(['value_m3', 'read_at']).where('meter_id', '=', meterId).where('status', '=', 'accepted');
  const lastRow = await accepted.orderBy('read_at', 'desc').limit(1).executeTakeFirst();
  const last = lastRow ? { at: new Date(lastRow.read_at).getTime(), valueM3: Number(lastRow.value_m3) } : null;
  const firstRow = last
    ? await accepted.where('read_at', '>=', new Date(last.at - 365 * DAY)).orderBy('read_at', 'asc').limit(1).executeTakeFirst()
    : undefined;
  const first = firstRow ? { at: new Date(firstRow.read_at).getTime(), valueM3: Number(firstRow.value_m3) } : null;
  return {
    last: lastRow ? { valueM3: String(lastRow.value_m3), at: last!.at } : { valueM3: String(meter.initial_reading), at: Date.parse(`${meter.installed_on}T00:00:00Z`) },
    avgDailyM3: averageDaily(first, last),
  };
}
