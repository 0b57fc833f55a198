/**
 * E-mail through a real SMTP server started here (smtp-server on 127.0.0.1),
 * read back with mailparser: what the customer receives, that its link
 * works, retries with back-off, permanent failures, the worker, and the
 * developer's outbox page when there is no SMTP.
 */
import type { AddressInfo } from 'node:net';
import nodemailer from 'nodemailer';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../src/db/tenant.ts';
import { startWorkers } from '../src/jobs/workers.ts';
import { composeRequested, queueEmail } from '../src/modules/notify/index.ts';
import { requestEmail } from '../src/modules/notify/requests.ts';
import { deliverDue } from '../src/modules/notify/worker.ts';
import { client, createTestApp, type TestApp } from './support/app.ts';
import { TEST_PASSWORD, buildUser, buildUtility } from './support/factories.ts';
import { customerWithCode, identityFixture } from './identity-support.ts';

interface Received {
  mail: ParsedMail;
  rcptTo: string[];
}

let smtp: SMTPServer;
let smtpUrl = '';
const received: Received[] = [];
/** SMTP reply code the server gives the next messages instead of accepting them. */
const refuse: number[] = [];

let t: TestApp;
let slug: string;
let utilityId: number;
let utilityName: string;
let senderEmail: string;
let termsId: number;
let transport: nodemailer.Transporter;

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          const code = refuse.shift();
          if (code) return callback(Object.assign(new Error(code >= 500 ? 'Mailbox unavailable' : 'Try again later'), { responseCode: code }));
          received.push({ mail, rcptTo: session.envelope.rcptTo.map((r) => r.address) });
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  smtpUrl = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;
  t = await createTestApp({ SMTP_URL: smtpUrl, PUBLIC_URL: 'http://ebok.test:8080' });
  const f = await identityFixture(t);
  slug = f.utility.slug;
  utilityId = f.utility.id;
  utilityName = f.utility.name;
  senderEmail = f.utility.sender_email;
  termsId = f.termsId;
  transport = nodemailer.createTransport(t.config.smtpUrl!);
});

afterAll(async () => {
  transport?.close();
  await t?.close();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

/** Follows a link from an e-mail into the app: its path carries the tenant, its query the token. */
function tokenOf(link: string, page: string): string {
  const url = new URL(link);
  expect(url.origin).toBe('http://ebok.test:8080');
  expect(url.pathname).toBe(`/t/${slug}/${page}`);
  return url.searchParams.get('token')!;
}

const linkIn = (text: string) => text.match(/https?:\/\/\S+/)![0];

describe('e-mail through SMTP', () => {
  it('delivers the verification e-mail in Polish, from the utility, with a working link', async () => {
    const { customer, code } = await customerWithCode(t, utilityId);
    const c = client(t.app, slug);
    const email = 'jadwiga.wisniewska@example.com';
    const reg = await c.post('/api/auth/register', {
      customerNumber: customer.customer_number,
      activationCode: code,
      email,
      password: 'Jadwiga-haslo-2026',
      acceptTerms: true,
      termsVersionId: termsId,
    });
    expect(reg.statusCode, reg.body).toBe(201);
    const report = await deliverDue(t.database, t.config, { transport });
    expect(report).toEqual({ sent: 1, retrying: 0, failed: 0, kept: 0 });

    const got = received.at(-1)!;
    expect(got.rcptTo).toEqual([email]);
    expect(got.mail.subject).toBe('Potwierdzenie adresu e-mail w e-BOK');
    expect(got.mail.from?.value[0]).toEqual({ name: utilityName, address: senderEmail });
    expect(got.mail.text).toContain('dziękujemy za rejestrację w Internetowym Biurze Obsługi Klienta');
    expect(got.mail.text).toContain(`Z poważaniem\n${utilityName}`);
    const link = linkIn(got.mail.text!);
    expect(got.mail.html).toContain(`<a href="${link.replace(/&/g, '&amp;')}">Potwierdzenie adresu e-mail</a>`);
    const row = await t.database.db.selectFrom('email_outbox').selectAll().where('to_address', '=', email).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'sent', attempts: 1, last_error: null });
    expect(row.message_id).toBeTruthy();

    const verified = await c.post('/api/auth/verify-email', { token: tokenOf(link, 'verify-email') });
    expect(verified.statusCode, verified.body).toBe(200);
    expect((await c.post('/api/auth/login', { email, password: 'Jadwiga-haslo-2026' })).statusCode).toBe(200);
  });

  it('delivers the password-reset e-mail whose link sets a new password', async () => {
    const user = await buildUser(t.database, utilityId, { kind: 'customer', email: 'reset.smtp@example.com' });
    const c = client(t.app, slug);
    expect((await c.post('/api/auth/password-reset/request', { email: user.email })).statusCode).toBe(202);
    // The worker's two steps: the request becomes a message, the message is sent.
    expect(await composeRequested(t.database)).toEqual({ composed: 1, failed: 0 });
    await deliverDue(t.database, t.config, { transport });
    const got = received.at(-1)!;
    expect(got.rcptTo).toEqual([user.email]);
    expect(got.mail.subject).toBe('Ustawienie nowego hasła do e-BOK');
    expect(got.mail.text).toContain('Łącze jest ważne przez 60 minut i można go użyć tylko raz');
    const token = tokenOf(linkIn(got.mail.text!), 'reset-password');
    expect((await c.post('/api/auth/password-reset/confirm', { token, password: 'Po-resecie-2026' })).statusCode).toBe(200);
    expect((await c.post('/api/auth/login', { email: user.email, password: TEST_PASSWORD })).statusCode).toBe(401);
    expect((await c.post('/api/auth/login', { email: user.email, password: 'Po-resecie-2026' })).statusCode).toBe(200);
  });

  it('retries a temporary refusal later, and gives up on a permanent one or after the last attempt', async () => {
    const queue = (to: string) =>
      withTenant(t.database.db, { utilityId }, (tx) => queueEmail(tx, { utilityId, to, subject: 'Próba', text: 'Treść próbna', template: 'test' }));
    const id = await queue('ponownie@example.com');
    refuse.push(451);
    expect(await deliverDue(t.database, t.config, { transport })).toMatchObject({ retrying: 1, sent: 0 });
    const row = () =>
      t.database.db
        .selectFrom('email_outbox')
        .select(['status', 'attempts', 'last_error', sql<number>`extract(epoch from next_attempt_at - now())::int`.as('wait')])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
    expect(await row()).toMatchObject({ status: 'pending', attempts: 1, last_error: expect.stringContaining('Try again later') });
    expect((await row()).wait).toBeGreaterThan(20);
    // Not due yet: nothing happens.
    expect(await deliverDue(t.database, t.config, { transport })).toMatchObject({ sent: 0, retrying: 0 });
    await t.database.db.updateTable('email_outbox').set({ next_attempt_at: sql`now()` }).where('id', '=', id).execute();
    expect(await deliverDue(t.database, t.config, { transport })).toMatchObject({ sent: 1 });
    expect(await row()).toMatchObject({ status: 'sent', attempts: 2, last_error: null });
    expect(received.at(-1)!.rcptTo).toEqual(['ponownie@example.com']);

    const permanent = await queue('nie-istnieje@example.com');
    refuse.push(550);
    expect(await deliverDue(t.database, t.config, { transport })).toMatchObject({ failed: 1 });
    const p = await t.database.db.selectFrom('email_outbox').select(['status', 'attempts', 'last_error']).where('id', '=', permanent).executeTakeFirstOrThrow();
    expect(p).toMatchObject({ status: 'failed', attempts: 1, last_error: expect.stringContaining('Mailbox unavailable') });

    const last = await queue('ostatnia@example.com');
    // README: up to 6 attempts. After four failures the fifth failure still retries; the sixth is the last.
    await t.database.db.updateTable('email_outbox').set({ attempts: 4 }).where('id', '=', last).execute();
    refuse.push(421);
    expect(await deliverDue(t.database, t.config, { transport })).toMatchObject({ retrying: 1, failed: 0 });
    await t.database.db.updateTable('email_outbox').set({ next_attempt_at: sql`now()` }).where('id', '=', last).execute();
    refuse.push(421);
    expect(await deliverDue(t.database, t.config, { transport })).toMatchObject({ failed: 1 });
    expect(await t.database.db.selectFrom('email_outbox').select(['status', 'attempts']).where('id', '=', last).executeTakeFirstOrThrow()).toEqual({ status: 'failed', attempts: 6 });
  });

  it('is composed and sent by the workers the server starts (startWorkers): a reset request answered at once arrives by SMTP', async () => {
    const user = await buildUser(t.database, utilityId, { kind: 'customer', email: 'worker@example.com' });
    const before = received.length;
    await withTenant(t.database.db, { utilityId }, (tx) =>
      queueEmail(tx, { utilityId, to: 'worker@example.com', subject: 'Komunikat o przerwie w dostawie wody', text: 'Jutro od 8:00 do 12:00.', template: 'test' }),
    );
    expect((await client(t.app, slug).post('/api/auth/password-reset/request', { email: user.email })).statusCode).toBe(202);
    const stop = await startWorkers({ config: t.config, database: t.database });
    try {
      const until = Date.now() + 15_000;
      while (received.length < before + 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    } finally {
      await stop();
    }
    const subjects = received.slice(before).map((m) => m.mail.subject);
    expect(subjects.sort()).toEqual(['Komunikat o przerwie w dostawie wody', 'Ustawienie nowego hasła do e-BOK']);
    expect(await t.database.db.selectFrom('email_requests').select('id').execute()).toEqual([]);
  });

  it('keeps a request whose composer fails, counts the attempt and tries it again later', async () => {
    await withTenant(t.database.db, { utilityId }, (tx) => requestEmail(tx, 'no_such_composer', { utilityId, to: 'x@example.com', data: {} }));
    expect(await composeRequested(t.database)).toEqual({ composed: 0, failed: 1 });
    const row = await t.database.db
      .selectFrom('email_requests')
      .select(['status', 'attempts', 'last_error', sql<number>`extract(epoch from next_attempt_at - now())::int`.as('wait')])
      .where('composer', '=', 'no_such_composer')
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'pending', attempts: 1, last_error: "no composer 'no_such_composer' in this process" });
    expect(row.wait).toBeGreaterThan(20);
    // Not due again yet: the next round leaves it alone.
    expect(await composeRequested(t.database)).toEqual({ composed: 0, failed: 0 });
    await t.database.db.deleteFrom('email_requests').where('composer', '=', 'no_such_composer').execute();
  });
});

describe('without SMTP: the developer outbox', () => {
  let dev: TestApp;
  let devSlug: string;
  let devUtilityId: number;
  beforeAll(async () => {
    dev = await createTestApp({ PUBLIC_URL: 'http://ebok.test:8080' });
    const u = await buildUtility(dev.database);
    devSlug = u.slug;
    devUtilityId = u.id;
  });
  afterAll(() => dev?.close());

  it('keeps messages and lists them with clickable links, escaping their text', async () => {
    expect(dev.config.smtpUrl).toBeUndefined();
    const other = await buildUtility(dev.database);
    await withTenant(dev.database.db, { utilityId: other.id }, (tx) =>
      queueEmail(tx, { utilityId: other.id, to: 'nobody-else@example.com', subject: 'Cudza', text: 'Cudza wiadomość', template: 'test' }),
    );
    await withTenant(dev.database.db, { utilityId: devUtilityId }, (tx) =>
      queueEmail(tx, { utilityId: devUtilityId, to: 'dev@example.com', subject: '<script>alert(1)</script> Zażółć', text: 'Łącze: http://ebok.test:8080/t/x/verify-email?token=abc&x=1\nKoniec', template: 'test' }),
    );
    // The workers the server starts, with no SMTP_URL, keep what is due instead of sending it.
    const stop = await startWorkers({ config: dev.config, database: dev.database });
    const status = async () => (await dev.database.db.selectFrom('email_outbox').select('status').where('to_address', '=', 'dev@example.com').executeTakeFirstOrThrow()).status;
    try {
      const until = Date.now() + 15_000;
      while ((await status()) !== 'kept' && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    } finally {
      await stop();
    }
    expect(await status()).toBe('kept');
    const page = await client(dev.app, devSlug).get('/dev/outbox');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt; Zażółć');
    expect(page.body).not.toContain('<script>alert');
    expect(page.body).toContain('<a href="http://ebok.test:8080/t/x/verify-email?token=abc&amp;x=1">');
    expect(page.body).toContain('status <strong>kept</strong>');
    const json = await client(dev.app, devSlug).get('/api/dev/outbox?limit=5');
    expect(json.statusCode).toBe(200);
    const item = json.json().items[0];
    expect(item).toMatchObject({ to: 'dev@example.com', status: 'kept', links: ['http://ebok.test:8080/t/x/verify-email?token=abc&x=1'] });
    // Another utility's outbox is not shown here, but at its own address.
    expect(json.json().items.map((i: { to: string }) => i.to)).not.toContain('nobody-else@example.com');
    expect(page.body).not.toContain('nobody-else@example.com');
    const theirs = await client(dev.app, other.slug).get('/api/dev/outbox');
    expect(theirs.json().items.map((i: { to: string }) => i.to)).toEqual(['nobody-else@example.com']);
  });

  it('is not served in production', async () => {
    const prod = await createTestApp({ NODE_ENV: 'production' });
    try {
      const u = await buildUtility(prod.database);
      for (const url of ['/dev/outbox', '/api/dev/outbox']) {
        const r = await client(prod.app, u.slug).get(url);
        expect(r.statusCode, url).toBe(404);
      }
    } finally {
      await prod.close();
    }
  });
});
