/**
 * KSeF offline modes (issue 16, item 5) against the local KSeF simulator:
 * KSeF goes away during a run, so the invoices are issued offline and their
 * PDFs carry KOD I labelled OFFLINE and KOD II labelled CERTYFIKAT, signed
 * with the utility's offline certificate (checked here with the
 * certificate's public key, as KSeF does after a scan); when KSeF is back
 * they are sent, a correction of one only after its original has its
 * number, and their PDFs then show the KSeF numbers (no KOD II). Also the
 * offline certificate's checks (key, NIP, type) and the KOD II link itself.
 * Both database engines.
 */
import { X509Certificate, constants, createPrivateKey, verify } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import type { Database } from '../src/db/connection.ts';
import { withTenant } from '../src/db/tenant.ts';
import { drainJobs } from '../src/jobs/queue.ts';
import type { InvoiceDocument } from '../src/modules/billing/invoice-document.ts';
import { JOB_PDF, JOB_PDF_KSEF } from '../src/modules/billing/pdf/jobs.ts';
import { certificateCodePath, certificateVerificationUrl, invoiceHash, ksefVerificationUrl, verifyCertificateUrl } from '../src/modules/billing/pdf/ksef-qr.ts';
import { refreshInvoicePdf } from '../src/modules/billing/pdf/store.ts';
import { approveRun, createPreviewRun, issueRun } from '../src/modules/billing/runs/service.ts';
import { issueCorrection } from '../src/modules/einvoice/correction.ts';
import { invoicePdf } from '../src/modules/einvoice/invoices.ts';
import { keyUsageBits } from '../src/modules/ksef/certificate.ts';
import { readyInvoices } from '../src/modules/ksef/selection.ts';
import { boxOf, requestSend, SEND_JOB, sendOptions } from '../src/modules/ksef/service.ts';
import { loadSettings, publicSettings, saveSettings, type SettingsInput } from '../src/modules/ksef/settings.ts';
import { PERIOD, buildBillingWorld, type World } from './support/billing-world.ts';
import { createTestDatabase } from './support/db.ts';
import { resetSendOptions } from './support/ksef-send-options.ts';
import { buildUser } from './support/factories.ts';
import { isValidKsefNumber, startKsefSimulator, type KsefSimulator } from './support/ksef-sim/index.ts';
import { KSEF_KEY_USAGE, makePersonalCertificate, makeSealCertificate, type TestCertificate } from './support/ksef-sim/certs.ts';
import { pdfText } from './support/pdf.ts';
import { pdfQrCodes } from './support/pdf-qr.ts';

const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', WODNIK_SECRET_KEY: '33'.repeat(32) });
const NOW = () => new Date('2026-11-03T09:00:00Z');
const plain = (s: string) => s.replace(/\u00a0/g, ' ');

describe('KOD II link (kody-qr.md, "2. KOD II")', () => {
  const hash = 'UtQp9Gpc51y-u3xApZjIjgkpZ01js-J8KflSPW8WzIE';
  const input = { env: 'test' as const, contextType: 'Nip' as const, contextValue: '1111111111', sellerNip: '1111111111', certificateSerial: '01F20A5D352AE590', invoiceHash: hash };

  it('signs the path the guide gives (no scheme, no trailing slash) and appends the Base64URL signature', async () => {
    expect(certificateCodePath(input)).toBe(`qr-test.ksef.mf.gov.pl/certificate/Nip/1111111111/1111111111/01F20A5D352AE590/${hash}`);
    for (const keyType of ['EC', 'RSA'] as const) {
      const c = await makeSealCertificate({ nip: '1111111111', keyType, keyUsage: KSEF_KEY_USAGE.offline });
      const url = certificateVerificationUrl(input, createPrivateKey(c.privateKeyPem));
      expect(url.startsWith(`https://qr-test.ksef.mf.gov.pl/certificate/Nip/1111111111/1111111111/01F20A5D352AE590/${hash}/`)).toBe(true);
      const sig = Buffer.from(url.split('/').pop()!, 'base64url');
      const data = Buffer.from(certificateCodePath(input));
      const pub = new X509Certificate(c.certificatePem).publicKey;
      if (keyType === 'EC') {
        // IEEE P1363 r||s, 32 bytes each (the format the guide recommends).
        expect(sig).toHaveLength(64);
        expect(verify('sha256', data, { key: pub, dsaEncoding: 'ieee-p1363' }, sig)).toBe(true);
      } else {
        // RSASSA-PSS, SHA-256, MGF1 SHA-256, 32-byte salt.
        expect(sig).toHaveLength(256);
        expect(verify('sha256', data, { key: pub, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, sig)).toBe(true);
      }
      expect(verifyCertificateUrl(url, pub)).not.toBeNull();
      expect(verifyCertificateUrl(url.replace('/Nip/1111111111/', '/Nip/2222222222/'), pub)).toBeNull();
    }
  });

  it('reads the keyUsage of KSeF certificates: Authentication = digitalSignature, Offline = nonRepudiation', async () => {
    const auth = await makeSealCertificate({ nip: '1111111111', keyType: 'EC', keyUsage: KSEF_KEY_USAGE.authentication });
    const off = await makeSealCertificate({ nip: '1111111111', keyType: 'EC', keyUsage: KSEF_KEY_USAGE.offline });
    expect([...keyUsageBits(auth.certificateDer)!]).toEqual([0]);
    expect([...keyUsageBits(off.certificateDer)!]).toEqual([1]);
  });
});

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
}, 180_000);
afterAll(() => database?.close());
afterEach(resetSendOptions);

const tenant = <T,>(w: Pick<World, 'utilityId'>, fn: Parameters<typeof withTenant<T>>[2]) => withTenant(database.db, { utilityId: w.utilityId }, fn);

describe('the offline certificate in the KSeF settings', () => {
  let w: World;
  let nip: string;
  let base: SettingsInput;
  beforeAll(async () => {
    w = await buildBillingWorld(database, 1);
    nip = (await sql<{ nip: string }>`select nip from utilities where id = ${w.utilityId}`.execute(database.db)).rows[0]!.nip;
    base = { environment: 'test', sellerNip: nip, authMethod: 'token', token: 'test-token-123456', includeConsumers: false, offline24: false };
  }, 180_000);

  const save = (over: Partial<SettingsInput>) => tenant(w, (tx) => saveSettings(tx, boxOf(config), { ...base, ...over }));

  it('refuses a key that is not the certificate’s, another NIP’s certificate, and an Authentication certificate, with codes in Polish and English', async () => {
    const good = await makeSealCertificate({ nip, keyType: 'EC', keyUsage: KSEF_KEY_USAGE.offline });
    const other = await makeSealCertificate({ nip, keyType: 'EC', keyUsage: KSEF_KEY_USAGE.offline });
    const foreign = await makeSealCertificate({ nip: '5260250274', keyType: 'EC', keyUsage: KSEF_KEY_USAGE.offline });
    const authOnly = await makePersonalCertificate({ nip, keyType: 'EC', keyUsage: KSEF_KEY_USAGE.authentication });
    const cases: Array<[TestCertificate, string, string]> = [
      [good, other.privateKeyPem, 'ksef.key_mismatch'],
      [foreign, foreign.privateKeyPem, 'ksef.certificate_nip_mismatch'],
      [authOnly, authOnly.privateKeyPem, 'ksef.certificate_not_offline'],
    ];
    for (const [cert, key, code] of cases) {
      const err = await save({ offlineCertificatePem: cert.certificatePem, offlinePrivateKeyPem: key }).catch((e) => e);
      expect(err, code).toMatchObject({ code, kind: 'bad_request' });
      expect(err.messages.pl).toMatch(/^Certyfikat offline: /);
      expect(err.messages.en).toMatch(/^Offline certificate: /);
    }
    await expect(save({ offlineCertificatePem: good.certificatePem })).rejects.toMatchObject({ code: 'ksef.offline_certificate_pair' });
    const out = await save({ offlineCertificatePem: good.certificatePem, offlinePrivateKeyPem: good.privateKeyPem });
    expect(out.offlineCertificate).toMatchObject({ nip, keyType: 'ec', serialNumber: new X509Certificate(good.certificatePem).serialNumber.toUpperCase() });
    // The key is sealed: nowhere in what the API shows, not in the row as text.
    const row = (await tenant(w, (tx) => loadSettings(tx)))!;
    expect(JSON.stringify(publicSettings(row))).not.toContain('PRIVATE KEY');
    expect(row.offline_private_key_sealed).not.toContain('PRIVATE KEY');
    // Kept when not given again; another seller NIP no longer fits it.
    expect((await save({})).offlineCertificate).not.toBeNull();
    await expect(save({ sellerNip: '5260250274' })).rejects.toMatchObject({ code: 'ksef.certificate_nip_mismatch' });
    expect((await save({ removeOfflineCertificate: true })).offlineCertificate).toBeNull();
  });
});

describe('KSeF away during a run (done when)', () => {
  let sim: KsefSimulator;
  let w: World;
  let nip: string;
  let runId: number;
  let offlineCert: TestCertificate;
  beforeAll(async () => {
    w = await buildBillingWorld(database, 3);
    nip = (await sql<{ nip: string }>`select nip from utilities where id = ${w.utilityId}`.execute(database.db)).rows[0]!.nip;
    runId = await tenant(w, (tx) => createPreviewRun(tx, w.utilityId, { period: PERIOD, selection: {} }));
    await tenant(w, (tx) => approveRun(tx, w.utilityId, runId, null));
    await issueRun(database, w.utilityId, runId, { now: NOW, batchSize: 50 });
    sim = await startKsefSimulator({ rateLimitScale: 0 });
    offlineCert = await makeSealCertificate({ nip, keyType: 'EC', keyUsage: KSEF_KEY_USAGE.offline });
    const token = sim.control.addKsefToken(nip);
    await tenant(w, (tx) =>
      saveSettings(tx, boxOf(config), {
        environment: 'test',
        sellerNip: nip,
        authMethod: 'token',
        token,
        offlineCertificatePem: offlineCert.certificatePem,
        offlinePrivateKeyPem: offlineCert.privateKeyPem,
        includeConsumers: true,
        offline24: false,
        apiUrlOverride: sim.url,
      }),
    );
    // The run's PDFs are made as usual, before anything goes to KSeF: KOD I labelled OFFLINE (no number yet).
    await drainJobs(database, config, { kinds: [JOB_PDF] });
  }, 180_000);
  afterAll(() => sim?.close());

  const fast = () => Object.assign(sendOptions, { pollMs: 20, maxWaitSeconds: 5 });

  async function invoices() {
    const { rows } = await sql<{ id: number; invoice_number: string; issue_date: unknown; xml: Uint8Array; ksef_number: string | null; state: string; offline: boolean; certificate_url: string | null; document: InvoiceDocument }>`
      select i.id, i.invoice_number, i.issue_date, i.xml, i.ksef_number, i.document, k.state, k.offline, k.certificate_url
        from invoices i join ksef_invoices k on k.utility_id = i.utility_id and k.invoice_id = i.id
       where i.utility_id = ${w.utilityId} order by i.id`.execute(database.db);
    return rows.map((r) => ({ ...r, id: Number(r.id) }));
  }

  const pdfOf = async (id: number) => (await tenant(w, (tx) => invoicePdf(tx, id))).bytes;

  async function runSendJobsNow() {
    await sql`update jobs set run_at = now() where utility_id = ${w.utilityId} and kind = ${SEND_JOB} and status = 'pending'`.execute(database.db);
    return drainJobs(database, config, { kinds: [SEND_JOB], maxRounds: 10 });
  }

  let correction: { id: number; number: string };

  it('issues the invoices offline: their PDFs carry KOD I labelled OFFLINE and KOD II labelled CERTYFIKAT, signed with the offline certificate', async () => {
    fast();
    await sim.control.setUnavailable('refused');
    const r = await tenant(w, (tx) => requestSend(tx, { runId }));
    expect(r.queued).toBe(5);
    expect(await drainJobs(database, config, { kinds: [SEND_JOB] })).toMatchObject({ done: 1, failed: 0 });
    const rows = await invoices();
    expect(rows.map((x) => [x.state, x.offline])).toEqual(Array(5).fill(['offline', true]));
    expect(rows.every((x) => x.certificate_url !== null && x.ksef_number === null)).toBe(true);
    // Their PDFs (made before, showing OFFLINE only) are made again with KOD II.
    expect(await drainJobs(database, config, { kinds: [JOB_PDF_KSEF] })).toMatchObject({ done: 5, failed: 0 });

    const pub = new X509Certificate(offlineCert.certificatePem).publicKey;
    const serial = new X509Certificate(offlineCert.certificatePem).serialNumber.toUpperCase();
    for (const inv of rows) {
      const pdf = await pdfOf(inv.id);
      const codes = pdfQrCodes(pdf);
      const kod1 = ksefVerificationUrl('test', nip, inv.document.issueDate, inv.xml);
      expect(codes).toContain(kod1);
      const kod2 = codes.find((c) => c.includes('/certificate/'))!;
      expect(kod2).toBe(inv.certificate_url);
      const [host, kind, ctxType, ctxValue, seller, certSerial, hash, signature] = kod2.replace('https://', '').split('/');
      expect([host, kind, ctxType, ctxValue, seller, certSerial, hash]).toEqual(['qr-test.ksef.mf.gov.pl', 'certificate', 'Nip', nip, nip, serial, invoiceHash(inv.xml)]);
      // KSeF's check after a scan: the signature over the link without https:// and without itself, with the certificate's public key.
      const signed = Buffer.from(kod2.replace('https://', '').replace(`/${signature}`, ''));
      expect(verify('sha256', signed, { key: pub, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature!, 'base64url'))).toBe(true);
      expect(verify('sha256', Buffer.from(signed.toString().replace(nip, '1111111111')), { key: pub, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature!, 'base64url'))).toBe(false);
    }
    const text = plain(await pdfText(await pdfOf(rows.find((x) => x.document.buyer.kind === 'business')!.id)));
    expect(text).toContain('OFFLINE');
    expect(text).toContain('CERTYFIKAT');
    expect(text).toContain('KOD II');
  });

  it('holds back a correction of an offline invoice until the original has its KSeF number', async () => {
    const staff = await buildUser(database, w.utilityId, { kind: 'staff', roles: ['billing'] });
    const original = (await invoices()).find((x) => x.document.buyer.kind === 'business')!;
    const lines = original.document.lines.map((l, i) => ({
      name: l.name,
      quantity: ((i === 0 ? l.quantity - 1000 : l.quantity) / 1000).toFixed(3),
      unit: l.unit,
      unitPrice: (l.unitPrice / 100).toFixed(2),
      vatRate: l.vatRate as number,
    }));
    correction = await tenant(w, (tx) =>
      issueCorrection(tx, { utilityId: w.utilityId, invoiceId: original.id, staffId: staff.id, ip: '127.0.0.1', now: new Date('2026-11-04T10:00:00Z'), input: { reason: 'wrong_reading', note: 'Odczyt poprawiony', lines } }),
    );
    expect((await tenant(w, (tx) => requestSend(tx, { invoiceNumber: correction.number }))).queued).toBe(1);
    // KSeF is still away: the correction is offline too, and is not ready while its original has no number.
    await drainJobs(database, config, { kinds: [SEND_JOB] });
    const row = (await invoices()).find((x) => x.id === correction.id)!;
    expect(row).toMatchObject({ state: 'offline', offline: true });
    const ready = await tenant(w, (tx) => readyInvoices(tx, 100, true));
    expect(ready).not.toContain(correction.id);
    expect(ready).toContain(original.id);
  });

  it('sends them when KSeF returns (the correction after its original), and their PDFs then show the KSeF numbers without KOD II', async () => {
    fast();
    await sim.control.setUnavailable(false);
    await runSendJobsNow();
    const rows = await invoices();
    expect(rows).toHaveLength(6);
    for (const r of rows) {
      expect(r.state, r.invoice_number).toBe('accepted');
      expect(isValidKsefNumber(r.ksef_number!)).toBe(true);
    }
    const order = sim.control.accepted().map((a) => a.invoiceNumber);
    const original = rows.find((x) => x.document.buyer.kind === 'business' && x.id !== correction.id)!;
    expect(order.indexOf(correction.number)).toBeGreaterThan(order.indexOf(original.invoice_number));
    expect(new Set(order)).toEqual(new Set(rows.map((r) => r.invoice_number)));
    // KSeF took them in offline mode (its UPO says so).
    const upos = await sql<{ upo: Uint8Array }>`select upo from ksef_invoices where utility_id = ${w.utilityId}`.execute(database.db);
    for (const u of upos.rows) expect(Buffer.from(u.upo).toString('utf8')).toContain('<TrybWysylki>Offline</TrybWysylki>');

    expect(await drainJobs(database, config, { kinds: [JOB_PDF_KSEF, JOB_PDF] })).toMatchObject({ failed: 0 });
    for (const inv of rows) {
      const pdf = await pdfOf(inv.id);
      const codes = pdfQrCodes(pdf);
      expect(codes).toContain(ksefVerificationUrl('test', nip, inv.document.issueDate, inv.xml));
      expect(codes.some((c) => c.includes('/certificate/'))).toBe(false);
      const text = plain(await pdfText(pdf));
      expect(text, inv.invoice_number).toContain(inv.ksef_number!);
      expect(text).not.toContain('OFFLINE');
      expect(text).not.toContain('CERTYFIKAT');
    }
    // The earlier versions are kept and marked replaced; the one served is the newest.
    const versions = await sql<{ invoice_id: number; ksef_view: string | null; replaced: boolean; current: boolean }>`
      select v.invoice_id, v.ksef_view, v.replaced_at is not null as replaced, v.file_id = i.pdf_file_id as current
        from invoice_pdf_versions v join invoices i on i.utility_id = v.utility_id and i.id = v.invoice_id
       where v.utility_id = ${w.utilityId} and v.invoice_id = ${original.id} order by v.created_at, v.file_id`.execute(database.db);
    expect(versions.rows.map((v) => [v.ksef_view, v.replaced, v.current])).toEqual([
      ['pending', true, false],
      ['offline', true, false],
      ['number', false, true],
    ]);
  });

  it('a refresh that runs again changes nothing', async () => {
    const before = await sql<{ n: number }>`select count(*)::int as n from files where utility_id = ${w.utilityId}`.execute(database.db);
    for (const inv of await invoices()) expect(await tenant(w, (tx) => refreshInvoicePdf(tx, w.utilityId, inv.id))).toBe('unchanged');
    // A job with the same key is not enqueued again.
    await sql`update jobs set status = 'pending', run_at = now() where utility_id = ${w.utilityId} and kind = ${JOB_PDF_KSEF}`.execute(database.db);
    await drainJobs(database, config, { kinds: [JOB_PDF_KSEF] });
    const after = await sql<{ n: number }>`select count(*)::int as n from files where utility_id = ${w.utilityId}`.execute(database.db);
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
  });
});
