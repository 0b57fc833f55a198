/**
 * Invoice documents in the database: the PDF made once and served unchanged,
 * the durable job queue (idempotent enqueue, SKIP LOCKED claims, retries
 * with backoff, failed jobs and their retry, one utility's jobs hidden from
 * another), and delivery: an e-invoice by e-mail with the PDF attached,
 * exactly once however often the job runs; paper invoices are not e-mailed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import nodemailer from 'nodemailer';
import { loadConfig } from '../src/config.ts';
import type { Database } from '../src/db/connection.ts';
import { withTenant } from '../src/db/tenant.ts';
import { claimJobs, defineJob, drainJobs, enqueue, listJobs, retryJob, runDueJobs } from '../src/jobs/queue.ts';
import * as S from '../src/modules/billing/fa3/testing/sample-documents.ts';
import { deliverInvoice, enqueueInvoiceDocuments } from '../src/modules/billing/pdf/jobs.ts';
import { ensureInvoicePdf, invoicePdf } from '../src/modules/billing/pdf/store.ts';
import { deliverDue } from '../src/modules/notify/worker.ts';
import { createTestDatabase } from './support/db.ts';
import { buildCustomer, buildUtility } from './support/factories.ts';
import { insertInvoice } from './support/invoices.ts';
import { pdfText } from './support/pdf.ts';
import { pdfQrCodes } from './support/pdf-qr.ts';

const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', WODNIK_SECRET_KEY: '11'.repeat(32) });
let database: Database;
let utilityId: number;
let otherUtilityId: number;
let customerId: number;

beforeAll(async () => {
  database = await createTestDatabase();
  utilityId = Number((await buildUtility(database, { nip: S.SELLER.nip, short_name: 'ZGK Wodnik' })).id);
  otherUtilityId = Number((await buildUtility(database)).id);
  customerId = Number((await buildCustomer(database, utilityId, { email: 'anna@example.com' })).id);
});
afterAll(async () => {
  await database?.close();
});

const inTenant = <T>(fn: Parameters<typeof withTenant<T>>[2], u = utilityId) => withTenant(database.db, { utilityId: u }, fn);
const count = async (table: 'files' | 'email_outbox' | 'jobs', where = sql`true`) =>
  Number((await sql<{ n: string }>`select count(*) as n from ${sql.table(table)} where ${where}`.execute(database.db)).rows[0].n);

describe('the invoice PDF in the database', () => {
  it('is made once, stored in files and linked; later reads give the same bytes; the chart shows earlier periods', async () => {
    // Two earlier bimonthly invoices of the same customer make the chart's history.
    const earlier1 = { ...S.householdInvoice(), number: 'FV/2025/09/000001', period: { from: '2025-07-01', to: '2025-08-31' }, issueDate: '2025-09-01' };
    const earlier2 = { ...S.householdInvoice(), number: 'FV/2025/11/000001', period: { from: '2025-09-01', to: '2025-10-31' }, issueDate: '2025-11-01' };
    earlier1.lines = earlier1.lines.map((l) => (l.unit === 'm3' && l.name.startsWith('Dostawa wody') ? { ...l, quantity: 7000 } : l));
    await insertInvoice(database, utilityId, customerId, earlier1);
    await insertInvoice(database, utilityId, customerId, earlier2);
    const id = await insertInvoice(database, utilityId, customerId, S.householdInvoice());
    const before = await count('files');
    const first = await inTenant((tx) => ensureInvoicePdf(tx, utilityId, id));
    const second = await inTenant((tx) => ensureInvoicePdf(tx, utilityId, id));
    expect(first.created).toBe(true);
    expect(second).toEqual({ fileId: first.fileId, created: false });
    expect(await count('files')).toBe(before + 1);
    const a = await inTenant((tx) => invoicePdf(tx, utilityId, id));
    const b = await inTenant((tx) => invoicePdf(tx, utilityId, id));
    expect(a.name).toBe('FV-2026-03-000123.pdf');
    expect(Buffer.compare(a.bytes, b.bytes)).toBe(0);
    const text = (await pdfText(a.bytes)).replace(/\u00a0/g, ' ');
    expect(text).toContain('FV/2026/03/000123');
    // 2 × 7,000 m³ in July–August (two water lines), 15,500 in September–October and this period.
    expect(text).toMatch(/14,0\s+07–08\.2025/);
    expect(text).toMatch(/15,5\s+09–10\.2025/);
    // A household invoice does not go to KSeF: only the payment code.
    expect(pdfQrCodes(a.bytes)).toHaveLength(1);
  });

  it("a business invoice carries KOD I over the stored XML's hash, OFFLINE until it has a KSeF number", async () => {
    const xml = Buffer.from('<?xml version="1.0" encoding="UTF-8"?><Faktura>bajty zapisane</Faktura>');
    const id = await insertInvoice(database, utilityId, customerId, { ...S.businessInvoice(), number: 'FV/2026/03/000200' }, { xml });
    const { bytes } = await inTenant((tx) => invoicePdf(tx, utilityId, id));
    expect(await pdfText(bytes)).toContain('OFFLINE');
    const { createHash } = await import('node:crypto');
    const hash = createHash('sha256').update(xml).digest('base64url');
    expect(pdfQrCodes(bytes)).toContain(`https://qr.ksef.mf.gov.pl/invoice/${S.SELLER.nip}/02-03-2026/${hash}`);
  });

  it("another utility cannot render or read this utility's invoice", async () => {
    const id = await insertInvoice(database, utilityId, customerId, { ...S.householdInvoice(), number: 'FV/2026/03/000300' });
    await expect(inTenant((tx) => ensureInvoicePdf(tx, otherUtilityId, id), otherUtilityId)).rejects.toMatchObject({ code: 'invoice.not_found' });
  });
});

describe('the job queue', () => {
  it('enqueue is idempotent by key, per utility', async () => {
    const a = await inTenant((tx) => enqueue(tx, 'test.noop', { n: 1 }, { key: 'same' }));
    const b = await inTenant((tx) => enqueue(tx, 'test.noop', { n: 2 }, { key: 'same' }));
    const c = await inTenant((tx) => enqueue(tx, 'test.noop', { n: 3 }, { key: 'same' }), otherUtilityId);
    expect(a).toBeTypeOf('number');
    expect(b).toBeNull();
    expect(c).toBeTypeOf('number');
    // A job enqueued in a transaction that rolls back does not exist.
    await expect(
      inTenant(async (tx) => {
        await enqueue(tx, 'test.noop', {}, { key: 'rolled-back' });
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await count('jobs', sql`key like '%rolled-back'`)).toBe(0);
    await sql`delete from jobs where kind = 'test.noop'`.execute(database.db);
  });

  it('two claims at once never take the same job (FOR UPDATE SKIP LOCKED)', async () => {
    for (let i = 0; i < 6; i++) await inTenant((tx) => enqueue(tx, 'test.claim', { i }));
    const [x, y] = await Promise.all([claimJobs(database.db, 4, ['test.claim']), claimJobs(database.db, 4, ['test.claim'])]);
    const ids = [...x, ...y].map((j) => j.id);
    expect(ids).toHaveLength(6);
    expect(new Set(ids).size).toBe(6);
    await sql`delete from jobs where kind = 'test.claim'`.execute(database.db);
  });

  it('a failing job is retried with growing pauses, then failed; staff see it and can retry it; another utility does not see it', async () => {
    let calls = 0;
    let fail = true;
    defineJob('test.flaky', async () => {
      calls++;
      if (fail) throw new Error('SMTP said no');
    });
    const id = (await inTenant((tx) => enqueue(tx, 'test.flaky', {}, { maxAttempts: 3 })))!;
    for (let attempt = 1; attempt <= 3; attempt++) {
      const r = await runDueJobs(database, config, { kinds: ['test.flaky'] });
      expect(r).toEqual(attempt < 3 ? { done: 0, retrying: 1, failed: 0 } : { done: 0, retrying: 0, failed: 1 });
      const row = (await sql<{ wait: number }>`select extract(epoch from run_at - now())::float8 as wait from jobs where id = ${id}`.execute(database.db)).rows[0];
      expect(Number(row.wait)).toBeGreaterThan(attempt < 3 ? 10 * 2 ** (attempt - 1) - 5 : -1);
      // Not due yet: the next attempt waits (10 s, then 20 s); make it due now for the test.
      expect(await runDueJobs(database, config, { kinds: ['test.flaky'] })).toEqual({ done: 0, retrying: 0, failed: 0 });
      await sql`update jobs set run_at = now() where id = ${id}`.execute(database.db);
    }
    expect(calls).toBe(3);
    const failed = await inTenant((tx) => listJobs(tx, 'failed'));
    expect(failed.map((j) => j.id)).toContain(id);
    expect(failed.find((j) => j.id === id)).toMatchObject({ kind: 'test.flaky', attempts: 3, maxAttempts: 3, lastError: 'SMTP said no' });
    expect((await inTenant((tx) => listJobs(tx, 'failed'), otherUtilityId)).map((j) => j.id)).not.toContain(id);
    expect(await inTenant((tx) => retryJob(tx, id), otherUtilityId)).toBe(false);
    fail = false;
    expect(await inTenant((tx) => retryJob(tx, id))).toBe(true);
    expect(await inTenant((tx) => retryJob(tx, id))).toBe(false);
    expect(await runDueJobs(database, config, { kinds: ['test.flaky'] })).toEqual({ done: 1, retrying: 0, failed: 0 });
    expect(calls).toBe(4);
  });

  it('a running job whose process died is claimed again after its lease', async () => {
    const id = (await inTenant((tx) => enqueue(tx, 'test.lease', {})))!;
    expect((await claimJobs(database.db, 5, ['test.lease'])).map((j) => j.id)).toEqual([id]);
    expect(await claimJobs(database.db, 5, ['test.lease'])).toEqual([]);
    await sql`update jobs set locked_at = now() - interval '11 minutes' where id = ${id}`.execute(database.db);
    const again = await claimJobs(database.db, 5, ['test.lease']);
    expect(again.map((j) => [j.id, j.attempts])).toEqual([[id, 2]]);
  });
});

describe('delivery', () => {
  it('an e-invoice customer (by e-mail) gets one e-mail with the PDF attached and a portal link, however often the jobs run; paper is not e-mailed', async () => {
    const emailCustomer = Number((await buildCustomer(database, utilityId, { email: 'konto@example.com', invoice_delivery: 'einvoice' })).id);
    await database.db
      .insertInto('einvoice_consents')
      .values({ utility_id: utilityId, customer_id: emailCustomer, email: 'faktury@example.com', effective_from: '2026-01-01', by_email: true })
      .execute();
    const portalCustomer = Number((await buildCustomer(database, utilityId, { invoice_delivery: 'einvoice' })).id);
    await database.db.insertInto('einvoice_consents').values({ utility_id: utilityId, customer_id: portalCustomer, effective_from: '2026-01-01', by_email: false }).execute();

    const e = await insertInvoice(database, utilityId, emailCustomer, { ...S.householdInvoice(), number: 'FV/2026/03/000400' }, { delivery: 'einvoice' });
    const p = await insertInvoice(database, utilityId, portalCustomer, { ...S.householdInvoice(), number: 'FV/2026/03/000401' }, { delivery: 'einvoice' });
    const paper = await insertInvoice(database, utilityId, customerId, { ...S.householdInvoice(), number: 'FV/2026/03/000402' }, { delivery: 'paper' });

    const outboxBefore = await count('email_outbox');
    expect(await inTenant((tx) => enqueueInvoiceDocuments(tx, utilityId, [e, p, paper]))).toBe(3);
    expect(await inTenant((tx) => enqueueInvoiceDocuments(tx, utilityId, [e, p, paper]))).toBe(0);
    const report = await drainJobs(database, config, { kinds: ['invoice.pdf', 'invoice.deliver'] });
    expect(report).toEqual({ done: 6, retrying: 0, failed: 0 });
    for (const id of [e, p, paper]) {
      const row = await database.db.selectFrom('invoices').select('pdf_file_id').where('id', '=', id).executeTakeFirstOrThrow();
      expect(row.pdf_file_id).not.toBeNull();
    }
    expect(await count('email_outbox')).toBe(outboxBefore + 1);

    // The deliver job running again (a crash before it was marked done) sends nothing more.
    expect(await inTenant((tx) => deliverInvoice(tx, utilityId, e, config.publicUrl))).toBe('already_delivered');
    expect(await inTenant((tx) => deliverInvoice(tx, utilityId, paper, config.publicUrl))).toBe('paper');
    expect(await inTenant((tx) => deliverInvoice(tx, utilityId, p, config.publicUrl))).toBe('portal_only');
    expect(await count('email_outbox')).toBe(outboxBefore + 1);

    const mail = await database.db.selectFrom('email_outbox').selectAll().where('template', '=', 'invoice').executeTakeFirstOrThrow();
    expect(mail.to_address).toBe('faktury@example.com');
    expect(mail.subject).toContain('FV/2026/03/000400');
    expect(mail.text_body).toContain('na kwotę 203,75\u00a0zł, z terminem płatności 16.03.2026');
    expect(mail.text_body).toMatch(/\/t\/utility-[^/]+\/invoices/);

    // The outbox worker sends it with the stored PDF attached.
    const transport = nodemailer.createTransport({ streamTransport: true, buffer: true });
    const sent: Buffer[] = [];
    const orig = transport.sendMail.bind(transport);
    (transport as any).sendMail = async (m: any) => {
      const info = await orig(m);
      sent.push(info.message as Buffer);
      return info;
    };
    const r = await deliverDue(database, config, { transport });
    expect(r.sent).toBeGreaterThanOrEqual(1);
    const raw = sent.map((b) => b.toString()).find((m) => m.includes('FV-2026-03-000400.pdf'))!;
    expect(raw).toContain('Content-Type: application/pdf; name=FV-2026-03-000400.pdf');
    const stored = await inTenant((tx) => invoicePdf(tx, utilityId, e));
    const b64 = /filename=FV-2026-03-000400\.pdf\r?\n(?:[^\r\n]+\r?\n)*\r?\n([A-Za-z0-9+/=\r\n]+)/.exec(raw)![1].replace(/\s/g, '');
    expect(Buffer.compare(Buffer.from(b64, 'base64'), stored.bytes)).toBe(0);
  });
});
