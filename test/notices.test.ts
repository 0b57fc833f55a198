/**
 * Notices, forms and terms versions through the HTTP API on a real database:
 * a clerk previews and publishes a notice for one street (the affected
 * customers are e-mailed, one without an address is counted), it shows on
 * the affected customer's Pulpit and not on another's, on the public page,
 * and leaves both when it ends; forms are uploaded, checked by their bytes,
 * published and downloaded without signing in; a new terms version is owed
 * by existing portal users until they accept it (recorded with IP and browser).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, createTestApp, type Client, type TestApp } from './support/app.ts';
import { TEST_PASSWORD, buildContract, buildCustomer, buildServicePoint, buildUser, buildUtility } from './support/factories.ts';

let t: TestApp;
let slug: string;
let utilityId: number;
let clerk: Client;
let admin: Client;
let reader: Client;
let affected: Client;
let unaffected: Client;
let affectedCustomerId: number;

async function login(email: string): Promise<Client> {
  const c = client(t.app, slug);
  const res = await c.post('/api/auth/login', { email, password: TEST_PASSWORD });
  expect(res.statusCode, res.body).toBe(200);
  return c;
}

function multipart(fields: Record<string, string>, file?: { name: string; bytes: Buffer; type?: string }) {
  const boundary = '----wodnik' + Math.random().toString(16).slice(2);
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  if (file) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: ${file.type ?? 'application/octet-stream'}\r\n\r\n`));
    parts.push(file.bytes, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

beforeAll(async () => {
  t = await createTestApp();
  const u = await buildUtility(t.database);
  slug = u.slug;
  utilityId = u.id;
  // A terms version the existing portal users live under (they registered before the next one).
  await t.database.db
    .insertInto('terms_versions')
    .values({ utility_id: utilityId, kind: 'portal', version: '2026-01', title: 'Regulamin e-BOK', body: 'Treść pierwszej wersji regulaminu e-BOK.', published_at: new Date(Date.now() - 90 * 86_400_000) })
    .execute();
  const mk = async (street: string, building: string, email: string | null) => {
    const c = await buildCustomer(t.database, utilityId, { email });
    const sp = await buildServicePoint(t.database, utilityId, { street, building, locality: 'Wodnikowo' });
    await buildContract(t.database, utilityId, c.id, sp.id);
    return c;
  };
  const a = await mk('ul. Lipowa', '12A', 'lipowa12a@example.com');
  affectedCustomerId = a.id;
  await mk('ul. Lipowa', '14', null); // in the range, no e-mail: counted, not mailed
  await mk('ul. Lipowa', '30', 'lipowa30@example.com'); // outside the range
  const b = await mk('ul. Klonowa', '12', 'klonowa12@example.com'); // another street
  await buildUser(t.database, utilityId, { kind: 'staff', email: 'bok@test.example', roles: ['customer_service'] });
  await buildUser(t.database, utilityId, { kind: 'staff', email: 'admin@test.example', roles: ['admin'] });
  await buildUser(t.database, utilityId, { kind: 'staff', email: 'inkasent@test.example', roles: ['meter_reader'] });
  await buildUser(t.database, utilityId, { kind: 'customer', email: 'a@example.com', customerIds: [a.id] });
  await buildUser(t.database, utilityId, { kind: 'customer', email: 'b@example.com', customerIds: [b.id] });
  clerk = await login('bok@test.example');
  admin = await login('admin@test.example');
  reader = await login('inkasent@test.example');
  affected = await login('a@example.com');
  unaffected = await login('b@example.com');
}, 240_000);

afterAll(() => t?.close());

const notice = (over: Record<string, unknown> = {}) => ({
  kind: 'outage',
  title: 'Awaria wodociągu na ul. Lipowej',
  body: 'Beczkowóz stoi przy skrzyżowaniu z ul. Klonową.',
  startsAt: iso(Date.now() - HOUR),
  endsAt: iso(Date.now() + 5 * HOUR),
  areas: [{ locality: 'Wodnikowo', street: 'Lipowa', fromNumber: 10, toNumber: 20 }],
  ...over,
});

describe('notices', () => {
  let id: number;

  it('refuses a notice with an empty area, and saves nothing', async () => {
    const res = await clerk.post('/api/staff/notices', notice({ areas: [] }));
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'notices.area_empty', messages: { pl: expect.stringMatching(/obszar/) } });
    const preview = await clerk.post('/api/staff/notices/preview', { areas: [] });
    expect(preview.json().error.code).toBe('notices.area_empty');
    const reversed = await clerk.post('/api/staff/notices', notice({ areas: [{ locality: 'Wodnikowo', street: 'Lipowa', fromNumber: 20, toNumber: 10 }] }));
    expect(reversed.json().error.code).toBe('notices.area_range');
    const backwards = await clerk.post('/api/staff/notices', notice({ endsAt: iso(Date.now() - 2 * HOUR) }));
    expect(backwards.json().error.code).toBe('notices.ends_before_start');
    expect((await t.database.db.selectFrom('notices').select('id').execute()).length).toBe(0);
  });

  it('previews the service points and customers in the area (12A lies in 10–20)', async () => {
    // The locality as a clerk might type it: other case, extra spaces.
    const res = await clerk.post('/api/staff/notices/preview', { areas: [{ locality: '  wodnikowo ', street: 'LIPOWA', fromNumber: 10, toNumber: 20 }] });
    expect(res.statusCode, res.body).toBe(200);
    const p = res.json();
    expect(p).toMatchObject({ servicePoints: 2, customers: 2, customersWithoutEmail: 1, truncated: false });
    expect(p.items.map((i: { address: string }) => i.address.split(',')[0])).toEqual(['ul. Lipowa 12A', 'ul. Lipowa 14']);
  });

  it('is written and published by customer service, not by a meter reader', async () => {
    expect((await reader.post('/api/staff/notices', notice())).statusCode).toBe(403);
    const res = await clerk.post('/api/staff/notices', notice());
    expect(res.statusCode, res.body).toBe(201);
    id = res.json().id;
    // A draft is nowhere yet.
    expect((await affected.get('/api/portal/notices')).json().items).toEqual([]);
    expect((await client(t.app, slug).get('/api/notices')).json().items).toEqual([]);
    const pub = await clerk.post(`/api/staff/notices/${id}/publish`);
    expect(pub.statusCode, pub.body).toBe(200);
    expect(pub.json()).toEqual({ servicePoints: 2, customers: 2, emailed: 1, withoutEmail: 1 });
    expect((await clerk.post(`/api/staff/notices/${id}/publish`)).json().error.code).toBe('notices.already_published');
  });

  it('e-mails the affected customer once, formally and in Polish', async () => {
    const mail = await t.database.db.selectFrom('email_outbox').selectAll().where('template', '=', 'notice').execute();
    expect(mail.map((m) => m.to_address)).toEqual(['lipowa12a@example.com']);
    expect(mail[0]!.subject).toBe('Awaria: Awaria wodociągu na ul. Lipowej');
    expect(mail[0]!.text_body).toMatch(/^Dzień dobry,\n\nuprzejmie informujemy/);
    expect(mail[0]!.text_body).toContain('ul. Lipowa 12A');
    expect(mail[0]!.text_body).toMatch(/Od \d{2}\.\d{2}\.\d{4}, \d{2}:\d{2} do \d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}\./);
    expect(mail[0]!.text_body).not.toMatch(/\b(Pan|Pani|Twoj|masz)\b/);
  });

  it("shows on the affected customer's Pulpit with the address, not on another's", async () => {
    const mine = (await affected.get('/api/portal/notices')).json().items;
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ id, mine: true, addresses: ['ul. Lipowa 12A, Wodnikowo'], areaText: ['Wodnikowo, Lipowa 10–20'] });
    expect((await unaffected.get('/api/portal/notices')).json().items).toEqual([]);
  });

  it('shows on the public page without signing in, filtered by locality and street', async () => {
    const anon = client(t.app, slug);
    expect((await anon.get('/api/notices')).json().items.map((n: { id: number }) => n.id)).toEqual([id]);
    expect((await anon.get('/api/notices?locality=wodnikowo&street=ul.%20Lipowa')).json().items).toHaveLength(1);
    expect((await anon.get('/api/notices?locality=Wodnikowo&street=Klonowa')).json().items).toHaveLength(0);
    expect((await anon.get('/api/notices?locality=Zalesie')).json().items).toHaveLength(0);
    // The staff list tells what went out.
    const staff = (await clerk.get('/api/staff/notices')).json().items;
    expect(staff[0]).toMatchObject({ id, status: 'current', emailedCount: 1, noEmailCount: 1 });
    // Whom it concerns is personal data: not for the meter reader.
    expect((await reader.get(`/api/staff/notices/${id}`)).statusCode).toBe(403);
    expect((await clerk.get(`/api/staff/notices/${id}`)).json().affected.customers).toBe(2);
  });

  it('disappears when it ends', async () => {
    expect((await clerk.post(`/api/staff/notices/${id}/end`)).statusCode).toBe(204);
    expect((await affected.get('/api/portal/notices')).json().items).toEqual([]);
    expect((await client(t.app, slug).get('/api/notices')).json().items).toEqual([]);
    expect((await clerk.get('/api/staff/notices')).json().items[0].status).toBe('ended');
  });

  it('a notice already over cannot be published', async () => {
    const res = await clerk.post('/api/staff/notices', notice({ startsAt: iso(Date.now() - 5 * HOUR), endsAt: iso(Date.now() - HOUR) }));
    expect(res.statusCode).toBe(201);
    expect((await clerk.post(`/api/staff/notices/${res.json().id}/publish`)).json().error.code).toBe('notices.already_ended');
  });
});

describe('forms', () => {
  const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

  it('uploads a PDF, publishes it, and anyone downloads it', async () => {
    const up = multipart({ category: 'billing', title: 'Wniosek o e-fakturę', description: 'Zgoda na faktury elektroniczne', publish: 'false' }, { name: 'wniosek-e-faktura.pdf', bytes: pdf });
    const res = await clerk.request('POST', '/api/staff/forms', up.body, up.headers);
    expect(res.statusCode, res.body).toBe(201);
    const id = res.json().id;
    const anon = client(t.app, slug);
    expect((await anon.get('/api/forms')).json().items).toEqual([]);
    expect((await anon.get(`/api/forms/${id}/file`)).statusCode).toBe(404);
    expect((await clerk.post(`/api/staff/forms/${id}/publish`)).statusCode).toBe(204);
    const list = (await anon.get('/api/forms')).json().items;
    expect(list).toEqual([expect.objectContaining({ id, category: 'billing', title: 'Wniosek o e-fakturę', fileName: 'wniosek-e-faktura.pdf', contentType: 'application/pdf', sizeBytes: pdf.length })]);
    const file = await anon.get(`/api/forms/${id}/file`);
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toBe('application/pdf');
    expect(file.headers['content-disposition']).toContain('attachment');
    expect(file.rawPayload.equals(pdf)).toBe(true);
    expect((await clerk.post(`/api/staff/forms/${id}/withdraw`)).statusCode).toBe(204);
    expect((await anon.get(`/api/forms/${id}/file`)).statusCode).toBe(404);
  });

  it('refuses a file that is not PDF, DOCX or ODT by its bytes, an unknown category, a too large file, a meter reader', async () => {
    const fake = multipart({ category: 'billing', title: 'x' }, { name: 'program.pdf', bytes: Buffer.from('MZ\x90\x00 not a pdf') });
    expect((await clerk.request('POST', '/api/staff/forms', fake.body, fake.headers)).json().error.code).toBe('forms.file_type');
    const cat = multipart({ category: 'nonsense', title: 'x' }, { name: 'a.pdf', bytes: pdf });
    expect((await clerk.request('POST', '/api/staff/forms', cat.body, cat.headers)).json().error.code).toBe('forms.category_unknown');
    const big = multipart({ category: 'billing', title: 'x' }, { name: 'a.pdf', bytes: Buffer.concat([pdf, Buffer.alloc(10 * 1024 * 1024 + 1)]) });
    const tooBig = await clerk.request('POST', '/api/staff/forms', big.body, big.headers);
    expect(tooBig.statusCode).toBe(413);
    expect(tooBig.json().error.code).toBe('forms.too_large');
    const ok = multipart({ category: 'billing', title: 'x' }, { name: 'a.pdf', bytes: pdf });
    expect((await reader.request('POST', '/api/staff/forms', ok.body, ok.headers)).statusCode).toBe(403);
    expect((await t.database.db.selectFrom('documents').select('id').execute()).length).toBe(1);
  });

  it('reads the fields whatever their order, and refuses a form with two files whole', async () => {
    const boundary = '----wodnik-order';
    const field = (k: string, v: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`;
    const filePart = (name: string) => Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/pdf\r\n\r\n`), pdf, Buffer.from('\r\n')]);
    const headers = { 'content-type': `multipart/form-data; boundary=${boundary}` };
    const before = (await t.database.db.selectFrom('documents').select('id').execute()).length;
    // The file first, the fields after it.
    const late = Buffer.concat([filePart('cennik.pdf'), Buffer.from(field('category', 'billing') + field('title', 'Cennik usług') + `--${boundary}--\r\n`)]);
    const res = await clerk.request('POST', '/api/staff/forms', late, headers);
    expect(res.statusCode, res.body).toBe(201);
    const stored = await t.database.db
      .selectFrom('documents as d')
      .innerJoin('files as f', 'f.id', 'd.file_id')
      .select(['d.title', 'd.category', 'f.name'])
      .where('d.id', '=', res.json().id)
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({ title: 'Cennik usług', category: 'billing', name: 'cennik.pdf' });
    // Two files: refused, and neither is stored.
    const two = Buffer.concat([Buffer.from(field('category', 'billing') + field('title', 'Dwa pliki')), filePart('a.pdf'), filePart('b.pdf'), Buffer.from(`--${boundary}--\r\n`)]);
    const refused = await clerk.request('POST', '/api/staff/forms', two, headers);
    expect(refused.statusCode).toBe(413);
    expect(refused.json().error.code).toBe('request.multipart_too_many_parts');
    expect((await t.database.db.selectFrom('documents').select('id').execute()).length).toBe(before + 1);
  });
});

describe('terms versions', () => {
  it('only the administrator publishes; existing portal users then owe an acceptance', async () => {
    expect((await affected.get('/api/auth/session')).json().user.termsToAccept).toBe(false);
    const body = { version: '2026-12', title: 'Regulamin e-BOK (wersja z grudnia 2026 r.)', body: '§ 1. Nowa treść regulaminu e-BOK, obowiązująca od dziś.' };
    expect((await clerk.post('/api/staff/terms', body)).statusCode).toBe(403);
    const res = await admin.post('/api/staff/terms', body);
    expect(res.statusCode, res.body).toBe(201);
    expect((await admin.post('/api/staff/terms', body)).json().error.code).toBe('terms.version_exists');
    // The next sign-in says so, and so does the session.
    const again = client(t.app, slug);
    const signIn = await again.post('/api/auth/login', { email: 'a@example.com', password: TEST_PASSWORD });
    expect(signIn.json().user.termsToAccept).toBe(true);
    expect((await again.get('/api/auth/session')).json().user.termsToAccept).toBe(true);
    const pending = (await again.get('/api/portal/terms/pending')).json().terms;
    expect(pending).toMatchObject({ id: res.json().id, version: '2026-12' });
    // Not accepting, or an outdated version, is refused.
    expect((await again.post('/api/portal/terms/accept', { termsVersionId: pending.id, accept: false })).json().error.code).toBe('terms.not_accepted');
    expect((await again.post('/api/portal/terms/accept', { termsVersionId: 1, accept: true })).json().error.code).toBe('terms.outdated');
    const ok = await again.request('POST', '/api/portal/terms/accept', { termsVersionId: pending.id, accept: true }, { 'user-agent': 'Testowa przeglądarka', 'x-forwarded-for': '198.51.100.7' });
    expect(ok.statusCode, ok.body).toBe(204);
    expect((await again.get('/api/auth/session')).json().user.termsToAccept).toBe(false);
    expect((await again.post('/api/portal/terms/accept', { termsVersionId: pending.id, accept: true })).json().error.code).toBe('terms.nothing_to_accept');
    const rows = await t.database.db.selectFrom('terms_acceptances').selectAll().where('terms_version_id', '=', pending.id).execute();
    expect(rows).toEqual([expect.objectContaining({ customer_id: affectedCustomerId, ip: '198.51.100.7', user_agent: 'Testowa przeglądarka' })]);
    // The other customer still owes it; staff never do.
    expect((await unaffected.get('/api/auth/session')).json().user.termsToAccept).toBe(true);
    // A password change answers with the session too, and says so as well.
    const changed = await unaffected.post('/api/auth/password', { currentPassword: TEST_PASSWORD, newPassword: 'Nowe-haslo-2026-x' });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json().user.termsToAccept).toBe(true);
    expect((await clerk.get('/api/auth/session')).json().user.termsToAccept).toBe(false);
    const versions = (await clerk.get('/api/staff/terms')).json().items;
    expect(versions.find((v: { version: string }) => v.version === '2026-12')).toMatchObject({ acceptedBy: 1 });
  });
});
