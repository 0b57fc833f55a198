/**
 * The portal account and the data held about a customer: what the customer
 * sees under "Dane kontrahenta", the download of all personal data held
 * (GDPR art. 15 and 20), closing one's own portal account, and the staff's
 * side of portal users (list, password-reset e-mail, lock and unlock).
 * Every function runs in the request's tenant transaction.
 */
import { sql } from 'kysely';
import type { Tx } from '../../db/tenant.ts';
import type { AuthUser } from '../../http/access.ts';
import { badRequest, notFound } from '../../lib/errors.ts';
import { recordAudit } from '../identity/audit.ts';
import { verifyPassword } from '../identity/passwords.ts';
import { destroyUserSessions } from '../identity/sessions.ts';
import { issueAuthToken, TOKEN_MINUTES, voidAuthTokens } from '../identity/tokens.ts';
import { queueEmail } from '../notify/index.ts';
import { passwordResetMessage } from '../notify/templates.ts';
import { addressText } from '../change-requests/rules.ts';

const iso = (d: Date | string | null | undefined) => (d ? new Date(d).toISOString() : null);

/** 'PL61 1090 1014 0000 0712 1981 2874' — how a Polish account number is printed. */
export function formatAccount(nrb: string | null): string | null {
  if (!nrb) return null;
  const digits = nrb.replace(/\s+/g, '').replace(/^PL/i, '');
  if (!/^\d{26}$/.test(digits)) return nrb;
  return `${digits.slice(0, 2)} ${digits.slice(2).replace(/(\d{4})(?=\d)/g, '$1 ')}`;
}

/** Everything held about one customer, as the customer sees it. */
export async function accountData(tx: Tx, customerId: number) {
  const c = await tx.selectFrom('customers').selectAll().where('id', '=', customerId).executeTakeFirst();
  if (!c) throw notFound('customer.not_found', 'Nie znaleziono klienta.', 'No such customer.');
  const consent = await tx
    .selectFrom('einvoice_consents')
    .select(['email', 'effective_from', 'granted_at'])
    .where('customer_id', '=', customerId)
    .where('withdrawn_at', 'is', null)
    .orderBy('granted_at', 'desc')
    .executeTakeFirst();
  return {
    id: c.id,
    customerNumber: c.customer_number,
    kind: c.kind,
    name: c.name,
    address: addressText({ street: c.street, building: c.building, apartment: c.apartment, postalCode: c.postal_code, city: c.city }),
    correspondenceAddress: c.correspondence_city
      ? addressText({ street: c.correspondence_street ?? '', building: c.correspondence_building ?? '', apartment: c.correspondence_apartment, postalCode: c.correspondence_postal_code ?? '', city: c.correspondence_city })
      : null,
    email: c.email,
    phone: c.phone,
    nip: c.nip,
    pesel: c.pesel,
    regon: c.regon,
    invoiceDelivery: c.invoice_delivery,
    einvoiceEmail: consent?.email ?? null,
    paymentAccount: formatAccount(c.payment_account),
    updatedAt: iso(c.updated_at)!,
  };
}

/**
 * All personal data held about a portal user and the customers they act for:
 * the account, each customer's data, contracts, service points, meters,
 * readings, terms acceptances, e-invoice consents, data-change requests and
 * the account's own entries in the audit log (sign-ins and changes).
 */
export async function personalData(tx: Tx, user: AuthUser, utility: { name: string }) {
  const u = await tx.selectFrom('users').select(['id', 'email', 'name', 'created_at', 'email_verified_at', 'last_login_at', 'preferred_language']).where('id', '=', user.id).executeTakeFirstOrThrow();
  const ids = user.customerIds.length ? user.customerIds : [-1];
  const customers = await tx.selectFrom('customers').selectAll().where('id', 'in', ids).orderBy('id').execute();
  const contracts = await tx
    .selectFrom('contracts as k')
    .innerJoin('service_points as sp', (j) => j.onRef('sp.utility_id', '=', 'k.utility_id').onRef('sp.id', '=', 'k.service_point_id'))
    .select(['k.id', 'k.customer_id', 'k.contract_number', 'k.kind', 'k.status', 'k.valid_from', 'k.valid_to', 'sp.id as service_point_id', 'sp.code', 'sp.street', 'sp.building', 'sp.apartment', 'sp.postal_code', 'sp.locality'])
    .where('k.customer_id', 'in', ids)
    .orderBy('k.id')
    .execute();
  const spIds = contracts.length ? [...new Set(contracts.map((k) => k.service_point_id))] : [-1];
  const meters = await tx.selectFrom('meters').select(['id', 'service_point_id', 'serial_number', 'role', 'diameter_mm', 'installed_on', 'removed_on', 'legalization_valid_until']).where('service_point_id', 'in', spIds).orderBy('id').execute();
  const meterIds = meters.length ? meters.map((m) => m.id) : [-1];
  const readings = await tx
    .selectFrom('readings')
    .select(['meter_id', 'read_at', sql<string>`value_m3::text`.as('value_m3'), 'source', 'status'])
    .where('meter_id', 'in', meterIds)
    .orderBy('meter_id')
    .orderBy('read_at')
    .execute();
  const terms = await tx
    .selectFrom('terms_acceptances as a')
    .innerJoin('terms_versions as v', (j) => j.onRef('v.utility_id', '=', 'a.utility_id').onRef('v.id', '=', 'a.terms_version_id'))
    .select(['v.kind', 'v.version', 'v.title', 'a.accepted_at', 'a.ip', 'a.user_agent', 'a.customer_id'])
    .where((eb) => eb.or([eb('a.user_id', '=', user.id), eb('a.customer_id', 'in', ids)]))
    .orderBy('a.accepted_at')
    .execute();
  const consents = await tx.selectFrom('einvoice_consents').select(['customer_id', 'email', 'granted_at', 'effective_from', 'withdrawn_at']).where('customer_id', 'in', ids).orderBy('granted_at').execute();
  const requests = await tx.selectFrom('data_change_requests').select(['customer_id', 'field', 'old_value', 'new_value', 'note', 'status', 'reason', 'created_at', 'decided_at']).where('customer_id', 'in', ids).orderBy('created_at').execute();
  const activity = await tx.selectFrom('audit_log').select(['at', 'action', 'ip']).where('actor_id', '=', user.id).where('actor_kind', '=', 'customer').orderBy('at', 'desc').limit(1000).execute();
  return {
    controller: utility.name,
    generatedAt: new Date().toISOString(),
    account: { email: u.email, name: u.name, createdAt: iso(u.created_at), emailVerifiedAt: iso(u.email_verified_at), lastLoginAt: iso(u.last_login_at), language: u.preferred_language },
    customers: customers.map((c) => ({
      customerNumber: c.customer_number,
      kind: c.kind,
      name: c.name,
      firstName: c.first_name,
      lastName: c.last_name,
      pesel: c.pesel,
      nip: c.nip,
      regon: c.regon,
      email: c.email,
      phone: c.phone,
      address: addressText({ street: c.street, building: c.building, apartment: c.apartment, postalCode: c.postal_code, city: c.city }),
      correspondenceAddress: c.correspondence_city
        ? addressText({ street: c.correspondence_street ?? '', building: c.correspondence_building ?? '', apartment: c.correspondence_apartment, postalCode: c.correspondence_postal_code ?? '', city: c.correspondence_city })
        : null,
      invoiceDelivery: c.invoice_delivery,
      paymentAccount: formatAccount(c.payment_account),
      createdAt: iso(c.created_at),
      contracts: contracts
        .filter((k) => k.customer_id === c.id)
        .map((k) => ({
          contractNumber: k.contract_number,
          kind: k.kind,
          status: k.status,
          validFrom: k.valid_from,
          validTo: k.valid_to,
          servicePoint: { code: k.code, address: addressText({ street: k.street, building: k.building, apartment: k.apartment, postalCode: k.postal_code, city: k.locality }) },
          meters: meters
            .filter((m) => m.service_point_id === k.service_point_id)
            .map((m) => ({
              serialNumber: m.serial_number,
              role: m.role,
              diameterMm: m.diameter_mm,
              installedOn: m.installed_on,
              removedOn: m.removed_on,
              legalizationValidUntil: m.legalization_valid_until,
              readings: readings.filter((r) => r.meter_id === m.id).map((r) => ({ readAt: iso(r.read_at), valueM3: r.value_m3, source: r.source, status: r.status })),
            })),
        })),
      einvoiceConsents: consents.filter((x) => x.customer_id === c.id).map((x) => ({ email: x.email, grantedAt: iso(x.granted_at), effectiveFrom: x.effective_from, withdrawnAt: iso(x.withdrawn_at) })),
      changeRequests: requests
        .filter((r) => r.customer_id === c.id)
        .map((r) => ({ field: r.field, oldValue: r.old_value, newValue: r.new_value, note: r.note, status: r.status, reason: r.reason, createdAt: iso(r.created_at), decidedAt: iso(r.decided_at) })),
    })),
    termsAcceptances: terms.map((a) => ({ kind: a.kind, version: a.version, title: a.title, acceptedAt: iso(a.accepted_at), ip: a.ip, userAgent: a.user_agent })),
    activity: activity.map((a) => ({ at: iso(a.at), action: a.action, ip: a.ip })),
  };
}
export type PersonalData = Awaited<ReturnType<typeof personalData>>;

/**
 * A portal user closes their own account: confirmed by the password, the
 * account is disabled (kept for the audit trail and the terms acceptances the
 * law asks the utility to keep), every session ends, and staff can reopen it.
 */
export async function closeAccount(tx: Tx, user: AuthUser, password: string, ip: string): Promise<void> {
  const u = await tx.selectFrom('users').select(['password_hash']).where('id', '=', user.id).executeTakeFirstOrThrow();
  if (!(await verifyPassword(u.password_hash, password))) {
    throw badRequest('account.password_wrong', 'Hasło jest nieprawidłowe. Konto nie zostało zamknięte.', 'The password is wrong. The account was not closed.', { field: 'password' });
  }
  await tx.updateTable('users').set({ disabled_at: sql`now()` }).where('id', '=', user.id).execute();
  await destroyUserSessions(tx, user.id);
  await recordAudit(tx, { utilityId: user.utilityId, actorId: user.id, actorKind: 'customer', action: 'user.portal_closed', entity: 'user', entityId: user.id, ip });
}

/** The customer's portal users and consents, as staff see them in the customer view. */
export async function staffAccountView(tx: Tx, customerId: number) {
  const c = await tx.selectFrom('customers').select(['id']).where('id', '=', customerId).executeTakeFirst();
  if (!c) throw notFound('customer.not_found', 'Nie znaleziono klienta.', 'No such customer.');
  const users = await tx
    .selectFrom('user_customers as uc')
    .innerJoin('users as u', (j) => j.onRef('u.utility_id', '=', 'uc.utility_id').onRef('u.id', '=', 'uc.user_id'))
    .select(['u.id', 'u.email', 'u.name', 'u.email_verified_at', 'u.last_login_at', 'u.disabled_at', 'u.created_at', 'u.must_change_password'])
    .select((eb) => eb.selectFrom('user_customers as o').whereRef('o.user_id', '=', 'u.id').select(eb.fn.countAll<number>().as('n')).as('customer_count'))
    .where('uc.customer_id', '=', customerId)
    .orderBy('u.id')
    .execute();
  const terms = await tx
    .selectFrom('terms_acceptances as a')
    .innerJoin('terms_versions as v', (j) => j.onRef('v.utility_id', '=', 'a.utility_id').onRef('v.id', '=', 'a.terms_version_id'))
    .select(['v.kind', 'v.version', 'a.accepted_at', 'a.user_id'])
    .where((eb) => eb.or([eb('a.customer_id', '=', customerId), eb('a.user_id', 'in', users.length ? users.map((u) => u.id) : [-1])]))
    .orderBy('a.accepted_at', 'desc')
    .limit(50)
    .execute();
  const consents = await tx.selectFrom('einvoice_consents').select(['email', 'granted_at', 'effective_from', 'withdrawn_at']).where('customer_id', '=', customerId).orderBy('granted_at', 'desc').execute();
  return {
    portalUsers: users.map((u) => ({
      id: u.id,
      email: u.email,
      name: u.name,
      verified: u.email_verified_at !== null,
      locked: u.disabled_at !== null,
      mustChangePassword: u.must_change_password,
      lastLoginAt: iso(u.last_login_at),
      createdAt: iso(u.created_at)!,
      customerCount: Number(u.customer_count ?? 1),
    })),
    termsAcceptances: terms.map((a) => ({ kind: a.kind, version: a.version, acceptedAt: iso(a.accepted_at)!, userId: a.user_id })),
    einvoiceConsents: consents.map((x) => ({ email: x.email, grantedAt: iso(x.granted_at)!, effectiveFrom: x.effective_from, withdrawnAt: iso(x.withdrawn_at) })),
  };
}

/** A portal user of this customer (staff act only on users linked to the customer in the URL). */
async function portalUserOf(tx: Tx, customerId: number, userId: number) {
  const u = await tx
    .selectFrom('users as u')
    .innerJoin('user_customers as uc', (j) => j.onRef('uc.utility_id', '=', 'u.utility_id').onRef('uc.user_id', '=', 'u.id'))
    .select(['u.id', 'u.email', 'u.disabled_at'])
    .where('u.id', '=', userId)
    .where('uc.customer_id', '=', customerId)
    .where('u.kind', '=', 'customer')
    .executeTakeFirst();
  if (!u) throw notFound('user.not_found', 'Ten klient nie ma takiego użytkownika e-BOK.', 'This customer has no such portal user.');
  return u;
}

/** Staff send a portal user a password-reset link (the customer phoned: lost password). */
export async function staffPasswordReset(tx: Tx, actor: AuthUser, utility: { id: number; name: string }, customerId: number, userId: number, portalUrl: string, ip: string) {
  const u = await portalUserOf(tx, customerId, userId);
  if (u.disabled_at) throw badRequest('user.locked', 'Konto jest zablokowane: najpierw należy je odblokować.', 'The account is locked: unlock it first.');
  await voidAuthTokens(tx, u.id, 'password_reset');
  const token = await issueAuthToken(tx, utility.id, u.id, 'password_reset');
  const msg = passwordResetMessage({ utilityName: utility.name }, { link: `${portalUrl}/reset-password?token=${encodeURIComponent(token)}`, minutes: TOKEN_MINUTES.password_reset });
  await queueEmail(tx, { utilityId: utility.id, to: u.email, ...msg });
  await recordAudit(tx, { utilityId: utility.id, actorId: actor.id, actorKind: 'staff', action: 'user.password_reset_sent', entity: 'user', entityId: u.id, customerId, ip });
}

/** Lock (every session ends at once) or unlock a portal user; unlocking also reopens an account its owner closed. */
export async function setLocked(tx: Tx, actor: AuthUser, customerId: number, userId: number, locked: boolean, ip: string) {
  await portalUserOf(tx, customerId, userId);
  await tx
    .updateTable('users')
    .set(locked ? { disabled_at: sql`coalesce(disabled_at, now())` } : { disabled_at: null, failed_logins: 0, locked_until: null })
    .where('id', '=', userId)
    .execute();
  if (locked) await destroyUserSessions(tx, userId);
  await recordAudit(tx, { utilityId: actor.utilityId, actorId: actor.id, actorKind: 'staff', action: locked ? 'user.portal_locked' : 'user.portal_unlocked', entity: 'user', entityId: userId, customerId, ip });
}
