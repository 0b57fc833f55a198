/**
 * What staff do with accounts: create staff users with roles, give a customer
 * one more portal user (only staff may: self-registration makes the first),
 * change roles or disable an account, reset a colleague's two-factor set-up. Every change is audited and the new
 * account's owner is told by e-mail.
 */
import { sql } from 'kysely';
import type { Tx } from '../../db/tenant.ts';
import { STAFF_ROLES, type AuthUser, type StaffRole } from '../../http/access.ts';
import { badRequest, conflict, notFound } from '../../lib/errors.ts';
import { queueEmail } from '../notify/index.ts';
import { accountCreatedMessage } from '../notify/templates.ts';
import { recordAudit } from './audit.ts';
import type { RequestInfo } from './context.ts';
import type { Mailing } from './registration.ts';
import { destroyUserSessions } from './sessions.ts';
import { createPortalUser, createStaffUser, findUserByEmail, getCustomerForIdentity, linkCustomer } from './users.ts';

export async function addStaffUser(
  tx: Tx,
  info: RequestInfo,
  actor: AuthUser,
  input: { email: string; name: string; roles: StaffRole[]; password: string },
  mail: Mailing,
): Promise<{ id: number }> {
  const user = await createStaffUser(tx, { utilityId: info.utilityId, ...input, mustChangePassword: true });
  const msg = accountCreatedMessage({ utilityName: mail.utilityName }, { loginUrl: `${mail.portalUrl}/login`, email: input.email.trim(), staff: true });
  await queueEmail(tx, { utilityId: info.utilityId, to: input.email.trim(), ...msg });
  await recordAudit(tx, {
    utilityId: info.utilityId,
    actorId: actor.id,
    actorKind: 'staff',
    action: 'user.staff_created',
    entity: 'user',
    entityId: user.id,
    ip: info.ip,
    data: { roles: input.roles },
  });
  return user;
}

/**
 * Gives a customer a portal user: links an existing portal account with that
 * address, or creates one with a first password that must be changed.
 */
export async function addPortalUser(
  tx: Tx,
  info: RequestInfo,
  actor: AuthUser,
  customerId: number,
  input: { email: string; name?: string; password?: string },
  mail: Mailing,
): Promise<{ userId: number; created: boolean }> {
  const customer = await getCustomerForIdentity(tx, customerId);
  const existing = await findUserByEmail(tx, input.email);
  let userId: number;
  let created = false;
  if (existing) {
    if (existing.kind !== 'customer') {
      throw conflict('user.not_portal_user', 'Ten adres należy do konta pracownika.', 'This address belongs to a staff account.');
    }
    await linkCustomer(tx, info.utilityId, existing.id, customerId);
    userId = existing.id;
  } else {
    if (!input.password) {
      throw badRequest('password.required', 'Prosimy podać hasło tymczasowe dla nowego konta.', 'Give a first password for the new account.', { field: 'password' });
    }
    const u = await createPortalUser(tx, {
      utilityId: info.utilityId,
      email: input.email,
      name: input.name?.trim() || customer.name,
      password: input.password,
      customerIds: [customerId],
      // Staff saw the person; the address is theirs.
      emailVerified: true,
      mustChangePassword: true,
    });
    userId = u.id;
    created = true;
    const msg = accountCreatedMessage({ utilityName: mail.utilityName }, { loginUrl: `${mail.portalUrl}/login`, email: input.email.trim(), staff: false });
    await queueEmail(tx, { utilityId: info.utilityId, to: input.email.trim(), ...msg });
  }
  await recordAudit(tx, {
    utilityId: info.utilityId,
    actorId: actor.id,
    actorKind: 'staff',
    action: created ? 'user.portal_created' : 'user.portal_linked',
    entity: 'user',
    entityId: userId,
    customerId,
    ip: info.ip,
  });
  return { userId, created };
}

/** For a colleague who lost the phone: TOTP off and sessions ended; they set it up again at the next sign-in. */
export async function resetStaffTotp(tx: Tx, info: RequestInfo, actor: AuthUser, userId: number): Promise<void> {
  const r = await tx
    .updateTable('users')
    .set({ totp_enabled: false, totp_secret_enc: null, totp_last_step: null, locked_until: null, failed_logins: 0 })
    .where('id', '=', userId)
    .where('kind', '=', 'staff')
    .returning('id')
    .executeTakeFirst();
  if (!r) throw notFound('user.not_found', 'Nie znaleziono pracownika.', 'Staff user not found.');
  await destroyUserSessions(tx, userId);
  await recordAudit(tx, { utilityId: info.utilityId, actorId: actor.id, actorKind: 'staff', action: 'user.totp_reset', entity: 'user', entityId: userId, ip: info.ip });
}

/**
 * An admin changes a colleague's roles or disables the account (its sessions
 * end at once). Nobody removes their own admin role or disables themselves,
 * so a utility always keeps an administrator who can act.
 */
export async function updateStaffUser(
  tx: Tx,
  info: RequestInfo,
  actor: AuthUser,
  userId: number,
  change: { roles?: StaffRole[]; disabled?: boolean; name?: string },
): Promise<void> {
  const target = await tx.selectFrom('users').select(['id', 'kind']).where('id', '=', userId).executeTakeFirst();
  if (!target || target.kind !== 'staff') throw notFound('user.not_found', 'Nie znaleziono pracownika.', 'Staff user not found.');
  if (userId === actor.id && (change.disabled === true || (change.roles && !change.roles.includes('admin')))) {
    throw conflict('user.self_lockout', 'Własnemu kontu nie można odebrać roli administratora ani go zablokować.', 'You cannot remove your own administrator role or disable your own account.');
  }
  if (change.roles) {
    const roles = [...new Set(change.roles)];
    if (roles.length === 0 || !roles.every((r) => (STAFF_ROLES as readonly string[]).includes(r))) {
      throw badRequest('user.roles_invalid', 'Prosimy wybrać co najmniej jedną poprawną rolę.', 'Choose at least one valid role.', { field: 'roles' });
    }
    await tx.deleteFrom('staff_roles').where('user_id', '=', userId).execute();
    await tx.insertInto('staff_roles').values(roles.map((role) => ({ utility_id: info.utilityId, user_id: userId, role }))).execute();
  }
  if (change.name !== undefined) await tx.updateTable('users').set({ name: change.name.trim() }).where('id', '=', userId).execute();
  if (change.disabled !== undefined) {
    await tx.updateTable('users').set({ disabled_at: change.disabled ? sql`now()` : null }).where('id', '=', userId).execute();
    if (change.disabled) await destroyUserSessions(tx, userId);
  }
  await recordAudit(tx, { utilityId: info.utilityId, actorId: actor.id, actorKind: 'staff', action: 'user.staff_updated', entity: 'user', entityId: userId, ip: info.ip, data: change });
}
