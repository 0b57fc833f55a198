/**
 * A reading submitted by the customer in the portal (with an optional photo
 * of the register). Judged by rules.ts, the same module the form uses; a
 * confirmed jump is stored as 'pending' for the verification queue. Only a
 * meter in service at a service point of the customer's open contract.
 */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Tx } from '../../db/tenant.ts';
import { AppError, badRequest, conflict, notFound } from '../../lib/errors.ts';
import { recordAudit } from '../identity/audit.ts';
import { contractOpen, meterBasis, meterInService } from './portal.ts';
import { judgeSubmission, jumpReason, messages, sniffPhoto, type ReadingPhotoType, type RuleMessage } from './rules.ts';

export interface CustomerReadingInput {
  utilityId: number;
  userId: number;
  customerId: number;
  meterId: number;
  value: string;
  confirmed: boolean;
  photo: { bytes: Buffer; name: string } | null;
  ip?: string;
}

export const ruleError = (m: RuleMessage, details?: Record<string, unknown>) => badRequest(m.code, m.pl, m.en, details);

/** The civil date today in the utility's time zone. */
export async function warsawToday(tx: Tx): Promise<string> {
  const { rows } = await sql<{ d: string }>`select (now() at time zone 'Europe/Warsaw')::date::text as d`.execute(tx);
  return rows[0].d;
}

export function checkedPhoto(bytes: Buffer): ReadingPhotoType {
  if (bytes.length === 0) throw ruleError(messages.photoEmpty);
  const type = sniffPhoto(bytes);
  if (!type) throw ruleError(messages.photoType);
  return type;
}

export async function submitCustomerReading(tx: Tx, input: CustomerReadingInput, now = new Date()) {
  const today = await warsawToday(tx);
  const meter = await tx.selectFrom('meters').select(['id', 'service_point_id', 'removed_on', 'serial_number']).where('id', '=', input.meterId).executeTakeFirst();
  const contracts = meter
    ? await tx
        .selectFrom('contracts')
        .select(['status', 'valid_to'])
        .where('customer_id', '=', input.customerId)
        .where('service_point_id', '=', meter.service_point_id)
        .execute()
    : [];
  // A meter of someone else's premises is "not found", never "not yours": ids reveal nothing.
  if (!meter || contracts.length === 0) throw notFound('readings.meter_not_found', 'Nie znaleziono takiego wodomierza wśród umów klienta.', "No such meter among the customer's contracts.");
  if (!contracts.some((k) => contractOpen(k, today))) {
    throw conflict('readings.contract_closed', 'Umowa dla tego punktu jest zakończona: nie można podać odczytu.', 'The contract for this service point has ended: no reading can be submitted.');
  }
  if (!meterInService(meter, today)) {
    throw conflict('readings.meter_removed', 'Ten wodomierz został zdemontowany: nie można podać jego odczytu.', 'This meter was removed: no reading can be submitted for it.');
  }
  const basis = await meterBasis(tx, meter.id);
  const verdict = judgeSubmission(input.value, basis, now.getTime(), input.confirmed);
  if (!verdict.ok) {
    if (verdict.needsConfirmation) {
      throw new AppError('conflict', verdict.error.code, { pl: verdict.error.pl, en: verdict.error.en }, { needsConfirmation: true });
    }
    throw ruleError(verdict.error);
  }
  let photoFileId: number | null = null;
  if (input.photo) {
    const type = checkedPhoto(input.photo.bytes);
    const ext = type === 'image/png' ? 'png' : type === 'image/heic' ? 'heic' : 'jpg';
    const file = await tx
      .insertInto('files')
      .values({
        utility_id: input.utilityId,
        name: `odczyt-klienta-${meter.serial_number}-${now.toISOString().slice(0, 10)}.${ext}`,
        content_type: type,
        size_bytes: input.photo.bytes.length,
        sha256: createHash('sha256').update(input.photo.bytes).digest('hex'),
        data: input.photo.bytes,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    photoFileId = Number(file.id);
  }
  const reason = verdict.jump ? jumpReason(verdict.jump.usedM3, verdict.jump.days) : null;
  const reading = await tx
    .insertInto('readings')
    .values({
      utility_id: input.utilityId,
      meter_id: meter.id,
      read_at: now,
      value_m3: verdict.valueM3,
      source: 'customer',
      status: verdict.status,
      status_reason: reason,
      submitted_by: input.userId,
      photo_file_id: photoFileId,
    })
    .returning(['id', 'read_at'])
    .executeTakeFirstOrThrow();
  await recordAudit(tx, {
    utilityId: input.utilityId,
    actorId: input.userId,
    actorKind: 'customer',
    action: 'reading.submit',
    entity: 'reading',
    entityId: reading.id,
    customerId: input.customerId,
    ip: input.ip,
    data: { meterId: meter.id, valueM3: verdict.valueM3, status: verdict.status, photo: photoFileId !== null },
  });
  return {
    id: Number(reading.id),
    meterId: Number(meter.id),
    valueM3: verdict.valueM3,
    readAt: new Date(reading.read_at).toISOString(),
    status: verdict.status,
    statusReason: reason,
  };
}
