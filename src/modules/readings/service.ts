/**
 * Readings history: a customer sees the readings of the meters at the
 * service points of their contracts, from the contract's start (not those of
 * a previous occupant); staff see any meter's.
 */
import { sql } from 'kysely';
import type { Tx } from '../../db/tenant.ts';
import { badRequest, notFound } from '../../lib/errors.ts';
import { heldReasonPl } from './held-reason.ts';

export interface ReadingFilter {
  meterId?: number;
  from?: string;
  to?: string;
  limit: number;
}

export interface ReadingItem {
  id: number;
  meterId: number;
  serialNumber: string;
  readAt: string;
  valueM3: string;
  source: string;
  status: string;
  /** Why it is held or was decided so (Polish: written by our rules or by staff). */
  statusReason: string | null;
  verifiedAt: string | null;
}

function checkRange(f: ReadingFilter) {
  if (f.from && f.to && f.from > f.to) {
    throw badRequest('readings.bad_range', 'Data „od” jest późniejsza niż data „do”.', 'The "from" date is after the "to" date.');
  }
}

interface Row {
  id: number;
  meter_id: number;
  serial_number: string;
  read_at: Date | string;
  value_m3: string;
  source: string;
  status: string;
  status_reason: string | null;
  verified_at: Date | string | null;
}

function toItem(r: Row): ReadingItem {
  return {
    id: r.id,
    meterId: r.meter_id,
    serialNumber: r.serial_number,
    readAt: new Date(r.read_at).toISOString(),
    valueM3: r.value_m3,
    source: r.source,
    status: r.status,
    // The plausibility rule's notes (remote and reader's readings) in Polish; a customer's held reading and
    // every staff decision carry a reason written for the customer.
    statusReason: heldReasonPl(r.status_reason),
    verifiedAt: r.verified_at === null ? null : new Date(r.verified_at).toISOString(),
  };
}


/** `to` is a civil date: the whole day counts (until the next midnight in Warsaw). */
const endOf = (d: string) => sql`(${d}::date + 1)::timestamp at time zone 'Europe/Warsaw'`;
const startOf = (d: string) => sql`${d}::date::timestamp at time zone 'Europe/Warsaw'`;

export async function customerReadings(tx: Tx, customerId: number, f: ReadingFilter): Promise<{ items: ReadingItem[] }> {
  checkRange(f);
  const rows = await sql<Row>`
    select r.id, r.meter_id, m.serial_number, r.read_at, r.value_m3, r.source, r.status, r.status_reason, r.verified_at
    from readings r
    join meters m on m.utility_id = r.utility_id and m.id = r.meter_id
    where exists (
      select 1 from contracts c
      where c.utility_id = m.utility_id and c.service_point_id = m.service_point_id and c.customer_id = ${customerId}
        and r.read_at >= c.valid_from::timestamp at time zone 'Europe/Warsaw'
        and (c.valid_to is null or r.read_at < (c.valid_to + 1)::timestamp at time zone 'Europe/Warsaw'))
      -- A rejected reading is shown only when it was the customer's own or a staff decision (with its reason).
      and (r.status <> 'rejected' or r.source = 'customer' or r.verified_at is not null)
      ${f.meterId ? sql`and r.meter_id = ${f.meterId}` : sql``}
      ${f.from ? sql`and r.read_at >= ${startOf(f.from)}` : sql``}
      ${f.to ? sql`and r.read_at < ${endOf(f.to)}` : sql``}
    order by r.read_at desc, r.id desc
    limit ${f.limit}`.execute(tx);
  return { items: rows.rows.map(toItem) };
}

export async function meterReadings(tx: Tx, meterId: number, f: ReadingFilter): Promise<{ items: ReadingItem[] }> {
  checkRange(f);
  const meter = await tx.selectFrom('meters').select('id').where('id', '=', meterId).executeTakeFirst();
  if (!meter) throw notFound('meters.not_found', 'Nie ma takiego wodomierza.', 'No such meter.');
  const rows = await sql<Row>`
    select r.id, r.meter_id, m.serial_number, r.read_at, r.value_m3, r.source, r.status, r.status_reason, r.verified_at
    from readings r join meters m on m.utility_id = r.utility_id and m.id = r.meter_id
    where r.meter_id = ${meterId}
      ${f.from ? sql`and r.read_at >= ${startOf(f.from)}` : sql``}
      ${f.to ? sql`and r.read_at < ${endOf(f.to)}` : sql``}
    order by r.read_at desc, r.id desc
    limit ${f.limit}`.execute(tx);
  return { items: rows.rows.map(toItem) };
}
