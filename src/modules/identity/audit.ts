/**
 * The audit log: who did what, when, from where. Identity writes sign-ins,
 * failures, registrations and password changes; other modules may use it too.
 */
import type { Tx } from '../../db/tenant.ts';

export interface AuditEntry {
  utilityId: number;
  actorId?: number | null;
  actorKind: 'customer' | 'staff' | 'system' | 'anonymous';
  action: string;
  entity: string;
  entityId?: string | number | null;
  customerId?: number | null;
  ip?: string | null;
  data?: Record<string, unknown>;
}

export async function recordAudit(tx: Tx, e: AuditEntry): Promise<void> {
  await tx
    .insertInto('audit_log')
    .values({
      utility_id: e.utilityId,
      actor_id: e.actorId ?? null,
      actor_kind: e.actorKind,
      action: e.action,
      entity: e.entity,
      entity_id: e.entityId == null ? null : String(e.entityId),
      customer_id: e.customerId ?? null,
      ip: e.ip ?? null,
      data: JSON.stringify(e.data ?? {}),
    })
    .execute();
}
