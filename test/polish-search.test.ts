/**
 * Search and order the Polish way (issue 13, "A Polish UI done right"): a
 * clerk typing without Polish letters finds the customer who has them, and
 * lists are in Polish alphabetical order (Ł after L, Ś after S, Ż last),
 * on PGlite (C locale, no ICU) and PostgreSQL alike. Also by meter serial and
 * service-point code.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../src/db/tenant.ts';
import { client, createTestApp, type Client, type TestApp } from './support/app.ts';
import { TEST_PASSWORD, buildContract, buildCustomer, buildMeter, buildServicePoint, buildUser, buildUtility } from './support/factories.ts';

let t: TestApp;
let c: Client;
let otherUtilityId = 0;
const NAMES = ['Żaneta Źródlana', 'Łukasz Łódzki', 'Lucyna Lis', 'Śliwa Ścibor', 'Sowa Stanisław', 'Zenon Zięba', 'Adam Wiśniewski', 'Ąbel Ąckowski'];

beforeAll(async () => {
  t = await createTestApp();
  const u = await buildUtility(t.database);
  for (const name of NAMES) await buildCustomer(t.database, u.id, { name, street: 'ul. Świętokrzyska', city: 'Łódź' });
  const target = await buildCustomer(t.database, u.id, {
    name: 'Barbara Szukana',
    street: 'ul. Polna',
    building: '12',
    apartment: '3',
    email: 'b.szukana@example.com',
    customer_number: 'K-SZUK-01',
    nip: '5260250274',
  });
  const sp = await buildServicePoint(t.database, u.id, { code: 'PP-7777777' });
  await buildContract(t.database, u.id, target.id, sp.id);
  await buildMeter(t.database, u.id, sp.id, { serial_number: 'AB123456789', role: 'main' });
  await buildUser(t.database, u.id, { kind: 'staff', email: 'bok@example.com', roles: ['customer_service'] });
  // Another utility's customer, whom the fragment search must never show.
  const other = await buildUtility(t.database);
  otherUtilityId = other.id;
  await buildCustomer(t.database, other.id, { name: 'Barbara Szukana-Obca', street: 'ul. Polna' });
  c = client(t.app, u.slug);
  expect((await c.post('/api/auth/login', { email: 'bok@example.com', password: TEST_PASSWORD })).statusCode).toBe(200);
}, 60_000);

afterAll(() => t?.close());

const names = async (q: string) => (await c.get(`/api/staff/customers?limit=100&q=${encodeURIComponent(q)}`)).json().items.map((i: { name: string }) => i.name);

describe('customer search', () => {
  it('does not mind Polish letters or letter case', async () => {
    expect(await names('wisniewski')).toEqual(['Adam Wiśniewski']);
    expect(await names('WIŚNIEWSKI')).toEqual(['Adam Wiśniewski']);
    expect(await names('lukasz lodzki')).toEqual(['Łukasz Łódzki']);
    expect(await names('ŁUKASZ')).toEqual(['Łukasz Łódzki']);
    expect(await names('zrodlana')).toEqual(['Żaneta Źródlana']);
    // The address, with the town.
    expect((await names('swietokrzyska')).length).toBe(NAMES.length);
    expect((await names('Lodz')).length).toBeGreaterThanOrEqual(NAMES.length);
  });

  it('finds a customer by meter serial and by service-point code', async () => {
    expect(await names('AB123456789')).toEqual(['Barbara Szukana']);
    expect(await names('ab123456789')).toEqual(['Barbara Szukana']);
    expect(await names('pp-7777777')).toEqual(['Barbara Szukana']);
  });

  it('finds by a fragment of the e-mail, the address with its flat, the customer number and the NIP, but never across two of them', async () => {
    expect(await names('szukana@exam')).toEqual(['Barbara Szukana']);
    expect(await names('polna 12/3')).toEqual(['Barbara Szukana']);
    expect(await names('  Polna   12/3 ')).toEqual(['Barbara Szukana']);
    expect(await names('K-SZUK-01')).toEqual(['Barbara Szukana']);
    expect(await names('526-025-02-74')).toEqual(['Barbara Szukana']);
    // The folded texts are stored one after another: a fragment that runs from
    // the name into the e-mail, or from the e-mail into the address, is no match.
    expect(await names('szukana b.szukana')).toEqual([]);
    expect(await names('example.com ul. polna')).toEqual([]);
    // Wildcards are taken literally.
    expect(await names('%')).toEqual([]);
    expect(await names('_')).toEqual([]);
  });

  it("never finds another utility's customer: the index search keeps the tenant's condition", async () => {
    expect(await names('szukana')).toEqual(['Barbara Szukana']);
    expect(await names('obca')).toEqual([]);
    const matching = (utilityId: number | null) =>
      utilityId === null
        ? sql<{ id: number }>`select customers_matching_text('%szukana%') as id`.execute(t.database.db)
        : withTenant(t.database.db, { utilityId }, (tx) => sql<{ id: number }>`select customers_matching_text('%szukana%') as id`.execute(tx));
    expect((await matching(otherUtilityId)).rows).toHaveLength(1);
    // Without a chosen utility (the owner outside a tenant) it finds nobody.
    expect((await matching(null)).rows).toHaveLength(0);
  });

  it('counts all matches on every page, a page past the end included', async () => {
    const page = async (offset: number) => (await c.get(`/api/staff/customers?q=swietokrzyska&limit=3&offset=${offset}`)).json();
    expect((await page(0)).total).toBe(NAMES.length);
    expect((await page(3)).items.map((i: { name: string }) => i.name)).toEqual(['Łukasz Łódzki', 'Sowa Stanisław', 'Śliwa Ścibor']);
    expect(await page(100)).toEqual({ items: [], total: NAMES.length });
  });

  it('lists in Polish alphabetical order', async () => {
    expect(await names('swietokrzyska')).toEqual([
      'Adam Wiśniewski',
      'Ąbel Ąckowski',
      'Lucyna Lis',
      'Łukasz Łódzki',
      'Sowa Stanisław',
      'Śliwa Ścibor',
      'Zenon Zięba',
      'Żaneta Źródlana',
    ]);
  });
});
