/**
 * Cases (sprawy) through the HTTP API on a real database (PGlite, or
 * PostgreSQL with TEST_DATABASE_URL): the customer files a complaint, a
 * failure report with a photo and a message; bad input is refused with a
 * code and nothing is half-written; staff work the inbox (filters, keyset
 * pages, bounded counts), assign, reply (e-mailed), add internal notes (never
 * shown to the customer) and change the status; numbers are gapless per
 * utility and year; roles and utilities are kept apart.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, createTestApp, type Client, type TestApp } from './support/app.ts';
import { TEST_PASSWORD, buildContract, buildCustomer, buildServicePoint, buildUser, buildUtility } from './support/factories.ts';
import { addDays, warsawToday } from '../src/modules/cases/rules.ts';
import { seedUtility } from '../src/modules/demo/seed.ts';

let t: TestApp;
let slug: string;
let otherSlug: string;
const ids = { utility: 0, customer: 0, other: 0, contract: 0, closedContract: 0, invoice: 0, othersInvoice: 0, clerk: 0, clerk2: 0 };
const emails = { customer: 'ewa.zielinska@example.com', clerk: 'bok@cases.example', clerk2: 'bok2@cases.example', auditor: 'audyt@cases.example', billing: 'fv@cases.example', reader: 'ink@cases.example', otherCustomer: 'inny@example.com' };

const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(200)]);

function form(fields: Record<string, string>, file?: { name: string; type: string; data: Buffer }) {
  const boundary = `----cases${randomBytes(6).toString('hex')}`;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  if (file) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="attachment"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`), file.data, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

async function login(email: string, s = slug): Promise<Client> {
  const c = client(t.app, s);
  const res = await c.post('/api/auth/login', { email, password: TEST_PASSWORD });
  expect(res.statusCode, res.body).toBe(200);
  return c;
}

const send = (c: Client, url: string, fields: Record<string, string>, file?: { name: string; type: string; data: Buffer }) => {
  const f = form(fields, file);
  return c.request('POST', url, f.body, f.headers);
};

const counts = async () =>
  (
    await sql<{ cases: number; messages: number; files: number; mails: number }>`select (select count(*) from cases)::int as cases, (select count(*) from case_messages)::int as messages,
      (select count(*) from files)::int as files, (select count(*) from email_outbox)::int as mails`.execute(t.database.db)
  ).rows[0];

let customer: Client;
let clerk: Client;

beforeAll(async () => {
  t = await createTestApp();
  const db = t.database;
  const u = await buildUtility(db, { name: 'Przedsiębiorstwo Wodociągów i Kanalizacji w Cisowie Sp. z o.o.', complaint_deadline_days: 14 });
  slug = u.slug;
  ids.utility = u.id;
  const c = await buildCustomer(db, u.id, { name: 'Ewa Zielińska', email: emails.customer });
  const other = await buildCustomer(db, u.id, { name: 'Tomasz Inny', email: emails.otherCustomer });
  ids.customer = c.id;
  ids.other = other.id;
  const sp = await buildServicePoint(db, u.id, { street: 'ul. Cisowa', building: '3' });
  ids.contract = (await buildContract(db, u.id, c.id, sp.id)).id;
  const sp2 = await buildServicePoint(db, u.id, { street: 'ul. Cisowa', building: '5' });
  const ended = await buildContract(db, u.id, c.id, sp2.id);
  await db.db.updateTable('contracts').set({ status: 'ended', valid_to: '2025-12-31' }).where('id', '=', ended.id).execute();
  ids.closedContract = ended.id;
  const inv = (customerId: number, n: string) =>
    db.db
      .insertInto('invoices')
      .values({ utility_id: u.id, invoice_number: n, kind: 'invoice', customer_id: customerId, issue_date: '2026-11-10', due_date: '2026-11-24', net_grosze: 10000, vat_grosze: 800, gross_grosze: 10800 })
      .returning('id')
      .executeTakeFirstOrThrow();
  ids.invoice = (await inv(c.id, 'FV/2026/11/000001')).id;
  ids.othersInvoice = (await inv(other.id, 'FV/2026/11/000002')).id;
  await buildUser(db, u.id, { kind: 'customer', email: emails.customer, customerIds: [c.id] });
  await buildUser(db, u.id, { kind: 'customer', email: 'tomasz@example.com', customerIds: [other.id] });
  ids.clerk = (await buildUser(db, u.id, { kind: 'staff', email: emails.clerk, roles: ['customer_service'] })).id;
  ids.clerk2 = (await buildUser(db, u.id, { kind: 'staff', email: emails.clerk2, roles: ['customer_service'] })).id;
  await buildUser(db, u.id, { kind: 'staff', email: emails.auditor, roles: ['auditor'] });
  await buildUser(db, u.id, { kind: 'staff', email: emails.billing, roles: ['billing'] });
  await buildUser(db, u.id, { kind: 'staff', email: emails.reader, roles: ['meter_reader'] });
  const u2 = await buildUtility(db);
  otherSlug = u2.slug;
  const c2 = await buildCustomer(db, u2.id);
  await buildUser(db, u2.id, { kind: 'customer', email: emails.customer, customerIds: [c2.id] });
  await buildUser(db, u2.id, { kind: 'staff', email: emails.clerk, roles: ['customer_service'] });
  customer = await login(emails.customer);
  clerk = await login(emails.clerk);
}, 120_000);

afterAll(() => t?.close());

describe('the customer files cases', () => {
  let complaintId = 0;

  it('files a complaint about their own invoice: numbered SPR/<year>/000001, deadline in 14 days, seen in the list', async () => {
    const res = await send(customer, '/api/portal/cases', {
      kind: 'complaint',
      subject: 'Reklamacja faktury FV/2026/11/000001',
      body: 'Zużycie na fakturze jest dwukrotnie wyższe niż zwykle.',
      invoiceId: String(ids.invoice),
      contractId: String(ids.contract),
    });
    expect(res.statusCode, res.body).toBe(200);
    const year = warsawToday().slice(0, 4);
    expect(res.json().caseNumber).toBe(`SPR/${year}/000001`);
    complaintId = res.json().id;
    const row = await t.database.db.selectFrom('cases').selectAll().where('id', '=', complaintId).executeTakeFirstOrThrow();
    expect(row.due_on).toBe(addDays(warsawToday(), 14));
    expect(row.status).toBe('new');
    const list = (await customer.get('/api/portal/cases')).json();
    expect(list.total).toBe(1);
    expect(list.items[0]).toMatchObject({ caseNumber: `SPR/${year}/000001`, kind: 'complaint', status: 'new', lastReply: null });
  });

  it('files a failure report with a photo, and a message; filters by kind and status', async () => {
    const res = await send(customer, '/api/portal/cases', { kind: 'failure', subject: 'Wyciek przy hydrancie', body: 'Woda wypływa spod pokrywy.', place: 'ul. Cisowa 3, przy bramie' }, { name: 'wyciek.jpg', type: 'image/jpeg', data: JPEG });
    expect(res.statusCode, res.body).toBe(200);
    const detail = (await customer.get(`/api/portal/cases/${res.json().id}`)).json();
    expect(detail.place).toBe('ul. Cisowa 3, przy bramie');
    expect(detail.dueOn).toBeNull();
    const att = detail.messages[0].attachment;
    expect(att).toMatchObject({ name: 'wyciek.jpg', contentType: 'image/jpeg', sizeBytes: JPEG.length });
    const file = await customer.get(`/api/portal/cases/${detail.id}/attachments/${att.id}`);
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toBe('image/jpeg');
    expect(Buffer.compare(file.rawPayload, JPEG)).toBe(0);
    expect((await send(customer, '/api/portal/cases', { kind: 'message', subject: 'Pytanie o e-fakturę', body: 'Jak włączyć e-fakturę?' })).statusCode).toBe(200);
    expect((await customer.get('/api/portal/cases')).json().total).toBe(3);
    const failures = (await customer.get('/api/portal/cases?kind=failure')).json();
    expect(failures.items.map((x: { kind: string }) => x.kind)).toEqual(['failure']);
    expect((await customer.get('/api/portal/cases?status=open')).json().total).toBe(3);
    expect((await customer.get('/api/portal/cases?status=closed')).json().total).toBe(0);
  });

  it('refuses bad input with a code and a Polish message, and writes nothing', async () => {
    const before = await counts();
    const bad: Array<[Record<string, string>, number, string, { name: string; type: string; data: Buffer }?]> = [
      [{ kind: 'complaint', subject: 'Cudza faktura', body: 'x', invoiceId: String(ids.othersInvoice) }, 404, 'cases.invoice_not_found'],
      [{ kind: 'complaint', subject: 'Faktura', body: 'x', invoiceId: '999999' }, 404, 'cases.invoice_not_found'],
      [{ kind: 'failure', subject: 'Awaria', body: 'x', place: 'tu', contractId: String(ids.closedContract) }, 400, 'cases.contract_closed'],
      [{ kind: 'failure', subject: 'Awaria', body: 'x' }, 400, 'cases.place_required'],
      [{ kind: 'complaint', subject: '', body: 'x' }, 400, 'cases.subject_required'],
      [{ kind: 'complaint', subject: 'a', body: '   ' }, 400, 'cases.body_required'],
      [{ kind: 'reading', subject: 'a', body: 'b' }, 400, 'cases.kind_invalid'],
      [{ kind: 'message', subject: 'a', body: 'b', customerId: String(ids.other) }, 400, 'cases.customer_required'],
      [{ kind: 'message', subject: 'a', body: 'b' }, 400, 'cases.attachment_type', { name: 'umowa.pdf', type: 'application/pdf', data: Buffer.from('%PDF-1.7 ...') }],
      [{ kind: 'message', subject: 'a', body: 'b' }, 400, 'cases.attachment_type', { name: 'fake.jpg', type: 'image/jpeg', data: Buffer.from('<html>not an image</html>') }],
      [{ kind: 'message', subject: 'a'.repeat(201), body: 'b' }, 400, 'cases.subject_too_long'],
    ];
    for (const [fields, status, code, file] of bad) {
      const res = await send(customer, '/api/portal/cases', fields, file);
      expect(res.statusCode, `${code}: ${res.body}`).toBe(status);
      expect(res.json().error.code).toBe(code);
      expect(res.json().error.messages.pl).toMatch(/[a-ząćęłńóśźż]/);
    }
    expect(await counts()).toEqual(before);
  });

  it('refuses a 50 MB photo with 413 and a clear message, and writes nothing', async () => {
    const before = await counts();
    const big = Buffer.alloc(50 * 1024 * 1024, 0x41);
    big.set([0xff, 0xd8, 0xff], 0);
    const res = await send(customer, '/api/portal/cases', { kind: 'failure', subject: 'Awaria', body: 'Zdjęcie w załączniku', place: 'ul. Cisowa' }, { name: 'duze.jpg', type: 'image/jpeg', data: big });
    expect(res.statusCode).toBe(413);
    expect(res.json().error).toMatchObject({ code: 'cases.attachment_too_large', messages: { pl: 'Zdjęcie może mieć najwyżej 10 MB. Prosimy wybrać mniejszy plik.' } });
    expect(await counts()).toEqual(before);
  }, 60_000);

  it('does not show or answer another customer\'s case, nor one of another utility', async () => {
    const tomasz = await login('tomasz@example.com');
    expect((await tomasz.get(`/api/portal/cases/${complaintId}`)).statusCode).toBe(404);
    expect((await send(tomasz, `/api/portal/cases/${complaintId}/messages`, { body: 'cudza' })).statusCode).toBe(404);
    expect((await tomasz.get('/api/portal/cases')).json().total).toBe(0);
    const elsewhere = await login(emails.customer, otherSlug);
    expect((await elsewhere.get(`/api/portal/cases/${complaintId}`)).statusCode).toBe(404);
    const clerkElsewhere = await login(emails.clerk, otherSlug);
    expect((await clerkElsewhere.get(`/api/staff/cases/${complaintId}`)).statusCode).toBe(404);
    expect((await clerkElsewhere.get('/api/staff/cases')).json().items).toEqual([]);
  });

  it('staff answer in the inbox: assignment, an internal note the customer never sees, a reply e-mailed, a status change; the customer replies', async () => {
    const inbox = (await clerk.get('/api/staff/cases?kind=complaint')).json();
    expect(inbox.items.map((i: { id: number }) => i.id)).toEqual([complaintId]);
    expect(inbox.items[0]).toMatchObject({ customer: { name: 'Ewa Zielińska' }, assignee: null, dueState: null });
    expect(inbox.counts).toMatchObject({ open: 3, unassigned: 3, mine: 0 });

    expect((await clerk.post(`/api/staff/cases/${complaintId}/assign`, { assigneeId: ids.clerk })).statusCode).toBe(204);
    expect((await clerk.get('/api/staff/cases?assignee=me')).json().items.map((i: { id: number }) => i.id)).toEqual([complaintId]);
    expect((await clerk.post(`/api/staff/cases/${complaintId}/assign`, { assigneeId: 999999 })).json().error.code).toBe('cases.assignee_invalid');

    const mailsBefore = (await counts()).mails;
    const note = await send(clerk, `/api/staff/cases/${complaintId}/messages`, { body: 'Sprawdzić odczyt radiowy z 30.10 – możliwy błąd inkasenta.', internal: 'true' }, { name: 'notatka.png', type: 'image/png', data: Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(50)]) });
    expect(note.statusCode, note.body).toBe(204);
    expect((await counts()).mails).toBe(mailsBefore);
    const reply = await send(clerk, `/api/staff/cases/${complaintId}/messages`, { body: 'Reklamacja została uwzględniona. Korekta faktury zostanie wystawiona w ciągu 7 dni.', status: 'waiting_for_customer' });
    expect(reply.statusCode, reply.body).toBe(204);

    const mail = await t.database.db.selectFrom('email_outbox').selectAll().where('template', '=', 'case_reply').executeTakeFirstOrThrow();
    expect(mail.to_address).toBe(emails.customer);
    expect(mail.subject).toMatch(/^Odpowiedź w sprawie SPR\/\d{4}\/000001$/);
    expect(mail.text_body).toContain(`/t/${slug}/portal/cases/${complaintId}`);
    expect(mail.text_body).toContain('oczekuje na odpowiedź klienta');
    expect(mail.text_body).not.toMatch(/\b(Pan|Pani|Twoj|Witaj|masz)\b/);

    const seen = (await customer.get(`/api/portal/cases/${complaintId}`)).json();
    expect(seen.status).toBe('waiting_for_customer');
    expect(seen.messages.map((m: { authorKind: string }) => m.authorKind)).toEqual(['customer', 'staff']);
    expect(JSON.stringify(seen)).not.toContain('inkasenta');
    expect(seen.messages[1].authorName).toBeNull();
    expect(seen.assignee).toBeNull();
    expect(seen.events.map((e: { event: string }) => e.event)).toEqual(['created', 'status']);
    // The internal note's photo is not the customer's to fetch.
    const staffView = (await clerk.get(`/api/staff/cases/${complaintId}`)).json();
    const noteMsg = staffView.messages.find((m: { internal: boolean }) => m.internal);
    expect(noteMsg.body).toContain('inkasenta');
    expect((await customer.get(`/api/portal/cases/${complaintId}/attachments/${noteMsg.attachment.id}`)).statusCode).toBe(404);
    expect((await clerk.get(`/api/staff/cases/${complaintId}/attachments/${noteMsg.attachment.id}`)).statusCode).toBe(200);
    expect(staffView.events.map((e: { event: string }) => e.event)).toEqual(['created', 'assigned', 'note', 'reply', 'status']);

    const list = (await customer.get('/api/portal/cases?status=waiting_for_customer')).json();
    expect(list.items[0].lastReply.body).toContain('Reklamacja została uwzględniona');

    expect((await send(customer, `/api/portal/cases/${complaintId}/messages`, { body: 'Dziękuję, czekam na korektę.' })).statusCode).toBe(204);
    expect((await customer.get(`/api/portal/cases/${complaintId}`)).json().status).toBe('in_progress');

    expect((await clerk.post(`/api/staff/cases/${complaintId}/status`, { status: 'resolved' })).statusCode).toBe(204);
    expect((await clerk.post(`/api/staff/cases/${complaintId}/status`, { status: 'resolved' })).json().error.code).toBe('cases.status_same');
    const closedReply = await send(customer, `/api/portal/cases/${complaintId}/messages`, { body: 'Jeszcze jedno' });
    expect(closedReply.statusCode).toBe(409);
    expect(closedReply.json().error.code).toBe('cases.closed');
    expect((await customer.get('/api/portal/cases?status=closed')).json().total).toBe(1);
  });

  it('lets the auditor and billing read the inbox but not act; keeps meter readers and customers out', async () => {
    for (const who of [emails.auditor, emails.billing]) {
      const c = await login(who);
      expect((await c.get('/api/staff/cases?status=all')).statusCode).toBe(200);
      expect((await c.get(`/api/staff/cases/${complaintId}`)).statusCode).toBe(200);
      expect((await c.post(`/api/staff/cases/${complaintId}/assign`, { assigneeId: null })).statusCode).toBe(403);
      expect((await send(c, `/api/staff/cases/${complaintId}/messages`, { body: 'x' })).statusCode).toBe(403);
    }
    const reader = await login(emails.reader);
    expect((await reader.get('/api/staff/cases')).statusCode).toBe(403);
    expect((await customer.get('/api/staff/cases')).statusCode).toBe(403);
    expect((await clerk.get('/api/portal/cases')).statusCode).toBe(403);
  });
});

describe('the inbox at scale of its rules', () => {
  it('pages by keyset without gaps or repeats, filters by deadline, and caps its counts', async () => {
    const u = ids.utility;
    const today = warsawToday();
    // 120 complaints made straight in the database: due dates from 10 days ago to 20 days ahead.
    await sql`
      insert into cases (utility_id, case_number, customer_id, kind, subject, status, due_on, created_at, assignee_id)
      select ${u}, 'SPR/1999/' || lpad(g::text, 6, '0'), ${ids.other}, 'complaint', 'Reklamacja ' || g,
             case when g % 10 = 0 then 'closed' else 'new' end,
             ${today}::date + (g % 31) - 10, now() - make_interval(mins => g), case when g % 3 = 0 then ${ids.clerk2}::bigint end
      from generate_series(1, 120) g`.execute(t.database.db);
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: Array<{ id: number; createdAt: string }>; next: string | null; total: number } = (
        await clerk.get(`/api/staff/cases?kind=complaint&status=all&limit=25${cursor ? `&cursor=${cursor}` : ''}`)
      ).json();
      seen.push(...page.items.map((i) => i.id));
      cursor = page.next;
    } while (cursor);
    const all = await t.database.db.selectFrom('cases').select('id').where('utility_id', '=', u).where('kind', '=', 'complaint').orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
    expect(seen).toEqual(all.map((r) => r.id));

    const overdue = (await clerk.get('/api/staff/cases?due=overdue&limit=100')).json();
    expect(overdue.items.length).toBeGreaterThan(0);
    for (const i of overdue.items) expect(i.dueOn < today && i.dueState === 'overdue' && i.status !== 'closed').toBe(true);
    const soon = (await clerk.get('/api/staff/cases?due=soon&limit=100')).json();
    expect(soon.items.length).toBeGreaterThan(0);
    for (const i of soon.items) expect(i.dueOn >= today && i.dueOn <= addDays(today, 3) && i.dueState === 'dueSoon').toBe(true);
    expect(overdue.counts.overdue).toBe(overdue.items.length);

    const byDue = (await clerk.get('/api/staff/cases?sort=due&limit=10')).json();
    const dues = byDue.items.map((i: { dueOn: string }) => i.dueOn);
    expect([...dues].sort()).toEqual(dues);
    const second = (await clerk.get(`/api/staff/cases?sort=due&limit=10&cursor=${byDue.next}`)).json();
    expect(second.items[0].dueOn >= dues[9]).toBe(true);
    expect(second.items.map((i: { id: number }) => i.id)).not.toContain(byDue.items[9].id);

    const theirs = (await clerk.get(`/api/staff/cases?assignee=${ids.clerk2}&limit=100`)).json();
    expect(theirs.items.length).toBe(theirs.total);
    expect(theirs.items.every((i: { assignee: { id: number } }) => i.assignee.id === ids.clerk2)).toBe(true);
    const ofCustomer = (await clerk.get(`/api/staff/cases?status=all&customerId=${ids.customer}&limit=100`)).json();
    expect(ofCustomer.items.length).toBe(3);
    expect(ofCustomer.items.every((i: { customer: { id: number } }) => i.customer.id === ids.customer)).toBe(true);
    expect((await clerk.get('/api/staff/cases?cursor=bm90LWpzb24')).json().error.code).toBe('cases.bad_cursor');
    expect((await clerk.get(`/api/staff/cases?q=${encodeURIComponent('SPR/1999/000007')}`)).json().items.map((i: { caseNumber: string }) => i.caseNumber)).toEqual(['SPR/1999/000007']);
  });

  it('numbers concurrent filings without gaps or repeats', async () => {
    const year = warsawToday().slice(0, 4);
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => send(customer, '/api/portal/cases', { kind: 'message', subject: `Wiadomość ${i}`, body: 'Treść' })));
    for (const r of results) expect(r.statusCode, r.body).toBe(200);
    const numbers = (await t.database.db.selectFrom('cases').select('case_number').where('utility_id', '=', ids.utility).where('case_number', 'like', `SPR/${year}/%`).execute())
      .map((r) => Number(r.case_number.split('/')[2]))
      .sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: numbers.length }, (_, i) => i + 1));
  });
});

describe('the demo data', () => {
  it("continues the demo cases' number series: a case filed after seeding takes the next number of its year", async () => {
    const { utilityId } = await seedUtility(t.database, { slug: 'zgk-demo', customers: 20, config: t.config, now: new Date() });
    const anna = client(t.app, 'zgk-demo');
    expect((await anna.post('/api/auth/login', { email: 'anna.kowalska@example.com', password: 'Wodnik-Demo-2026' })).statusCode).toBe(200);
    const year = warsawToday().slice(0, 4);
    const before = await t.database.db.selectFrom('cases').select('case_number').where('utility_id', '=', utilityId).where('case_number', 'like', `SPR/${year}/%`).execute();
    expect((await anna.get('/api/portal/cases')).json().total).toBe(5);
    const res = await send(anna, '/api/portal/cases', { kind: 'message', subject: 'Pytanie', body: 'Treść pytania' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().caseNumber).toBe(`SPR/${year}/${String(before.length + 1).padStart(6, '0')}`);
  }, 120_000);
});
