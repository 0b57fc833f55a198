/**
 * A small utility to bill, for the billing run tests: a tariff change inside
 * the period, households, a business and a housing community, and one
 * contract for each reason to hold a bill back (no address, a reading lower
 * than the previous, a business with a wrong NIP check digit, implausible
 * consumption). Rows are written as the schema's owner.
 */
import { sql } from 'kysely';
import type { Database } from '../../src/db/connection.ts';
import { completeNip, nrbFromBban } from '../../src/lib/check-digits.ts';
import { buildUtility } from './factories.ts';

export const PERIOD = { from: '2026-09-01', to: '2026-10-31' };

export interface World {
  utilityId: number;
  slug: string;
  /** Contracts expected to be billed and held (by code). */
  billable: number;
  held: Record<string, number>;
}

const nip = (body: string) => completeNip(body)!;

export async function buildBillingWorld(database: Database, households = 12): Promise<World> {
  const u = await buildUtility(database, { nip: nip('526104789'), street: 'ul. Wodociągowa 7', postal_code: '05-800', city: 'Pruszków', phone: '227589900' });
  const id = u.id;
  const db = database.db;
  for (const [from, to, water, fee, feeE] of [
    ['2025-01-01', '2026-09-30', 500, 540, 540],
    ['2026-10-01', null, 540, 600, 360],
  ] as const) {
    const t = await db.insertInto('tariffs').values({ utility_id: id, name: `Taryfa od ${from}`, decision_number: `RZT.${from}`, decision_date: '2024-11-01', valid_from: from, valid_to: to }).returning('id').executeTakeFirstOrThrow();
    await db
      .insertInto('tariff_groups')
      .values({ utility_id: id, tariff_id: t.id, code: 'G1', name: 'Gospodarstwa domowe', water_price_net_grosze: water, sewage_price_net_grosze: water + 400, subscription_fee_paper_net_grosze: fee, subscription_fee_einvoice_net_grosze: feeE, vat_rate_percent: 8 })
      .execute();
  }
  let n = 0;
  const add = async (o: { kind?: 'person' | 'business' | 'housing_community'; nip?: string | null; city?: string; readings: [string, number][]; einvoiceFrom?: string }) => {
    n++;
    const c = await db
      .insertInto('customers')
      .values({
        utility_id: id,
        customer_number: `K${String(n).padStart(6, '0')}`,
        kind: o.kind ?? 'person',
        name: o.kind === 'business' ? `Piekarnia ${n} sp. z o.o.` : o.kind === 'housing_community' ? `Wspólnota Mieszkaniowa Lipowa ${n}` : `Anna Testowa ${n}`,
        nip: o.nip ?? null,
        street: 'ul. Lipowa',
        building: String(n),
        postal_code: '05-800',
        city: o.city ?? 'Pruszków',
        payment_account: nrbFromBban(`10901014${String(n).padStart(16, '0')}`),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const sp = await db.insertInto('service_points').values({ utility_id: id, code: `PP${n}`, street: 'ul. Lipowa', building: String(n), postal_code: '05-800', locality: 'Pruszków', route_order: n }).returning('id').executeTakeFirstOrThrow();
    await db.insertInto('contracts').values({ utility_id: id, contract_number: `UM/${n}`, customer_id: c.id, service_point_id: sp.id, kind: 'water_sewage', tariff_group_code: 'G1', valid_from: '2025-01-01' }).execute();
    const m = await db.insertInto('meters').values({ utility_id: id, service_point_id: sp.id, role: 'main', serial_number: `SN${n}`, installed_on: '2025-01-01' }).returning('id').executeTakeFirstOrThrow();
    await db
      .insertInto('readings')
      .values(o.readings.map(([day, litres]) => ({ utility_id: id, meter_id: m.id, read_at: `${day}T12:00:00+02:00`, value_m3: (litres / 1000).toFixed(3), source: 'reader' })))
      .execute();
    if (o.einvoiceFrom) await db.insertInto('einvoice_consents').values({ utility_id: id, customer_id: c.id, effective_from: o.einvoiceFrom }).execute();
  };
  for (let i = 0; i < households; i++) {
    await add({ readings: [['2026-08-31', 100_000 + i * 1000], ['2026-10-31', 112_345 + i * 1500]], einvoiceFrom: i % 3 === 0 ? '2026-09-01' : undefined });
  }
  await add({ kind: 'business', nip: nip('123456788'), readings: [['2026-08-31', 500_000], ['2026-10-31', 540_000]] });
  await add({ kind: 'housing_community', nip: nip('951753852'), readings: [['2026-08-31', 900_000], ['2026-10-31', 1_020_500]] });
  // Held back: no address, a reading lower than the previous, a wrong NIP check digit, implausible consumption.
  await add({ city: '', readings: [['2026-08-31', 10_000], ['2026-10-31', 20_000]] });
  await add({ readings: [['2026-08-31', 50_000], ['2026-10-31', 40_000]] });
  const good = nip('123456788');
  await add({ kind: 'business', nip: good.slice(0, 9) + ((Number(good[9]) + 1) % 10), readings: [['2026-08-31', 1_000], ['2026-10-31', 2_000]] });
  await add({ readings: [['2026-08-31', 1_000], ['2026-10-31', 900_000]] });
  await sql`select 1`.execute(db);
  return {
    utilityId: id,
    slug: u.slug,
    billable: households + 2,
    held: { 'customer.no_address': 1, 'reading.lower_than_previous': 1, 'invoice.nip_invalid': 1, 'consumption.implausible': 1 },
  };
}
