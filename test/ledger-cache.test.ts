/**
 * The portal's ledger page in memory (issue 15's speed target; src/modules/payments/ledger/cache.ts on
 * the generic src/db/utility-cache.ts): a write by another connection (an imported payment, an
 * allocation, a refund, an invoice issued or corrected, an interest note, an adjustment; in a utility's
 * transaction or as the owner with plain SQL) is answered by the next request; an app with the memory
 * off answers exactly the same every time; what is due and overdue is decided per request, never kept;
 * every table the page reads announces its changes.
 */
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import type { Database } from '../src/db/connection.ts';
import { withTenant } from '../src/db/tenant.ts';
import { buildApp, type App } from '../src/http/app.ts';
import { localDate } from '../src/modules/einvoice/billing-period.ts';
import { importParsed } from '../src/modules/payments/import/service.ts';
import { LEDGER_TABLES, LedgerCache } from '../src/modules/payments/ledger/cache.ts';
import { pageOf, type LedgerRows } from '../src/modules/payments/ledger/read.ts';
import { recordPayment } from '../src/modules/payments/ledger/record.ts';
import { adjust, allocateManually, recordCharge, refund } from '../src/modules/payments/ledger/staff.ts';
import { client, type Client } from './support/app.ts';
import { createTestDatabase } from './support/db.ts';
import { TEST_PASSWORD, buildUser } from './support/factories.ts';
import { customerWithAccount, iban, invoiceRow, paymentsWorld, statement } from './support/payments.ts';

let database: Database;
/** Serves the portal (memory on). */
let a: App;
/** Memory off: the reference answer. */
let off: App;
let slug: string;
let utilityId: number;
let customerId: number;
let account: string;
let inA: Client;
let inOff: Client;

const on = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', WODNIK_SECRET_KEY: '11'.repeat(32) });
const cachesOff = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', WODNIK_SECRET_KEY: '11'.repeat(32), WODNIK_MEMORY_CACHES: 'off' });
const inU = <T>(fn: Parameters<typeof withTenant<T>>[2]) => withTenant(database.db, { utilityId }, fn);
const actor = () => ({ utilityId, staffId: null as unknown as number, ip: null });

beforeAll(async () => {
  database = await createTestDatabase();
  a = await buildApp({ config: on, database });
  off = await buildApp({ config: cachesOff, database });
  await Promise.all([a.ready(), off.ready()]);
  const u = await paymentsWorld(database);
  slug = u.slug;
  utilityId = u.id;
  const c = await customerWithAccount(database, utilityId, '0000501');
  customerId = Number(c.id);
  account = c.payment_account as string;
  await buildUser(database, utilityId, { kind: 'customer', email: 'ledger-cache@example.com', customerIds: [customerId] });
  await invoiceRow(database, utilityId, customerId, { gross: 10_000, issue: '2026-09-01', due: '2026-09-15' });
  inA = client(a, slug);
  inOff = client(off, slug);
  for (const c of [inA, inOff]) expect((await c.post('/api/auth/login', { email: 'ledger-cache@example.com', password: TEST_PASSWORD })).statusCode).toBe(200);
}, 60_000);

afterAll(async () => {
  await a?.close();
  await off?.close();
  await database?.close();
});

const path = () => `/api/portal/customers/${customerId}/balance`;

/** The page the next request gets, checked against the database read afresh (memory off). */
async function page(query = '') {
  // Whatever was committed so far has been heard (the writes below come from other connections).
  await a.caches.settled();
  const res = await inA.get(path() + query);
  expect(res.statusCode, res.body).toBe(200);
  const fresh = await inOff.get(path() + query);
  expect(res.json()).toEqual(fresh.json());
  return res.json() as { summary: { balance: number; due: number; overdue: number; overpaid: number; asOf: string; items: Array<{ id: number; paid: number; open: number; status: string }> }; entries: Array<{ kind: string }> };
}

describe('the ledger page in memory', () => {
  it('answers every write by another connection at the next request, as the database does', async () => {
    expect((await page()).summary.balance).toBe(10_000);
    expect(a.caches.ledger.size).toBeGreaterThan(0);
    expect((await page()).summary.balance).toBe(10_000); // from memory

    // A payment imported from a bank statement (matched by the individual account).
    await importParsed(database, utilityId, { encoding: 'utf-8', problems: [], statements: [statement('LC/1', [{ amount: '30.00', counterAccount: iban(account), title: 'woda', bankReference: 'LC1' }])] }, { fileName: 'lc.sta', bytes: new TextEncoder().encode('lc'), userId: null });
    expect((await page()).summary.balance).toBe(7_000);

    // An invoice issued in the utility's transaction.
    const inv2 = await inU((tx) =>
      tx.insertInto('invoices').values({ utility_id: utilityId, invoice_number: 'FV/LC/2', kind: 'invoice', customer_id: customerId, issue_date: '2026-10-01', due_date: '2099-10-15', net_grosze: 2_000, vat_grosze: 0, gross_grosze: 2_000 }).returning('id').executeTakeFirstOrThrow(),
    );
    let p = await page();
    expect(p.summary).toMatchObject({ balance: 9_000, overdue: 7_000, due: 2_000 });

    // A payment written with plain SQL (no allocation: the page applies it to the oldest debt)...
    await sql`insert into payments (utility_id, customer_id, amount_grosze, booked_on, channel, title, external_ref) values (${utilityId}, ${customerId}, 2000, '2026-10-02', 'online', 'sql', 'lc:sql')`.execute(database.db);
    p = await page();
    expect(p.summary).toMatchObject({ balance: 7_000, overdue: 5_000, due: 2_000 });
    // ...then allocated by a clerk to the newer invoice: only payment_allocations is written.
    const paymentId = Number((await sql<{ id: number }>`select id from payments where external_ref = 'lc:sql'`.execute(database.db)).rows[0].id);
    await inU((tx) => allocateManually(tx, actor(), { paymentId, kind: 'invoice', targetId: Number(inv2.id), amountGrosze: 2_000 }));
    p = await page();
    expect(p.summary).toMatchObject({ balance: 7_000, overdue: 7_000, due: 0 });
    expect(p.summary.items.find((i) => i.id === Number(inv2.id))).toMatchObject({ paid: 2_000, status: 'paid' });

    // An overpayment, and a refund of part of it.
    await recordPayment(database.db, utilityId, { customerId, amountGrosze: 12_000, bookedOn: '2026-11-20', channel: 'online', title: 'BLIK', payerName: null, externalRef: 'lc:over' });
    expect((await page()).summary).toMatchObject({ balance: -5_000, overpaid: 5_000 });
    await inU((tx) => refund(tx, actor(), customerId, { amountGrosze: 1_500, refundedOn: '2026-11-25', toAccount: null, note: 'zwrot' }));
    expect((await page()).summary).toMatchObject({ balance: -3_500, overpaid: 3_500 });

    // A correction of the first invoice (the owner's plain insert: every utility's pages are forgotten).
    const first = Number((await sql<{ id: number }>`select id from invoices where customer_id = ${customerId} and kind = 'invoice' order by id limit 1`.execute(database.db)).rows[0].id);
    await invoiceRow(database, utilityId, customerId, { gross: -1_000, issue: '2026-11-26', due: '2026-12-10', corrects: first });
    expect((await page()).summary.balance).toBe(-4_500);

    // An interest note and a manual adjustment.
    await inU((tx) => recordCharge(tx, utilityId, { customerId, kind: 'interest_note', reference: 'NO/LC/1', amountGrosze: 300, entryDate: '2026-11-27', dueDate: '2026-12-11' }));
    expect((await page()).summary.balance).toBe(-4_200);
    await inU((tx) => adjust(tx, actor(), customerId, { amountGrosze: 700, entryDate: '2026-11-28', note: 'opłata' }));
    expect((await page()).summary.balance).toBe(-3_500);

    // A filtered page is its own entry, right as well.
    expect((await page('?kind=refund,interest_note')).entries.map((e) => e.kind).sort()).toEqual(['interest_note', 'refund']);
    // An UPDATE in psql.
    await sql`update payments set amount_grosze = amount_grosze + 100 where external_ref = 'lc:over'`.execute(database.db);
    expect((await page()).summary.balance).toBe(-3_600);
    expect((await page()).summary.asOf).toBe(localDate(new Date()));
  });

  it('decides what is overdue on the day of the request, never keeps it', () => {
    const rows: LedgerRows = {
      debts: [{ customerId: 1, contractId: null, kind: 'invoice', id: 1, reference: 'FV/1', issueDate: '2026-12-01', dueDate: '2026-12-15', interest: false, amount: 5_000, allocated: 0, open: 5_000 }],
      credits: [],
      entries: [],
    };
    const cache = new LedgerCache(() => true);
    const key = { customerId: 1, filter: {} };
    cache.set(7, key, rows, cache.generation(7));
    const kept = cache.get(7, key)!;
    expect(pageOf(kept, '2026-12-15').summary).toMatchObject({ due: 5_000, overdue: 0, nextDueDate: '2026-12-15' });
    expect(pageOf(kept, '2026-12-16').summary).toMatchObject({ due: 0, overdue: 5_000, nextDueDate: null });
    expect(pageOf(kept, '2026-12-16').summary.items[0].status).toBe('overdue');
  });

  it('does not keep rows read while a change was being heard; a change elsewhere leaves them', () => {
    const cache = new LedgerCache(() => true);
    const rows: LedgerRows = { debts: [], credits: [], entries: [] };
    const key = { customerId: 5, filter: { kinds: ['payment' as const] } };
    const before = cache.generation(1);
    cache.subscriber().onChange('1');
    cache.set(1, key, rows, before);
    expect(cache.get(1, key)).toBeUndefined();
    cache.set(1, key, rows, cache.generation(1));
    expect(cache.get(1, key)).toBe(rows);
    expect(cache.get(1, { customerId: 5, filter: {} })).toBeUndefined();
    cache.subscriber().onChange('2');
    expect(cache.get(1, key)).toBe(rows);
    cache.subscriber().onChange('*');
    expect(cache.get(1, key)).toBeUndefined();
    cache.set(1, key, rows, cache.generation(1));
    cache.subscriber().onReset();
    expect(cache.get(1, key)).toBeUndefined();
  });

  it('serves nothing with the memory off', async () => {
    await inOff.get(path());
    expect(off.caches.ledger.size).toBe(0);
  });

  it('is told of a change to every table the page reads', async () => {
    // The tables named in the debts' and credits' statements (ledger/debts.ts)...
    const debts = readFileSync(new URL('../src/modules/payments/ledger/debts.ts', import.meta.url), 'utf8');
    const body = debts.slice(debts.indexOf('export function debtsQuery'), debts.indexOf('function customersCondition'));
    const named = [...body.matchAll(/\b(?:from|join)\s+([a-z_]+)\s+[a-z]+\b/g)].map((m) => m[1]);
    // ...the page's own statement reads only those and the view ledger_entries (ledger/read.ts)...
    const read = readFileSync(new URL('../src/modules/payments/ledger/read.ts', import.meta.url), 'utf8');
    const own = read.slice(read.indexOf('function ledgerQuery'), read.indexOf('/** What the ledger page reads')) + read.slice(read.indexOf('export async function ledgerRows'), read.indexOf('/** The page as of'));
    expect(new Set([...own.matchAll(/\bfrom\s+([a-z_]+)\b/g)].map((m) => m[1]).filter((t) => t !== 'lateral'))).toEqual(new Set(['ledger_entries']));
    // ...whose tables the database knows.
    const { rows: viewTables } = await sql<{ relname: string }>`
      select distinct c.relname from pg_rewrite r join pg_depend d on d.objid = r.oid join pg_class c on c.oid = d.refobjid
       where r.ev_class = 'ledger_entries'::regclass and c.relkind = 'r'`.execute(database.db);
    expect(new Set([...named, ...viewTables.map((r) => r.relname)])).toEqual(new Set(LEDGER_TABLES));
    // Each announces its changes.
    const { rows } = await sql<{ tgname: string; rel: string }>`select tgname, tgrelid::regclass::text as rel from pg_trigger where tgname like '%\_ledger\_cache'`.execute(database.db);
    expect(rows.map((r) => `${r.rel}:${r.tgname}`).sort()).toEqual(LEDGER_TABLES.map((t) => `${t}:${t}_ledger_cache`).sort());
  });
});
