/**
 * The SQL of reading routes: a route's stops with their current main
 * meters, each meter's last reading and whether it was read (or heard by
 * radio) in a period, and which meters have an open alarm.
 */
import { sql } from 'kysely';
import type { Tx } from '../../../db/tenant.ts';
import { openAlarmMeterIds } from '../ingest/alarms.ts';
import { UTILITY_TIME_ZONE, addDays } from './period.ts';

export interface Period {
  from: string;
  to: string;
}

export interface StopMeterRow {
  id: number;
  serialNumber: string;
  radio: boolean;
  radioId: string | null;
  lastReading: { id: number; valueM3: string; readAt: string; source: string; status: string; photo: boolean } | null;
  read: boolean;
  heard: boolean;
  alarm: boolean;
}

export interface StopRow {
  position: number;
  servicePointId: number;
  code: string;
  street: string;
  building: string;
  apartment: string | null;
  postalCode: string;
  locality: string;
  meters: StopMeterRow[];
  status: 'read' | 'missing';
  alarm: boolean;
}

export interface Counts {
  total: number;
  read: number;
  missing: number;
  alarm: number;
}

interface RawRow {
  position: number;
  service_point_id: number;
  code: string;
  street: string;
  building: string;
  apartment: string | null;
  postal_code: string;
  locality: string;
  meter_id: number | null;
  serial_number: string | null;
  radio_id: string | null;
  last_id: number | null;
  last_value: string | null;
  last_photo: boolean | null;
  last_read_at: Date | null;
  last_source: string | null;
  last_status: string | null;
  read_count: number | null;
  heard: boolean | null;
}

/** The start of a civil date in the utility's time zone, as a timestamptz expression. */
const startOf = (date: string) => sql`((${date}::date)::timestamp at time zone ${UTILITY_TIME_ZONE})`;

/** A route's stops in walking order with their meters and the period's state. */
export async function routeStops(tx: Tx, routeId: number, period: Period): Promise<StopRow[]> {
  const { rows } = await sql<RawRow>`
    select s.position, sp.id as service_point_id, sp.code, sp.street, sp.building, sp.apartment, sp.postal_code, sp.locality,
      m.id as meter_id, m.serial_number, rm.radio_id,
      lr.id as last_id, lr.value_m3 as last_value, lr.photo as last_photo, lr.read_at as last_read_at, lr.source as last_source, lr.status as last_status,
      p.n as read_count, p.heard
    from reading_route_stops s
    join service_points sp on sp.utility_id = s.utility_id and sp.id = s.service_point_id
    left join meters m on m.utility_id = s.utility_id and m.service_point_id = sp.id and m.role = 'main' and m.removed_on is null
    left join radio_modules rm on rm.utility_id = m.utility_id and rm.id = m.radio_module_id
    left join lateral (
      select r.id, r.value_m3, r.read_at, r.source, r.status, r.photo_file_id is not null as photo from readings r
      where r.utility_id = m.utility_id and r.meter_id = m.id and r.status <> 'rejected'
      order by r.read_at desc, r.id desc limit 1
    ) lr on true
    left join lateral (
      select count(*)::int as n, coalesce(bool_or(r.source = 'remote'), false) as heard from readings r
      where r.utility_id = m.utility_id and r.meter_id = m.id and r.status <> 'rejected'
        and r.read_at >= ${startOf(period.from)} and r.read_at < ${startOf(addDays(period.to, 1))}
    ) p on true
    where s.route_id = ${routeId}
    order by s.position, m.id`.execute(tx);

  const alarms = await openAlarmMeterIds(
    tx,
    rows.flatMap((r) => (r.meter_id === null ? [] : [r.meter_id])),
  );
  const stops: StopRow[] = [];
  for (const r of rows) {
    let stop = stops.at(-1);
    if (!stop || stop.position !== r.position) {
      stop = {
        position: r.position,
        servicePointId: r.service_point_id,
        code: r.code,
        street: r.street,
        building: r.building,
        apartment: r.apartment,
        postalCode: r.postal_code,
        locality: r.locality,
        meters: [],
        status: 'missing',
        alarm: false,
      };
      stops.push(stop);
    }
    if (r.meter_id === null) continue;
    stop.meters.push({
      id: r.meter_id,
      serialNumber: r.serial_number ?? '',
      radio: r.radio_id !== null,
      radioId: r.radio_id,
      lastReading:
        r.last_read_at === null
          ? null
          : {
              id: r.last_id ?? 0,
              valueM3: r.last_value ?? '0',
              readAt: new Date(r.last_read_at).toISOString(),
              source: r.last_source ?? '',
              status: r.last_status ?? '',
              photo: r.last_photo ?? false,
            },
      read: (r.read_count ?? 0) > 0,
      heard: r.heard ?? false,
      alarm: alarms.has(r.meter_id),
    });
  }
  for (const s of stops) {
    // A stop is read when every current main meter there was read; one with no meter left has nothing to read.
    s.status = s.meters.length > 0 && s.meters.every((m) => m.read) ? 'read' : 'missing';
    s.alarm = s.meters.some((m) => m.alarm);
  }
  return stops;
}

export function countStops(stops: readonly StopRow[]): Counts {
  const read = stops.filter((s) => s.status === 'read').length;
  return { total: stops.length, read, missing: stops.length - read, alarm: stops.filter((s) => s.alarm).length };
}
