/**
 * Arrears over HTTP as staff use them, on invoices and payments written
 * straight into the tables (figures by hand, report day 10 April 2026):
 *   a person: FV/P/1 2,000.00 zł due 20 Feb, 500.00 paid 20 Mar → 1,500.00 open,
 *             49 days past due; interest at 9.50 % then 9.25 %: 6.25 + 8.11 + 7.98 = 22.34 zł;
 *             FV/P/2 100.00 zł due 20 Apr, not yet due;
 *   a business: FV/B/1 6,000.00 zł due 10 Jan, unpaid, 90 days; commercial rate 14.00 %
 *             for 90 days: 6000 × 0.14 × 90 / 365 = 207.1233 → 207.12 zł; compensation
 *             70 EUR (above 5,000 zł) × 4.2693 = 298.851 → 298.85 zł;
 *   a person who paid FV/Q/1 (100.00 zł due 1 Mar) in full on 5 Mar: nothing open.
 * The billing clerk and the auditor read; only billing adds rates. Also the
 * rate table itself: the migration's statutory rates are what the law
 * announced, and a utility's own rows stay its own (row-level security).
 * Runs on PGlite, and on PostgreSQL with TEST_DATABASE_URL.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../src/db/tenant.ts';
import { AppError } from '../src/lib/errors.ts';
import { lateInterest } from '../src/modules/payments/arrears/interest.ts';
import { addRate, loadRates } from '../src/modules/payments/arrears/rates-repo.ts';
import { client, createTestApp, type Client, type TestApp } from './support/app.ts';
import { TEST_PASSWORD, buildCustomer, buildUser, buildUtility } from './support/factories.ts';
import { pdfText } from './support/pdf.ts';

let t: TestApp;
let billing: Client;
let auditor: Client;
let person: { id: number; customer_number: string };
let business: { id: number; customer_number: string };
let payer: { id: number };
// Two more utilities for the rate table's row-level security.
let A: number;
let B: number;

async function login(utilityId: number, slug: string, email: string, roles: ('billing' | 'auditor')[]) {
  await buildUser(t.database, utilityId, { kind: 'staff', email, roles });
  const c = client(t.app, slug);
  const r = await c.post('/api/auth/login', { email, password: TEST_PASSWORD });
  expect(r.statusCode, r.body).toBe(200);
  return c;
}

beforeAll(async () => {
  t = await createTestApp();
  const db = t.database.db;
  const u = await buildUtility(t.database, { virtual_account_prefix: '102013297701' });
  const U = Number(u.id);
  person = await buildCustomer(t.database, U, { name: 'Anna Zaległa' });
  business = await buildCustomer(t.database, U, { kind: 'business', name: 'Hurtownia „Kran” sp. z o.o.', nip: '5250001009', first_name: null, last_name: null });
  payer = await buildCustomer(t.database, U, { name: 'Piotr Terminowy' });
  const invoice = async (number: string, customerId: number, due: string, gross: number) =>
    (await sql<{ id: number }>`insert into invoices (utility_id, invoice_number, kind, customer_id, issue_date, due_date, net_grosze, vat_grosze, gross_grosze)
      values (${U}, ${number}, 'invoice', ${customerId}, '2026-01-01', ${due}, ${gross}, 0, ${gross}) returning id`.execute(db)).rows[0].id;
  const pay = async (customerId: number, invoiceId: number, booked: string, amount: number) => {
    const p = (await sql<{ id: number }>`insert into payments (utility_id, customer_id, amount_grosze, booked_on, channel, external_ref) values (${U}, ${customerId}, ${amount}, ${booked}, 'bank', ${`ref-${invoiceId}-${booked}`}) returning id`.execute(db)).rows[0].id;
    await sql`insert into payment_allocations (utility_id, payment_id, invoice_id, amount_grosze) values (${U}, ${p}, ${invoiceId}, ${amount})`.execute(db);
  };
  const p1 = await invoice('FV/P/1', person.id, '2026-02-20', 200_000);
  await pay(person.id, p1, '2026-03-20', 50_000);
  await invoice('FV/P/2', person.id, '2026-04-20', 10_000);
  await invoice('FV/B/1', business.id, '2026-01-10', 600_000);
  const q1 = await invoice('FV/Q/1', payer.id, '2026-03-01', 10_000);
  await pay(payer.id, q1, '2026-03-05', 10_000);
  A = Number((await buildUtility(t.database)).id);
  B = Number((await buildUtility(t.database)).id);
  billing = await login(U, u.slug, 'billing@example.com', ['billing']);
  auditor = await login(U, u.slug, 'auditor@example.com', ['auditor']);
}, 120_000);
afterAll(() => t?.close());

const plain = (s: string) => s.replace(/[\s\u00a0\u202f]+/g, ' ');

describe('the arrears report', () => {
  it('lists the customers with overdue debts in ageing buckets, with the accrued interest', async () => {
    const r = await auditor.get('/api/staff/arrears/report?asOf=2026-04-10');
    expect(r.statusCode, r.body).toBe(200);
    const zero = { current: 0, d1_30: 0, d31_60: 0, d61_90: 0, d91_180: 0, d181_365: 0, over365: 0 };
    expect(r.json()).toEqual({
      asOf: '2026-04-10',
      rows: [
        { customerId: business.id, customerNumber: business.customer_number, name: 'Hurtownia „Kran” sp. z o.o.', kind: 'business', interestKind: 'commercial', invoices: 1, open: 600_000, overdue: 600_000, buckets: { ...zero, d61_90: 600_000 }, oldestDueDate: '2026-01-10', maxDaysOverdue: 90, interest: 20_712 },
        { customerId: person.id, customerNumber: person.customer_number, name: 'Anna Zaległa', kind: 'person', interestKind: 'consumer', invoices: 2, open: 160_000, overdue: 150_000, buckets: { ...zero, current: 10_000, d31_60: 150_000 }, oldestDueDate: '2026-02-20', maxDaysOverdue: 49, interest: 2_234 },
      ],
      totals: { open: 760_000, overdue: 750_000, interest: 22_946, buckets: { ...zero, current: 10_000, d31_60: 150_000, d61_90: 600_000 } },
    });
    // At least 60 days past due: only the business.
    expect((await billing.get('/api/staff/arrears/report?asOf=2026-04-10&minDays=60')).json().rows.map((x: { name: string }) => x.name)).toEqual(['Hurtownia „Kran” sp. z o.o.']);
  });

  it('exports the same as CSV for a Polish spreadsheet', async () => {
    const r = await billing.get('/api/staff/arrears/report/csv?asOf=2026-04-10');
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/csv/);
    const lines = r.body.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toBe('Numer klienta;Nazwa;Rodzaj;Faktury;Otwarte [zł];Przeterminowane [zł];Nieprzeterminowane [zł];1–30 dni [zł];31–60 dni [zł];61–90 dni [zł];91–180 dni [zł];181–365 dni [zł];Ponad 365 dni [zł];Najstarszy termin;Dni po terminie;Odsetki do 2026-04-10 [zł]');
    expect(lines[1]).toBe(`${business.customer_number};Hurtownia „Kran” sp. z o.o.;business;1;6000,00;6000,00;0,00;0,00;0,00;6000,00;0,00;0,00;0,00;2026-01-10;90;207,12`);
    expect(lines[2]).toBe(`${person.customer_number};Anna Zaległa;person;2;1600,00;1500,00;100,00;0,00;1500,00;0,00;0,00;0,00;0,00;2026-02-20;49;22,34`);
    expect(lines[3]).toBe('Razem;;;3;7600,00;7500,00;100,00;0,00;1500,00;6000,00;0,00;0,00;0,00;;;229,46');
  });

  it('refuses a date that does not exist with a 400 (who may call it: test/route-access.test.ts)', async () => {
    const bad = await billing.get('/api/staff/arrears/report?asOf=2026-02-30');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('arrears.bad_date');
  });
});

describe('interest notes and reminders', () => {
  it("a business's interest note: interest per period and the 70 EUR compensation, the individual account", async () => {
    const r = await auditor.get(`/api/staff/customers/${business.id}/arrears/interest-note?asOf=2026-04-10&eurRate=4.2693`);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.headers['content-type']).toBe('application/pdf');
    const text = plain(await pdfText(r.rawPayload));
    expect(text).toContain(`NOTA ODSETKOWA nr NO/20260410/${business.customer_number}`);
    expect(text).toContain('transakcjach handlowych');
    expect(text).toContain('FV/B/1');
    expect(text).toContain('14,00%');
    expect(text).toContain('207,12 zł');
    expect(text).toContain('Rekompensata 70 EUR');
    expect(text).toContain('298,85 zł');
    expect(text).toContain('505,97 zł'); // 207.12 + 298.85
    // The customer's individual account: the utility's prefix and the customer number.
    expect(text.replace(/\s/g, '')).toContain(`102013297701${business.customer_number.replace(/\D/g, '').padStart(12, '0')}`);
  });

  it("a person's reminder lists the overdue invoice, the interest so far and the deadline; a late payer paid in full gets only a note", async () => {
    const r = await billing.get(`/api/staff/customers/${person.id}/arrears/reminder?asOf=2026-04-10`);
    expect(r.statusCode, r.body).toBe(200);
    const text = plain(await pdfText(r.rawPayload));
    expect(text).toContain('WEZWANIE DO ZAPŁATY');
    expect(text).toContain('FV/P/1');
    expect(text).not.toContain('FV/P/2');
    expect(text).toContain('1 500,00 zł');
    expect(text).toContain('22,34 zł');
    expect(text).toContain('17.04.2026');
    const none = await billing.get(`/api/staff/customers/${payer.id}/arrears/reminder?asOf=2026-04-10`);
    expect(none.statusCode).toBe(409);
    expect(none.json().error.code).toBe('arrears.nothing_overdue');
    // Paid 4 days late: 1–4 Mar at 9.50 % (3 days: 0.078 → 0.08) and 5 Mar at 9.25 % (0.025 → 0.03) = 0.11 zł.
    const note = await billing.get(`/api/staff/customers/${payer.id}/arrears/interest-note?asOf=2026-04-10`);
    expect(note.statusCode, note.body).toBe(200);
    expect(plain(await pdfText(note.rawPayload))).toContain('0,11 zł');
    expect((await billing.get('/api/staff/customers/999999/arrears/reminder')).statusCode).toBe(404);
  });
});

describe('the reminders run', () => {
  it('reminds each customer past due by minDays once: the PDF stored, e-mailed with it attached; run again, nothing more', async () => {
    expect((await auditor.post('/api/staff/arrears/reminders/run', { asOf: '2026-04-10' })).statusCode).toBe(403);
    const run = await billing.post('/api/staff/arrears/reminders/run', { asOf: '2026-04-10', minDays: 30 });
    expect(run.statusCode, run.body).toBe(200);
    const items = run.json().items;
    // Both are past due by 30 days or more (90 and 49); the business first (more overdue).
    expect(items.map((i: { number: string; open: number; interest: number }) => [i.number, i.open, i.interest])).toEqual([
      [`WZ/20260410/${business.customer_number}`, 600_000, 20_712],
      [`WZ/20260410/${person.customer_number}`, 150_000, 2_234],
    ]);
    const mails = await t.database.db.selectFrom('email_outbox').select(['to_address', 'subject', 'template', 'attachments']).where('template', '=', 'payment_reminder').orderBy('id').execute();
    expect(mails.map((m) => [m.subject, m.to_address])).toEqual(items.map((i: { number: string; emailedTo: string }) => [`Wezwanie do zapłaty ${i.number}`, i.emailedTo]));
    const list = (await auditor.get('/api/staff/arrears/reminders')).json().items;
    expect(list).toHaveLength(2);
    const pdf = await auditor.get(`/api/staff/arrears/reminders/${list[1].id}/pdf`);
    expect(pdf.statusCode).toBe(200);
    expect(plain(await pdfText(pdf.rawPayload))).toContain(`WEZWANIE DO ZAPŁATY nr ${list[1].number}`);
    const attached = (mails[0].attachments as unknown as Array<{ fileId: number; filename: string }>)[0];
    expect(attached.filename).toBe(`WZ_20260410_${business.customer_number}.pdf`);
    // Again the same day, and a week later (within the 14 days): nothing new.
    expect((await billing.post('/api/staff/arrears/reminders/run', { asOf: '2026-04-10', minDays: 30 })).json()).toEqual({ asOf: '2026-04-10', items: [], skipped: 2 });
    expect((await billing.post('/api/staff/arrears/reminders/run', { asOf: '2026-04-17', minDays: 30 })).json().items).toEqual([]);
    expect(await t.database.db.selectFrom('email_outbox').select('id').where('template', '=', 'payment_reminder').execute()).toHaveLength(2);
  });
});

describe('the rate table', () => {
  it("billing adds the utility's own rate; the auditor reads the table and may not add", async () => {
    expect((await auditor.post('/api/staff/arrears/rates', { kind: 'consumer', validFrom: '2026-12-10', ratePercent: '9.00' })).statusCode).toBe(403);
    const added = await billing.post('/api/staff/arrears/rates', { kind: 'consumer', validFrom: '2026-12-10', ratePercent: '9,00', source: 'RPP' });
    expect(added.statusCode, added.body).toBe(201);
    const bad = await billing.post('/api/staff/arrears/rates', { kind: 'consumer', validFrom: '2026-12-10', ratePercent: 'dużo' });
    expect(bad.statusCode).toBe(400);
    const list = (await auditor.get('/api/staff/arrears/rates')).json().items;
    expect(list[0]).toEqual({ id: added.json().id, kind: 'consumer', validFrom: '2026-12-10', ratePercent: '9.00', source: 'RPP', own: true });
    expect(list).toContainEqual(expect.objectContaining({ kind: 'consumer', validFrom: '2016-01-01', ratePercent: '7.00', own: false }));
  });
});

const rateOn = (table: { validFrom: string; basisPoints: number }[], day: string) => table.filter((r) => r.validFrom <= day).at(-1)?.basisPoints;

describe('statutory interest rates', () => {
  it('has the announced civil-code and commercial rates since 2016, readable in any utility', async () => {
    const [consumer, commercial] = await withTenant(t.database.db, { utilityId: A }, async (tx) => [await loadRates(tx, A, 'consumer'), await loadRates(tx, A, 'commercial')]);
    // Spot checks against the announcements (M.P.) and the NBP reference rate + 5.5 / + 10 points.
    expect([['2016-06-01', 700], ['2020-04-01', 650], ['2020-05-28', 600], ['2020-05-29', 560], ['2021-10-07', 600], ['2022-07-08', 1200], ['2023-10-05', 1125], ['2025-12-04', 950], ['2026-12-07', 925]].map(([d]) => [d, rateOn(consumer, d as string)])).toEqual([
      ['2016-06-01', 700], ['2020-04-01', 650], ['2020-05-28', 600], ['2020-05-29', 560], ['2021-10-07', 600], ['2022-07-08', 1200], ['2023-10-05', 1125], ['2025-12-04', 950], ['2026-12-07', 925],
    ]);
    expect(consumer).toHaveLength(24);
    expect([['2019-12-31', 950], ['2020-01-01', 1150], ['2021-03-01', 1010], ['2022-08-01', 1600], ['2024-03-01', 1575], ['2025-07-01', 1525], ['2026-12-07', 1375]].map(([d]) => [d, rateOn(commercial, d as string)])).toEqual([
      ['2019-12-31', 950], ['2020-01-01', 1150], ['2021-03-01', 1010], ['2022-08-01', 1600], ['2024-03-01', 1575], ['2025-07-01', 1525], ['2026-12-07', 1375],
    ]);
    // The calculator on the stored table: 1,000.00 zł due 30 June 2022, until 31 July 2022.
    // Consumer: 1–7 July at 11.50 % (7 days: 2.2055 → 2.21) and 8–31 July at 12.00 % (24 days: 7.8904 → 7.89) = 10.10 zł.
    expect(lateInterest({ amount: 100_000, dueDate: '2022-06-30', payments: [], until: '2022-07-31', rates: consumer }).total).toBe(1010);
    // Commercial: the second half of 2022 at 16.00 % for 31 days: 13.5890 → 13.59 zł.
    expect(lateInterest({ amount: 100_000, dueDate: '2022-06-30', payments: [], until: '2022-07-31', rates: commercial }).total).toBe(1359);
  });

  it("keeps a utility's own rates to itself; the law's rows cannot be changed from a utility", async () => {
    await withTenant(t.database.db, { utilityId: A }, (tx) => addRate(tx, A, { kind: 'consumer', validFrom: '2026-12-10', ratePercent: '9,00', source: 'uchwała RPP' }, null));
    const seenA = await withTenant(t.database.db, { utilityId: A }, (tx) => loadRates(tx, A, 'consumer'));
    const seenB = await withTenant(t.database.db, { utilityId: B }, (tx) => loadRates(tx, B, 'consumer'));
    expect(rateOn(seenA, '2026-12-10')).toBe(900);
    expect(rateOn(seenB, '2026-12-10')).toBe(925);
    // B asks for A's rows by name: row-level security still hides them.
    expect(await withTenant(t.database.db, { utilityId: B }, (tx) => loadRates(tx, A, 'consumer'))).toEqual(seenB);
    const changed = await withTenant(t.database.db, { utilityId: B }, async (tx) => (await sql<{ n: number }>`with u as (update interest_rates set rate_percent = 1 where utility_id is null or utility_id = ${A} returning 1) select count(*)::int as n from u`.execute(tx)).rows[0].n);
    expect(changed).toBe(0);
    await expect(withTenant(t.database.db, { utilityId: B }, (tx) => sql`insert into interest_rates (utility_id, kind, valid_from, rate_percent) values (${A}, 'consumer', '2027-01-01', 1)`.execute(tx))).rejects.toThrow(/row-level security/);
    await expect(withTenant(t.database.db, { utilityId: B }, (tx) => sql`insert into interest_rates (utility_id, kind, valid_from, rate_percent) values (null, 'consumer', '2027-01-01', 1)`.execute(tx))).rejects.toThrow(/row-level security/);
  });

  it('refuses a bad kind, date or rate and a second rate for the same day, writing nothing', async () => {
    const code = async (input: { kind: string; validFrom: string; ratePercent: string }) =>
      withTenant(t.database.db, { utilityId: B }, (tx) => addRate(tx, B, input, null)).then(
        () => null,
        (e) => (e instanceof AppError ? e.code : String(e)),
      );
    expect(await code({ kind: 'vat', validFrom: '2026-12-01', ratePercent: '9' })).toBe('arrears.rate.bad_kind');
    expect(await code({ kind: 'consumer', validFrom: '2026-02-30', ratePercent: '9' })).toBe('arrears.rate.bad_date');
    expect(await code({ kind: 'consumer', validFrom: '2026-12-01', ratePercent: '9.125' })).toBe('arrears.rate.bad_rate');
    expect(await code({ kind: 'consumer', validFrom: '2026-12-01', ratePercent: '100' })).toBe('arrears.rate.bad_rate');
    expect(await code({ kind: 'commercial', validFrom: '2026-12-01', ratePercent: '13.5' })).toBeNull();
    expect(await code({ kind: 'commercial', validFrom: '2026-12-01', ratePercent: '13.5' })).toBe('arrears.rate.exists');
    const own = await t.database.db.selectFrom('interest_rates').select(['kind', 'valid_from', 'rate_percent']).where('utility_id', '=', B).execute();
    expect(own.map((r) => [r.kind, String(r.valid_from).slice(0, 10), Number(r.rate_percent)])).toEqual([['commercial', '2026-12-01', 13.5]]);
  });
});
