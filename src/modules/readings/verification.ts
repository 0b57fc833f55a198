/**
 * The verification queue: every reading held as 'pending' (a customer's
 * confirmed jump, a remote or reader's reading below the last or far above
 * the usual) waits here for staff. A decision is one of
 *   accept  — the reading counts as read;
 *   reject  — it never counts (kept, with the reason);
 *   correct — a new reading by staff at the same moment replaces it, the
 *             held one is kept as rejected and the new one names it;
 * always with a reason, written to the audit log. The customer sees the
 * status and the reason in their readings list.
 */
import { sql } from 'kysely';
import type { Tx } from '../../db/tenant.ts';
import { badRequest, conflict, notFound } from '../../lib/errors.ts';
import { recordAudit } from '../identity/audit.ts';
import { heldReasonPl } from './held-reason.ts';
import { litresToM3, messages, parseRegister } from './rules.ts';
import { ruleError } from './submit.ts';

export type Decision = 'accept' | 'reject' | 'correct';

export interface QueueFilter {
  source?: string;
  limit: number;
  offset: number;
}

interface QueueRow {
  id: number;
  meter_id: number;
  serial_number: string;
  role: string;
  read_at: Date | string;
  value_m3: string;
  source: string;
  status_reason: string | null;
  photo_type: string | null;
  prev_value: string | null;
  prev_at: Date | string | null;
  customer_id: number | null;
  customer_number: string | null;
  customer_name: string | null;
  street: string;
  building: string;
  apartment: string | null;
  locality: string;
  alarms: string[] | null;
  total: number;
}

const iso = (d: Date | string) => new Date(d).toISOString();

/** Pending readings, oldest first (the longest waiting first), with what a clerk needs to decide. */
export async function verificationQueue(tx: Tx, f: QueueFilter) {
  const { rows } = await sql<QueueRow>`
    select r.id, r.meter_id, m.serial_number, m.role, r.read_at, r.value_m3::text as value_m3, r.source, r.status_reason,
           f.content_type as photo_type,
           p.value_m3::text as prev_value, p.read_at as prev_at,
           c.id as customer_id, c.customer_number, c.name as customer_name,
           sp.street, sp.building, sp.apartment, sp.locality,
           (select json_agg(distinct t.kind) from staff_tasks t where t.utility_id = m.utility_id and t.meter_id = m.id and t.status = 'open') as alarms,
           count(*) over ()::int as total
      from readings r
      join meters m on m.utility_id = r.utility_id and m.id = r.meter_id
      join service_points sp on sp.utility_id = m.utility_id and sp.id = m.service_point_id
      left join files f on f.utility_id = r.utility_id and f.id = r.photo_file_id
      left join lateral (
        select x.value_m3, x.read_at from readings x
         where x.utility_id = r.utility_id and x.meter_id = r.meter_id and x.status = 'accepted' and x.read_at < r.read_at
         order by x.read_at desc limit 1) p on true
      left join lateral (
        select k.customer_id from contracts k
         where k.utility_id = sp.utility_id and k.service_point_id = sp.id
           and k.valid_from <= (r.read_at at time zone 'Europe/Warsaw')::date
         order by k.valid_from desc limit 1) kc on true
      left join customers c on c.utility_id = r.utility_id and c.id = kc.customer_id
     where r.status = 'pending'
       ${f.source ? sql`and r.source = ${f.source}` : sql``}
     order by r.read_at, r.id
     limit ${f.limit} offset ${f.offset}`.execute(tx);
  return {
    total: rows[0]?.total ?? (await countPending(tx, f.source)),
    items: rows.map((r) => ({
      id: Number(r.id),
      meterId: Number(r.meter_id),
      serialNumber: r.serial_number,
      role: r.role,
      readAt: iso(r.read_at),
      valueM3: r.value_m3,
      source: r.source,
      statusReason: heldReasonPl(r.status_reason),
      photoType: r.photo_type,
      previous: r.prev_value !== null && r.prev_at !== null ? { valueM3: r.prev_value, readAt: iso(r.prev_at) } : null,
      customer: r.customer_id !== null ? { id: Number(r.customer_id), customerNumber: r.customer_number!, name: r.customer_name! } : null,
      address: `${r.street} ${r.building}${r.apartment ? `/${r.apartment}` : ''}, ${r.locality}`,
      openAlarms: r.alarms ?? [],
    })),
  };
}

async function countPending(tx: Tx, source?: string): Promise<number> {
  let q = tx.selectFrom('readings').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'pending');
  if (source) q = q.where('source', '=', source);
  return Number((await q.executeTakeFirstOrThrow()).n);
}

export interface DecisionInput {
  utilityId: number;
  userId: number;
  readingId: number;
  decision: Decision;
  reason: string;
  valueM3?: string;
  ip?: string;
}

export async function decideReading(tx: Tx, d: DecisionInput) {
  const reason = d.reason.trim();
  if (!reason) throw badRequest('verification.reason_required', 'Prosimy podać powód decyzji.', 'Please give the reason for the decision.');
  // Locked, so two clerks deciding at once cannot both pass the "still pending" check.
  const { rows } = await sql<{ id: number; meter_id: number; read_at: Date; value_m3: string; source: string; status: string; status_reason: string | null }>`
    select id, meter_id, read_at, value_m3::text as value_m3, source, status, status_reason from readings where id = ${d.readingId} for update`.execute(tx);
  const r = rows[0];
  if (!r) throw notFound('verification.not_found', 'Nie ma takiego odczytu.', 'No such reading.');
  if (r.status !== 'pending') {
    throw conflict('verification.not_pending', 'Ten odczyt nie czeka już na weryfikację (ktoś inny mógł go rozpatrzyć).', 'This reading no longer waits for verification (someone else may have decided it).');
  }
  let newReadingId: number | null = null;
  let correctedM3: string | null = null;
  if (d.decision === 'correct') {
    const litres = parseRegister(d.valueM3 ?? '');
    if (litres === null) throw ruleError(messages.valueInvalid, { field: 'valueM3' });
    correctedM3 = litresToM3(litres);
    const clash = await tx.selectFrom('readings').select('id').where('meter_id', '=', r.meter_id).where('read_at', '=', r.read_at).where('source', '=', 'staff').executeTakeFirst();
    if (clash) {
      throw conflict('verification.same_time', 'Ten wodomierz ma już odczyt pracownika z tej samej chwili.', 'This meter already has a staff reading taken at that moment.');
    }
    const row = await tx
      .insertInto('readings')
      .values({
        utility_id: d.utilityId,
        meter_id: r.meter_id,
        read_at: r.read_at,
        value_m3: correctedM3,
        source: 'staff',
        status: 'accepted',
        status_reason: reason,
        submitted_by: d.userId,
        verified_by: d.userId,
        verified_at: sql<Date>`now()`,
        corrects_reading_id: r.id,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    newReadingId = Number(row.id);
  }
  await tx
    .updateTable('readings')
    .set({
      status: d.decision === 'accept' ? 'accepted' : 'rejected',
      status_reason: d.decision === 'correct' ? `Poprawiono na ${correctedM3!.replace('.', ',')} m³: ${reason}` : reason,
      verified_by: d.userId,
      verified_at: sql<Date>`now()`,
    })
    .where('id', '=', r.id)
    .execute();
  await recordAudit(tx, {
    utilityId: d.utilityId,
    actorId: d.userId,
    actorKind: 'staff',
    action: `reading.${d.decision}`,
    entity: 'reading',
    entityId: r.id,
    ip: d.ip,
    data: { meterId: Number(r.meter_id), valueM3: r.value_m3, source: r.source, heldFor: r.status_reason, reason, correctedM3, newReadingId },
  });
  return { id: Number(r.id), status: d.decision === 'accept' ? 'accepted' : 'rejected', newReadingId };
}
