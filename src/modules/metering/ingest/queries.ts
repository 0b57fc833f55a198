/** Staff views of remote reading: uploads, quarantine, alarm tasks. */
import { sql } from 'kysely';
import type { Tx } from '../../../db/tenant.ts';
import { notFound } from '../../../lib/errors.ts';

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

export async function listUploads(tx: Tx, limit: number, offset: number) {
  const rows = await tx.selectFrom('walkby_uploads').selectAll().orderBy('id', 'desc').limit(limit).offset(offset).execute();
  const total = await tx.selectFrom('walkby_uploads').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
  return {
    items: rows.map((r) => ({
      id: r.id,
      fileName: r.file_name,
      sourceName: r.source_name,
      createdAt: iso(r.created_at)!,
      lines: r.lines,
      telegrams: r.telegrams,
      readings: r.readings,
      duplicates: r.duplicates,
      quarantined: r.quarantined,
      badLines: r.bad_lines,
      durationMs: r.duration_ms,
    })),
    total: total.n,
  };
}

export async function listQuarantine(tx: Tx, reason: string | undefined, limit: number, offset: number) {
  let q = tx.selectFrom('quarantine as q');
  if (reason) q = q.where('q.reason', '=', reason);
  const rows = await q
    .select([
      'q.id',
      'q.received_at',
      'q.source',
      'q.source_detail',
      'q.reason',
      'q.message',
      'q.manufacturer',
      'q.radio_id',
      sql<string>`upper(encode(q.raw, 'hex'))`.as('hex'),
    ])
    .orderBy('q.id', 'desc')
    .limit(limit)
    .offset(offset)
    .execute();
  let c = tx.selectFrom('quarantine').select(sql<number>`count(*)::int`.as('n'));
  if (reason) c = c.where('reason', '=', reason);
  const total = await c.executeTakeFirstOrThrow();
  return {
    items: rows.map((r) => ({
      id: r.id,
      receivedAt: iso(r.received_at)!,
      source: r.source,
      sourceDetail: r.source_detail,
      reason: r.reason,
      message: r.message,
      manufacturer: r.manufacturer,
      radioId: r.radio_id,
      hex: r.hex,
    })),
    total: total.n,
  };
}

function task(r: { id: number; kind: string; title: string; meter_id: number | null; customer_id: number | null; opened_at: Date | string; closed_at: Date | string | null; status: string }) {
  return {
    id: r.id,
    kind: r.kind,
    title: r.title,
    meterId: r.meter_id,
    customerId: r.customer_id,
    openedAt: iso(r.opened_at)!,
    closedAt: iso(r.closed_at),
    status: r.status,
  };
}

export async function listTasks(tx: Tx, status: 'open' | 'closed' | undefined, limit: number, offset: number) {
  let q = tx.selectFrom('staff_tasks').selectAll();
  if (status) q = q.where('status', '=', status);
  const rows = await q.orderBy('opened_at', 'desc').orderBy('id', 'desc').limit(limit).offset(offset).execute();
  return { items: rows.map(task) };
}

export async function closeTask(tx: Tx, taskId: number, userId: number) {
  const row = await tx
    .updateTable('staff_tasks')
    .set({ status: 'closed', closed_at: new Date(), closed_by: userId })
    .where('id', '=', taskId)
    .where('status', '=', 'open')
    .returningAll()
    .executeTakeFirst();
  if (row) return task(row);
  const exists = await tx.selectFrom('staff_tasks').selectAll().where('id', '=', taskId).executeTakeFirst();
  if (!exists) throw notFound('tasks.not_found', 'Nie ma takiego zadania.', 'No such task.');
  return task(exists); // already closed: closing again changes nothing
}
