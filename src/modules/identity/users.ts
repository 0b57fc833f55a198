/**
 * Accounts: staff users with roles, portal users linked to customers. Staff
 * who create an account assign a first password; its owner must replace it
 * at the first sign-in (must_change_password).
 */
import { sql } from 'kysely';
import type { Tx } from '../../db/tenant.ts';
import { STAFF_ROLES, type StaffRole } from '../../http/access.ts';
import { badRequest, conflict, notFound } from '../../lib/errors.ts';
import { checkPasswordPolicy, hashPassword } from './passwords.ts';

const EMAIL = /^[^\s@<>()[\]\\,;:"]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

/** A usable e-mail address, trimmed, or a 400. Lower case is kept as typed; uniqueness ignores case. */
export function normalizeEmail(email: string): string {
  const e = email.trim();
  if (e.length > 254 || !EMAIL.test(e)) {
    throw badRequest('email.invalid', 'Prosimy podać poprawny adres e-mail.', 'Enter a valid e-mail address.', { field: 'email' });
  }
  return e;
}

export function assertPasswordPolicy(password: string, email?: string): void {
  const p = checkPasswordPolicy(password, email);
  if (p) throw badRequest(p.code, p.pl, p.en, { field: 'password' });
}

export async function findUserByEmail(tx: Tx, email: string) {
  return tx
    .selectFrom('users')
    .selectAll()
    .where(sql<string>`lower(email)`, '=', email.trim().toLowerCase())
    .executeTakeFirst();
}

const emailTaken = () => conflict('user.email_taken', 'Konto z tym adresem e-mail już istnieje.', 'An account with this e-mail address already exists.');

async function assertEmailFree(tx: Tx, email: string) {
  if (await findUserByEmail(tx, email)) throw emailTaken();
}

/** Two requests creating the same address at once: the unique index decides, and the loser gets the same 409. */
async function uniqueEmail<T>(insert: Promise<T>): Promise<T> {
  try {
    return await insert;
  } catch (err) {
    if ((err as { code?: string }).code === '23505') throw emailTaken();
    throw err;
  }
}

export interface NewStaffUser {
  utilityId: number;
  email: string;
  name: string;
  roles: StaffRole[];
  /** The first password, given to the person by whoever creates the account. */
  password: string;
  /** True (default) when the person must choose their own password at the first sign-in. */
  mustChangePassword?: boolean;
}

export async function createStaffUser(tx: Tx, u: NewStaffUser): Promise<{ id: number }> {
  const email = normalizeEmail(u.email);
  const roles = [...new Set(u.roles)];
  if (roles.length === 0 || !roles.every((r) => (STAFF_ROLES as readonly string[]).includes(r))) {
    throw badRequest('user.roles_invalid', 'Prosimy wybrać co najmniej jedną poprawną rolę.', 'Choose at least one valid role.', { field: 'roles' });
  }
  assertPasswordPolicy(u.password, email);
  await assertEmailFree(tx, email);
  const passwordHash = await hashPassword(u.password);
  const row = await uniqueEmail(tx
    .insertInto('users')
    .values({
      utility_id: u.utilityId,
      kind: 'staff',
      email,
      name: u.name.trim(),
      password_hash: passwordHash,
      must_change_password: u.mustChangePassword ?? true,
      // Staff accounts are vouched for by whoever creates them.
      email_verified_at: sql`now()`,
    })
    .returning('id')
    .executeTakeFirstOrThrow());
  await tx
    .insertInto('staff_roles')
    .values(roles.map((role) => ({ utility_id: u.utilityId, user_id: row.id, role })))
    .execute();
  return row;
}

export interface NewPortalUser {
  utilityId: number;
  email: string;
  name: string;
  password: string;
  customerIds: number[];
  /** Set when the address is already known to be the person's (created by staff, demo data). */
  emailVerified?: boolean;
  mustChangePassword?: boolean;
}

export async function createPortalUser(tx: Tx, u: NewPortalUser): Promise<{ id: number }> {
  const email = normalizeEmail(u.email);
  assertPasswordPolicy(u.password, email);
  await assertEmailFree(tx, email);
  const passwordHash = await hashPassword(u.password);
  const row = await uniqueEmail(
    tx
      .insertInto('users')
      .values({
        utility_id: u.utilityId,
        kind: 'customer',
        email,
        name: u.name.trim(),
        password_hash: passwordHash,
        must_change_password: u.mustChangePassword ?? false,
        email_verified_at: u.emailVerified ? sql`now()` : null,
      })
      .returning('id')
      .executeTakeFirstOrThrow(),
  );
  for (const customerId of u.customerIds) await linkCustomer(tx, u.utilityId, row.id, customerId);
  return row;
}

/** Lets a portal user act for one more customer (idempotent). */
export async function linkCustomer(tx: Tx, utilityId: number, userId: number, customerId: number): Promise<void> {
  await tx
    .insertInto('user_customers')
    .values({ utility_id: utilityId, user_id: userId, customer_id: customerId })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export async function customerHasPortalUser(tx: Tx, customerId: number): Promise<boolean> {
  const r = await tx.selectFrom('user_customers').select('user_id').where('customer_id', '=', customerId).limit(1).executeTakeFirst();
  return !!r;
}

export async function getCustomerForIdentity(tx: Tx, customerId: number) {
  const c = await tx.selectFrom('customers').selectAll().where('id', '=', customerId).executeTakeFirst();
  if (!c) throw notFound('customer.not_found', 'Nie znaleziono klienta.', 'Customer not found.');
  return c;
}

export async function listStaffUsers(tx: Tx) {
  const users = await tx
    .selectFrom('users')
    .select(['id', 'email', 'name', 'must_change_password', 'totp_enabled', 'last_login_at', 'disabled_at', 'created_at'])
    .where('kind', '=', 'staff')
    .orderBy('name')
    .orderBy('id')
    .execute();
  const roles = await tx.selectFrom('staff_roles').select(['user_id', 'role']).orderBy('role').execute();
  return users.map((u) => ({
    id: u.id,
    email: u.email,
    name: u.name,
    roles: roles.filter((r) => r.user_id === u.id).map((r) => r.role),
    mustChangePassword: u.must_change_password,
    totpEnabled: u.totp_enabled,
    lastLoginAt: u.last_login_at ? new Date(u.last_login_at).toISOString() : null,
    disabled: !!u.disabled_at,
  }));
}
