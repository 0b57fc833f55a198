/**
 * Factories for tests: each builds one realistic row (as the schema owner,
 * outside row-level security) with sensible defaults and overrides.
 */
import type { Insertable } from 'kysely';
import type { Database } from '../../src/db/connection.ts';
import type { Customers, Meters, ServicePoints, Utilities } from '../../src/db/types.ts';
import { hashPassword } from '../../src/modules/identity/passwords.ts';
import type { StaffRole } from '../../src/http/access.ts';
import { forgetUtilities } from '../../src/modules/utilities/service.ts';

let seq = 0;
const next = () => ++seq;

export const TEST_PASSWORD = 'Woda2026bezpieczna';

export async function buildUtility(database: Database, over: Partial<Insertable<Utilities>> = {}) {
  const n = next();
  forgetUtilities();
  return database.db
    .insertInto('utilities')
    .values({
      slug: `utility-${n}-${Math.random().toString(36).slice(2, 6)}`,
      name: `Zakład Gospodarki Komunalnej nr ${n} Sp. z o.o.`,
      short_name: `ZGK ${n}`,
      street: 'ul. Wodna 1',
      postal_code: '00-001',
      city: 'Wodnikowo',
      nip: '5250001009',
      sender_email: `bok${n}@zgk.example`,
      ...over,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function buildCustomer(database: Database, utilityId: number, over: Partial<Insertable<Customers>> = {}) {
  const n = next();
  return database.db
    .insertInto('customers')
    .values({
      utility_id: utilityId,
      customer_number: `K${String(n).padStart(6, '0')}`,
      kind: 'person',
      name: `Jan Testowy ${n}`,
      first_name: 'Jan',
      last_name: `Testowy ${n}`,
      email: `jan${n}@example.com`,
      street: 'ul. Lipowa',
      building: String(n),
      postal_code: '00-001',
      city: 'Wodnikowo',
      ...over,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function buildUser(
  database: Database,
  utilityId: number,
  opts: { kind: 'customer' | 'staff'; email?: string; password?: string; roles?: StaffRole[]; customerIds?: number[]; mustChangePassword?: boolean },
) {
  const n = next();
  const user = await database.db
    .insertInto('users')
    .values({
      utility_id: utilityId,
      kind: opts.kind,
      email: opts.email ?? `${opts.kind}${n}@example.com`,
      name: opts.kind === 'staff' ? `Pracownik ${n}` : `Klient ${n}`,
      password_hash: await hashPassword(opts.password ?? TEST_PASSWORD),
      email_verified_at: new Date(),
      must_change_password: opts.mustChangePassword ?? false,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  for (const role of opts.roles ?? []) {
    await database.db.insertInto('staff_roles').values({ utility_id: utilityId, user_id: user.id, role }).execute();
  }
  for (const customerId of opts.customerIds ?? []) {
    await database.db.insertInto('user_customers').values({ utility_id: utilityId, user_id: user.id, customer_id: customerId }).execute();
  }
  return user;
}

export async function buildServicePoint(database: Database, utilityId: number, over: Partial<Insertable<ServicePoints>> = {}) {
  const n = next();
  return database.db
    .insertInto('service_points')
    .values({ utility_id: utilityId, code: `PP${n}`, street: 'ul. Lipowa', building: String(n), postal_code: '00-001', locality: 'Wodnikowo', route_order: n, ...over })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function buildContract(database: Database, utilityId: number, customerId: number, servicePointId: number) {
  const n = next();
  return database.db
    .insertInto('contracts')
    .values({
      utility_id: utilityId,
      contract_number: `UM/${n}`,
      customer_id: customerId,
      service_point_id: servicePointId,
      kind: 'water_sewage',
      tariff_group_code: 'G1',
      valid_from: '2024-01-01',
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function buildMeter(database: Database, utilityId: number, servicePointId: number, over: Partial<Insertable<Meters>> = {}) {
  const n = next();
  return database.db
    .insertInto('meters')
    .values({
      utility_id: utilityId,
      service_point_id: servicePointId,
      role: 'main',
      serial_number: `SN${String(n).padStart(8, '0')}`,
      installed_on: '2024-01-01',
      legalization_valid_until: '2029-01-01',
      ...over,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}
