/**
 * A meter as staff see it on its page, and its exchange: in one transaction
 * the old meter is removed with its final register (a `removal` reading) and
 * the new one installed at the same service point in the same role with its
 * initial register (an `installation` reading), the radio module moved with
 * it when asked, and the exchange written to the audit log. The rules are in
 * exchange.ts.
 */
import { sql } from 'kysely';
import type { Tx } from '../../db/tenant.ts';
import { notFound } from '../../lib/errors.ts';
import { formatAddress } from '../customers/service.ts';
import { recordAudit } from '../identity/audit.ts';
import { litresToM3, parseRegister } from '../readings/rules.ts';
import { warsawToday } from '../readings/submit.ts';
import { checkExchange, normalSerial, type ExchangeInput } from './exchange.ts';

const meterNotFound = () => notFound('meters.not_found', 'Nie ma takiego wodomierza.', 'No such meter.');
const civil = (d: Date | string | null) => (d === null ? null : d instanceof Date ? d.toISOString().slice(0, 10) : String(d).slice(0, 10));

/** The old meter's latest accepted reading, as a civil day in Poland and litres. */
async function lastReading(tx: Tx, meterId: number): Promise<{ day: string; litres: number } | null> {
  const { rows } = await sql<{ day: string; value: string }>`
    select (read_at at time zone 'Europe/Warsaw')::date::text as day, value_m3::text as value from readings
     where meter_id = ${meterId} and status = 'accepted' order by read_at desc limit 1`.execute(tx);
  return rows.length ? { day: rows[0].day, litres: parseRegister(rows[0].value) ?? 0 } : null;
}

export async function meterFile(tx: Tx, meterId: number) {
  const m = await tx
    .selectFrom('meters as m')
    .innerJoin('service_points as sp', (j) => j.onRef('sp.utility_id', '=', 'm.utility_id').onRef('sp.id', '=', 'm.service_point_id'))
    .select(['m.id', 'm.serial_number', 'm.role', 'm.installed_on', 'm.removed_on', 'm.legalization_valid_until', 'm.diameter_mm', 'm.manufacturer', 'm.model', 'm.radio_module_id', 'm.service_point_id', 'm.final_reading'])
    .select(['sp.code', 'sp.street', 'sp.building', 'sp.apartment', 'sp.postal_code', 'sp.locality'])
    .where('m.id', '=', meterId)
    .executeTakeFirst();
  if (!m) throw meterNotFound();
  const last = await lastReading(tx, meterId);
  const removedOn = civil(m.removed_on);
  // Its successor: the next meter installed at the same point in the same role on or after the removal.
  const next = removedOn
    ? await tx
        .selectFrom('meters')
        .select(['id', 'serial_number'])
        .where('service_point_id', '=', m.service_point_id)
        .where('role', '=', m.role)
        .where('id', '<>', m.id)
        .where('installed_on', '>=', removedOn)
        .orderBy('installed_on')
        .orderBy('id')
        .executeTakeFirst()
    : undefined;
  return {
    id: Number(m.id),
    serialNumber: m.serial_number,
    role: m.role,
    installedOn: civil(m.installed_on)!,
    removedOn,
    finalReading: m.final_reading === null ? null : String(m.final_reading),
    legalizationValidUntil: civil(m.legalization_valid_until),
    diameterMm: m.diameter_mm,
    manufacturer: m.manufacturer,
    model: m.model,
    radio: m.radio_module_id !== null,
    servicePoint: { code: m.code, address: formatAddress(m) },
    lastReading: last ? { day: last.day, valueM3: litresToM3(last.litres) } : null,
    replacedBy: next ? { id: Number(next.id), serialNumber: next.serial_number } : null,
  };
}

export async function exchangeMeter(tx: Tx, utilityId: number, meterId: number, input: ExchangeInput, actor: { userId: number; ip?: string }): Promise<{ newMeterId: number }> {
  // The row is locked: two clerks exchanging the same meter at once get one exchange and one refusal.
  const old = await tx
    .selectFrom('meters')
    .selectAll()
    .where('id', '=', meterId)
    .forUpdate()
    .executeTakeFirst();
  if (!old) throw meterNotFound();
  const serial = normalSerial(input.newSerial);
  const taken = await tx
    .selectFrom('meters')
    .select('id')
    .where('serial_number', '=', serial)
    .where((eb) => eb.or([eb('removed_on', 'is', null), eb('removed_on', '>', sql<string>`current_date`)]))
    .executeTakeFirst();
  const { rows: latest } = await sql<{ day: string | null; at: Date | null }>`
    select (max(read_at) at time zone 'Europe/Warsaw')::date::text as day, max(read_at) as at from readings
     where meter_id = ${meterId} and status <> 'rejected'`.execute(tx);
  const ok = checkExchange(input, {
    today: await warsawToday(tx),
    installedOn: civil(old.installed_on)!,
    removedOn: civil(old.removed_on),
    last: await lastReading(tx, meterId),
    lastDay: latest[0]?.day ?? null,
    serialTaken: taken !== undefined,
  });
  const moveRadio = (input.moveRadio ?? true) && old.radio_module_id !== null;
  // The final register at noon of the day (Polish time), or a second after the meter's last reading that
  // day if it was read later: nothing of the old meter comes after its removal. The new one's initial a second later.
  const removal = sql<Date>`greatest((${ok.date}::date + time '12:00')::timestamp at time zone 'Europe/Warsaw', ${latest[0]?.at ?? null}::timestamptz + interval '1 second')`;
  await tx
    .updateTable('meters')
    .set({ removed_on: ok.date, final_reading: litresToM3(ok.finalLitres), ...(moveRadio ? { radio_module_id: null } : {}) })
    .where('id', '=', meterId)
    .execute();
  const created = await tx
    .insertInto('meters')
    .values({
      utility_id: utilityId,
      service_point_id: old.service_point_id,
      role: old.role,
      serial_number: ok.serial,
      // The make is not asked for: unknown rather than the old meter's, which it need not be.
      manufacturer: null,
      model: null,
      diameter_mm: input.newDiameterMm ?? old.diameter_mm,
      installed_on: ok.date,
      initial_reading: litresToM3(ok.initialLitres),
      legalization_valid_until: ok.legalizationValidUntil,
      radio_module_id: moveRadio ? old.radio_module_id : null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const newMeterId = Number(created.id);
  await tx
    .insertInto('readings')
    .values([
      { utility_id: utilityId, meter_id: meterId, read_at: removal, value_m3: litresToM3(ok.finalLitres), source: 'removal', status: 'accepted', submitted_by: actor.userId },
      { utility_id: utilityId, meter_id: newMeterId, read_at: sql<Date>`${removal} + interval '1 second'`, value_m3: litresToM3(ok.initialLitres), source: 'installation', status: 'accepted', submitted_by: actor.userId },
    ])
    .execute();
  await recordAudit(tx, {
    utilityId,
    actorId: actor.userId,
    actorKind: 'staff',
    action: 'meter.exchange',
    entity: 'meter',
    entityId: meterId,
    ip: actor.ip,
    data: { date: ok.date, oldSerial: old.serial_number, finalM3: litresToM3(ok.finalLitres), newMeterId, newSerial: ok.serial, initialM3: litresToM3(ok.initialLitres), radioMoved: moveRadio },
  });
  return { newMeterId };
}
