/**
 * Data-change requests: a portal user asks for a change of their customer's
 * data (with an optional document), staff approve it (the change is applied
 * to the customer and audited) or reject it with a reason; either way the
 * customer is told by e-mail and sees the outcome in the portal. Every
 * function runs in the request's tenant transaction.
 */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Tx } from '../../db/tenant.ts';
import type { AuthUser } from '../../http/access.ts';
import { badRequest, conflict, notFound } from '../../lib/errors.ts';
import { recordAudit } from '../identity/audit.ts';
import { queueEmail } from '../notify/index.ts';
import { decisionMessage } from './messages.ts';
import { decodeAttachment } from './attachment.ts';
import { addressText, validateChange, type ChangeInput, type ChangeableField } from './rules.ts';

export interface NewRequest extends ChangeInput {
  note?: string;
  attachment?: { name: string; data: string };
}

/** What is held now for a field, as people read it. */
export function currentValue(c: Record<string, unknown>, field: ChangeableField): string {
  const s = (k: string) => (c[k] as string | null) ?? '';
  if (field === 'address') return addressText({ street: s('street'), building: s('building'), apartment: s('apartment'), postalCode: s('postal_code'), city: s('city') });
  if (field === 'correspondence_address') {
    if (!c.correspondence_city) return '';
    return addressText({ street: s('correspondence_street'), building: s('correspondence_building'), apartment: s('correspondence_apartment'), postalCode: s('correspondence_postal_code'), city: s('correspondence_city') });
  }
  return s(field);
}

const view = (r: {
  id: number;
  customer_id: number;
  field: string;
  old_value: string;
  new_value: string;
  note: string;
  attachment_file_id: number | null;
  status: string;
  reason: string | null;
  created_at: Date | string;
  decided_at: Date | string | null;
}) => ({
  id: r.id,
  customerId: r.customer_id,
  field: r.field,
  oldValue: r.old_value,
  newValue: r.new_value,
  note: r.note,
  hasAttachment: r.attachment_file_id !== null,
  status: r.status,
  reason: r.reason,
  createdAt: new Date(r.created_at).toISOString(),
  decidedAt: r.decided_at ? new Date(r.decided_at).toISOString() : null,
});

const COLUMNS = ['id', 'customer_id', 'field', 'old_value', 'new_value', 'note', 'attachment_file_id', 'status', 'reason', 'created_at', 'decided_at'] as const;

export async function createRequest(tx: Tx, user: AuthUser, customerId: number, input: NewRequest, ip: string) {
  const change = validateChange(input);
  const note = (input.note ?? '').trim();
  if (note.length > 1000) throw badRequest('change_request.note_too_long', 'Uwagi mogą mieć najwyżej 1000 znaków.', 'The note may have at most 1000 characters.', { field: 'note' });
  const customer = await tx.selectFrom('customers').selectAll().where('id', '=', customerId).executeTakeFirst();
  if (!customer) throw notFound('customer.not_found', 'Nie znaleziono klienta.', 'No such customer.');
  const old = currentValue(customer, change.field);
  if (old === change.display) throw badRequest('change_request.same_value', 'Podana wartość jest taka sama jak obecna.', 'The new value is the same as the current one.', { field: 'value' });
  const pending = await tx
    .selectFrom('data_change_requests')
    .select('id')
    .where('customer_id', '=', customerId)
    .where('field', '=', change.field)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  if (pending) throw conflict('change_request.pending_exists', 'Wniosek o zmianę tych danych czeka już na rozpatrzenie.', 'A request to change this data is already waiting.');
  let fileId: number | null = null;
  if (input.attachment) {
    const { bytes, contentType } = decodeAttachment(input.attachment.data);
    const ext = contentType === 'application/pdf' ? 'pdf' : contentType === 'image/png' ? 'png' : 'jpg';
    const base = input.attachment.name.replace(/\.[^.]*$/, '').replace(/[^\p{L}\p{N}_ -]+/gu, '_').slice(0, 80) || 'zalacznik';
    const f = await tx
      .insertInto('files')
      .values({ utility_id: user.utilityId, name: `${base}.${ext}`, content_type: contentType, size_bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), data: bytes })
      .returning('id')
      .executeTakeFirstOrThrow();
    fileId = f.id;
  }
  const row = await tx
    .insertInto('data_change_requests')
    .values({
      utility_id: user.utilityId,
      customer_id: customerId,
      requested_by: user.id,
      field: change.field,
      old_value: old,
      new_value: change.display,
      patch: JSON.stringify(change.patch),
      note,
      attachment_file_id: fileId,
    })
    .returning(COLUMNS)
    .executeTakeFirstOrThrow();
  await recordAudit(tx, { utilityId: user.utilityId, actorId: user.id, actorKind: 'customer', action: 'change_request.created', entity: 'data_change_request', entityId: row.id, customerId, ip, data: { field: change.field } });
  return view(row);
}

export async function customerRequests(tx: Tx, customerId: number) {
  const rows = await tx.selectFrom('data_change_requests').select(COLUMNS).where('customer_id', '=', customerId).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(200).execute();
  return { items: rows.map(view) };
}

/** The staff queue: pending first (oldest first, so none waits for ever), then decided ones newest first. */
export async function staffQueue(tx: Tx, q: { status?: string; customerId?: number; limit: number; offset: number }) {
  let base = tx.selectFrom('data_change_requests as r').innerJoin('customers as c', (j) => j.onRef('c.utility_id', '=', 'r.utility_id').onRef('c.id', '=', 'r.customer_id'));
  if (q.status) base = base.where('r.status', '=', q.status);
  if (q.customerId) base = base.where('r.customer_id', '=', q.customerId);
  const [{ total }] = await base.select((eb) => eb.fn.countAll<number>().as('total')).execute();
  const rows = await base
    .select(['r.id', 'r.customer_id', 'r.field', 'r.old_value', 'r.new_value', 'r.note', 'r.attachment_file_id', 'r.status', 'r.reason', 'r.created_at', 'r.decided_at', 'c.name', 'c.customer_number'])
    .orderBy(sql`case when r.status = 'pending' then 0 else 1 end`)
    .orderBy(sql`case when r.status = 'pending' then r.created_at end`)
    .orderBy('r.decided_at', 'desc')
    .orderBy('r.id')
    .limit(q.limit)
    .offset(q.offset)
    .execute();
  return { items: rows.map((r) => ({ ...view(r), customerName: r.name, customerNumber: r.customer_number })), total: Number(total) };
}

export async function attachmentOf(tx: Tx, requestId: number) {
  const r = await tx
    .selectFrom('data_change_requests as r')
    .innerJoin('files as f', (j) => j.onRef('f.utility_id', '=', 'r.utility_id').onRef('f.id', '=', 'r.attachment_file_id'))
    .select(['f.name', 'f.content_type', 'f.data', 'r.customer_id'])
    .where('r.id', '=', requestId)
    .executeTakeFirst();
  if (!r) throw notFound('change_request.no_attachment', 'Ten wniosek nie ma załącznika.', 'This request has no attachment.');
  return { name: r.name, contentType: r.content_type, data: Buffer.from(r.data), customerId: r.customer_id };
}

async function pendingRequest(tx: Tx, requestId: number) {
  // Locked: two clerks deciding the same request at once do not both apply it.
  const r = await tx.selectFrom('data_change_requests').selectAll().where('id', '=', requestId).forUpdate().executeTakeFirst();
  if (!r) throw notFound('change_request.not_found', 'Nie znaleziono wniosku.', 'No such request.');
  if (r.status !== 'pending') throw conflict('change_request.already_decided', 'Ten wniosek został już rozpatrzony.', 'This request has already been decided.');
  return r;
}

async function tellCustomer(tx: Tx, utility: { id: number; name: string }, r: { customer_id: number; requested_by: number | null; field: string; new_value: string }, approved: boolean, reason: string | null, portalUrl: string) {
  const requester = r.requested_by ? await tx.selectFrom('users').select(['email', 'disabled_at']).where('id', '=', r.requested_by).executeTakeFirst() : undefined;
  const customer = await tx.selectFrom('customers').select(['email']).where('id', '=', r.customer_id).executeTakeFirstOrThrow();
  const to = requester && !requester.disabled_at ? requester.email : customer.email;
  if (!to) return;
  const msg = decisionMessage({ utilityName: utility.name }, { field: r.field, newValue: r.new_value, approved, reason, link: `${portalUrl}/portal/account` });
  await queueEmail(tx, { utilityId: utility.id, to, ...msg });
}

export async function approveRequest(tx: Tx, actor: AuthUser, utility: { id: number; name: string }, requestId: number, ip: string, portalUrl: string) {
  const r = await pendingRequest(tx, requestId);
  const patch = (typeof r.patch === 'string' ? JSON.parse(r.patch) : r.patch) as Record<string, string | null>;
  const before = await tx.selectFrom('customers').selectAll().where('id', '=', r.customer_id).executeTakeFirstOrThrow();
  const allowed = new Set(['name', 'email', 'phone', 'street', 'building', 'apartment', 'postal_code', 'city', 'correspondence_street', 'correspondence_building', 'correspondence_apartment', 'correspondence_postal_code', 'correspondence_city']);
  const set = Object.fromEntries(Object.entries(patch).filter(([k]) => allowed.has(k)));
  await tx.updateTable('customers').set({ ...set, updated_at: sql`now()` }).where('id', '=', r.customer_id).execute();
  const updated = await tx
    .updateTable('data_change_requests')
    .set({ status: 'approved', decided_by: actor.id, decided_at: sql`now()` })
    .where('id', '=', requestId)
    .returning(COLUMNS)
    .executeTakeFirstOrThrow();
  await recordAudit(tx, {
    utilityId: utility.id,
    actorId: actor.id,
    actorKind: 'staff',
    action: 'customer.data_changed',
    entity: 'customer',
    entityId: r.customer_id,
    customerId: r.customer_id,
    ip,
    data: { request: requestId, field: r.field, before: Object.fromEntries(Object.keys(set).map((k) => [k, (before as Record<string, unknown>)[k] ?? null])), after: set },
  });
  await tellCustomer(tx, utility, r, true, null, portalUrl);
  return view(updated);
}

export async function rejectRequest(tx: Tx, actor: AuthUser, utility: { id: number; name: string }, requestId: number, reason: string, ip: string, portalUrl: string) {
  const why = reason.replace(/\s+/g, ' ').trim();
  if (why.length < 3 || why.length > 1000) throw badRequest('change_request.reason_required', 'Prosimy podać powód odrzucenia (od 3 do 1000 znaków).', 'Please give the reason for the rejection (3 to 1000 characters).', { field: 'reason' });
  const r = await pendingRequest(tx, requestId);
  const updated = await tx
    .updateTable('data_change_requests')
    .set({ status: 'rejected', decided_by: actor.id, decided_at: sql`now()`, reason: why })
    .where('id', '=', requestId)
    .returning(COLUMNS)
    .executeTakeFirstOrThrow();
  await recordAudit(tx, { utilityId: utility.id, actorId: actor.id, actorKind: 'staff', action: 'change_request.rejected', entity: 'data_change_request', entityId: requestId, customerId: r.customer_id, ip, data: { field: r.field, reason: why } });
  await tellCustomer(tx, utility, r, false, why, portalUrl);
  return view(updated);
}
