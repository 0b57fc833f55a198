/**
 * The KSeF simulator itself (test/support/ksef-sim): the KSeF number's CRC-8
 * against the guide's examples, UPOs against upo-v4-3.xsd, requests checked
 * against open-api.json, both sign-in methods, interactive and batch sessions,
 * KSeF's rejections and the faults the control API sets. Driven by a tiny
 * client written here with fetch and node:crypto (not the product's client).
 */
import { constants, createCipheriv, createHash, publicEncrypt, randomBytes, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { zipSync } from 'fflate';
import { XmlDocument, XsdValidator } from 'libxml2-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFa3 } from '../src/modules/billing/fa3/build.ts';
import { BUSINESS_NIP, businessInvoice, SELLER, wrongCheckDigit } from '../src/modules/billing/fa3/testing/sample-documents.ts';
import { sharedPath } from './support/shared.ts';
import { makePersonalCertificate, makeSealCertificate, type TestCertificate } from './support/ksef-sim/certs.ts';
import { startKsefSimulator, type KsefSimulator } from './support/ksef-sim/index.ts';
import { crc8, isValidKsefNumber, makeKsefNumber } from './support/ksef-sim/ksef-number.ts';
import { authTokenRequestXml, signXadesForTest } from './support/ksef-sim/xades-sign.ts';

const specFile = sharedPath('ksef/open-api.json');
const upoXsd = sharedPath('ksef/upo/upo-v4-3.xsd');
const NIP = SELLER.nip;
const FA3 = { systemCode: 'FA (3)', schemaVersion: '1-0E', value: 'FA' };

describe('KSeF number', () => {
  it('has the CRC-8 of the guide’s example and of MF’s UPO examples', () => {
    // docs/faktury/numer-ksef.md and upo/upo-sesja-kontekst-id-nip.xml
    for (const n of ['5265877635-20250826-0100001AF629-AF', '5265877635-20250916-010040741B3E-46', '5265877635-20250916-0200A0D6723E-C2']) {
      expect(isValidKsefNumber(n)).toBe(true);
    }
    expect(crc8('5265877635-20250826-0100001AF629')).toBe(0xaf);
    expect(isValidKsefNumber('5265877635-20250826-0100001AF628-AF')).toBe(false);
    expect(isValidKsefNumber('5265877635-20250826-0100001af629-AF')).toBe(false);
    const made = makeKsefNumber(NIP, new Date('2026-12-07T10:00:00Z'));
    expect(made).toMatch(new RegExp(`^${NIP}-20261207-[0-9A-F]{12}-[0-9A-F]{2}$`));
    expect(isValidKsefNumber(made)).toBe(true);
  });
});

// --- a tiny scripted client ---------------------------------------------------------

type Json = Record<string, any>;

async function call(sim: KsefSimulator, method: string, path: string, o: { token?: string; body?: unknown; xml?: string; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...(o.headers ?? {}) };
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  let body: string | undefined;
  if (o.xml !== undefined) { headers['content-type'] = 'application/xml'; body = o.xml; }
  else if (o.body !== undefined) { headers['content-type'] = 'application/json'; body = JSON.stringify(o.body); }
  const res = await fetch(`${sim.url}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  let json: Json | null = null;
  try { json = text ? JSON.parse(text) : null; } catch { /* XML */ }
  return { status: res.status, json: json as Json, text, headers: res.headers };
}

const pemOf = (sim: KsefSimulator, usage: 'KsefTokenEncryption' | 'SymmetricKeyEncryption') => {
  const c = sim.publicKeys.find((k) => k.usage.includes(usage))!;
  return new X509Certificate(Buffer.from(c.certificate, 'base64')).publicKey;
};
const oaep = (sim: KsefSimulator, usage: 'KsefTokenEncryption' | 'SymmetricKeyEncryption', data: Buffer) =>
  publicEncrypt({ key: pemOf(sim, usage), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, data).toString('base64');
const sha = (b: Buffer) => createHash('sha256').update(b).digest('base64');
const aes = (key: Buffer, iv: Buffer, data: Buffer) => { const c = createCipheriv('aes-256-cbc', key, iv); return Buffer.concat([c.update(data), c.final()]); };

async function pollAuth(sim: KsefSimulator, ref: string, authToken: string) {
  const seen: number[] = [];
  for (let i = 0; i < 5; i++) {
    const r = await call(sim, 'GET', `/auth/${ref}`, { token: authToken });
    seen.push(r.json.status.code);
    if (r.json.status.code !== 100) return { final: r.json, seen };
  }
  throw new Error('auth stays in progress');
}

async function signInWithToken(sim: KsefSimulator, ksefToken: string, nip = NIP) {
  const ch = (await call(sim, 'POST', '/auth/challenge')).json;
  const encryptedToken = oaep(sim, 'KsefTokenEncryption', Buffer.from(`${ksefToken}|${ch.timestampMs}`));
  const init = await call(sim, 'POST', '/auth/ksef-token', { body: { challenge: ch.challenge, contextIdentifier: { type: 'Nip', value: nip }, encryptedToken } });
  expect(init.status).toBe(202);
  return init.json as { referenceNumber: string; authenticationToken: { token: string } };
}

async function signInWithCertificate(sim: KsefSimulator, cert: TestCertificate, nip = NIP) {
  const ch = (await call(sim, 'POST', '/auth/challenge')).json;
  return call(sim, 'POST', '/auth/xades-signature', { xml: signXadesForTest(authTokenRequestXml(ch.challenge, nip), cert) });
}

async function accessToken(sim: KsefSimulator): Promise<string> {
  const init = await signInWithToken(sim, sim.control.addKsefToken(NIP));
  await pollAuth(sim, init.referenceNumber, init.authenticationToken.token);
  return (await call(sim, 'POST', '/auth/token/redeem', { token: init.authenticationToken.token })).json.accessToken.token;
}

function encryption(sim: KsefSimulator) {
  const key = randomBytes(32);
  const iv = randomBytes(16);
  return { key, iv, info: { encryptedSymmetricKey: oaep(sim, 'SymmetricKeyEncryption', key), initializationVector: iv.toString('base64') } };
}

async function openOnline(sim: KsefSimulator, token: string) {
  const enc = encryption(sim);
  const r = await call(sim, 'POST', '/sessions/online', { token, body: { formCode: FA3, encryption: enc.info } });
  expect(r.status).toBe(201);
  return { ref: r.json.referenceNumber as string, ...enc };
}

async function sendInvoice(sim: KsefSimulator, token: string, s: { ref: string; key: Buffer; iv: Buffer }, xml: Buffer, tamper?: 'hash', extra: Json = {}) {
  const encrypted = aes(s.key, s.iv, xml);
  const body = { ...extra, invoiceHash: tamper === 'hash' ? sha(Buffer.from('x')) : sha(xml), invoiceSize: xml.length, encryptedInvoiceHash: sha(encrypted), encryptedInvoiceSize: encrypted.length, encryptedInvoiceContent: encrypted.toString('base64') };
  return call(sim, 'POST', `/sessions/online/${s.ref}/invoices`, { token, body });
}

async function invoiceStatus(sim: KsefSimulator, token: string, sessionRef: string, invoiceRef: string) {
  const seen: number[] = [];
  for (let i = 0; i < 5; i++) {
    const r = await call(sim, 'GET', `/sessions/${sessionRef}/invoices/${invoiceRef}`, { token });
    seen.push(r.json.status.code);
    if (r.json.status.code >= 200) return { ...r.json, seen } as Json;
  }
  throw new Error('invoice stays in progress');
}

async function sessionStatus(sim: KsefSimulator, token: string, ref: string, until = (c: number) => c >= 200 && c !== 170) {
  for (let i = 0; i < 50; i++) {
    const r = await call(sim, 'GET', `/sessions/${ref}`, { token });
    if (until(r.json.status.code)) return r.json;
    await new Promise((res) => setTimeout(res, 20));
  }
  throw new Error('session never finished');
}

const invoiceXml = (number: string, edit: (xml: string) => string = (x) => x) => Buffer.from(edit(Buffer.from(buildFa3({ ...businessInvoice(), number })).toString('utf8')), 'utf8');

let upoValidator: XsdValidator | null = null;
function upoProblems(xml: string): string | null {
  if (!upoXsd) return null;
  upoValidator ??= XsdValidator.fromDoc(XmlDocument.fromBuffer(readFileSync(upoXsd)));
  const doc = XmlDocument.fromString(xml);
  try { upoValidator.validate(doc); return null; } catch (e) { return (e as Error).message; } finally { doc.dispose(); }
}

describe.skipIf(!specFile)('KSeF simulator', () => {
  let sim: KsefSimulator;
  let token: string;
  beforeAll(async () => {
    sim = await startKsefSimulator({ specFile: specFile!, rateLimitScale: 0 });
    token = await accessToken(sim);
  });
  afterAll(async () => { await sim?.close(); });

  it('publishes its keys as GET /security/public-key-certificates does', async () => {
    const r = await call(sim, 'GET', '/security/public-key-certificates');
    expect(r.json).toEqual(sim.publicKeys);
    for (const k of r.json as Json[]) {
      const der = Buffer.from(k.certificate, 'base64');
      expect(k.certificateId).toBe(sha(der));
      expect(k.publicKeyId).toBe(sha(new X509Certificate(der).publicKey.export({ type: 'spki', format: 'der' })));
    }
    expect(r.json.map((k: Json) => k.usage[0]).sort()).toEqual(['KsefTokenEncryption', 'SymmetricKeyEncryption']);
  });

  it('checks requests against open-api.json: 400 with code 21405 in both error formats', async () => {
    const bad = await call(sim, 'POST', '/sessions/online', { token, body: { formCode: FA3 } });
    expect(bad.status).toBe(400);
    expect(bad.json.exception.exceptionDetailList[0].exceptionCode).toBe(21405);
    expect(bad.json.exception.exceptionDetailList[0].details.join(' ')).toContain('encryption');
    const problem = await call(sim, 'POST', '/auth/ksef-token', { body: { challenge: 'too-short', contextIdentifier: { type: 'Nip', value: NIP }, encryptedToken: 'AAAA' }, headers: { 'x-error-format': 'problem-details' } });
    expect(problem.status).toBe(400);
    expect(problem.headers.get('content-type')).toContain('application/problem+json');
    expect(problem.json.errors[0].code).toBe(21405);
    const badParam = await call(sim, 'GET', '/sessions/NOT-A-REFERENCE', { token });
    expect(badParam.json.exception.exceptionDetailList[0].exceptionCode).toBe(21405);
    const unsupportedForm = await call(sim, 'POST', '/sessions/online', { token, body: { formCode: { ...FA3, systemCode: 'FA (2)' }, encryption: encryption(sim).info } });
    expect(unsupportedForm.json.exception.exceptionDetailList[0]).toMatchObject({ exceptionCode: 21405, details: ['Wskazany kod formularza nie jest wspierany.'] });
    expect((await call(sim, 'POST', '/sessions/online', { body: { formCode: FA3, encryption: encryption(sim).info } })).status).toBe(401);
    // No credentials is 401 before the content is looked at.
    expect((await call(sim, 'POST', '/sessions/online', { body: {} })).status).toBe(401);
  });

  it('signs in with a KSeF token: in progress once, then success; tokens redeemed once; refresh', async () => {
    const ksefToken = sim.control.addKsefToken(NIP);
    const init = await signInWithToken(sim, ksefToken);
    const { final, seen } = await pollAuth(sim, init.referenceNumber, init.authenticationToken.token);
    expect(seen).toEqual([100, 200]);
    expect(final.authenticationMethodInfo.category).toBe('Token');
    const pair = await call(sim, 'POST', '/auth/token/redeem', { token: init.authenticationToken.token });
    expect(pair.status).toBe(200);
    const again = await call(sim, 'POST', '/auth/token/redeem', { token: init.authenticationToken.token });
    expect(again.json.exception.exceptionDetailList[0].exceptionCode).toBe(21301);
    const own = await openOnline(sim, pair.json.accessToken.token);
    sim.control.expireAccessTokens();
    const expired = await call(sim, 'GET', `/sessions/${own.ref}`, { token: pair.json.accessToken.token });
    expect(expired.status).toBe(401);
    const refreshed = await call(sim, 'POST', '/auth/token/refresh', { token: pair.json.refreshToken.token });
    expect(refreshed.status).toBe(200);
    expect((await call(sim, 'GET', `/sessions/${own.ref}`, { token: refreshed.json.accessToken.token })).json.status.code).toBe(100);
    token = refreshed.json.accessToken.token;
    // A challenge is good once; a wrong token and a token of another NIP fail in the status.
    const ch = (await call(sim, 'POST', '/auth/challenge')).json;
    const body = { challenge: ch.challenge, contextIdentifier: { type: 'Nip', value: NIP }, encryptedToken: oaep(sim, 'KsefTokenEncryption', Buffer.from(`nope|${ch.timestampMs}`)) };
    const wrong = await call(sim, 'POST', '/auth/ksef-token', { body });
    expect((await pollAuth(sim, wrong.json.referenceNumber, wrong.json.authenticationToken.token)).final.status.code).toBe(450);
    expect((await call(sim, 'POST', '/auth/ksef-token', { body })).json.exception.exceptionDetailList[0].exceptionCode).toBe(21111);
    const other = await signInWithToken(sim, sim.control.addKsefToken(BUSINESS_NIP));
    expect((await pollAuth(sim, other.referenceNumber, other.authenticationToken.token)).final.status.code).toBe(415);
  });

  it('signs in with XAdES: RSA company seal and ECDSA personal certificate; a certificate of another NIP and a tampered document fail', async () => {
    // One RSA key (slow to make), the rest ECDSA.
    const seal = await makeSealCertificate({ nip: NIP });
    for (const cert of [seal, await makePersonalCertificate({ nip: NIP, keyType: 'EC' })]) {
      const init = await signInWithCertificate(sim, cert);
      expect(init.status).toBe(202);
      const { final } = await pollAuth(sim, init.json.referenceNumber, init.json.authenticationToken.token);
      expect(final.status.code).toBe(200);
      expect(final.authenticationMethod).toBe(cert.keyType === 'RSA' ? 'QualifiedSeal' : 'QualifiedSignature');
      expect((await call(sim, 'POST', '/auth/token/redeem', { token: init.json.authenticationToken.token })).json.accessToken.token).toBeTruthy();
    }
    const foreign = await signInWithCertificate(sim, await makeSealCertificate({ nip: BUSINESS_NIP, keyType: 'EC' }));
    expect((await pollAuth(sim, foreign.json.referenceNumber, foreign.json.authenticationToken.token)).final.status).toMatchObject({ code: 415 });
    const ch = (await call(sim, 'POST', '/auth/challenge')).json;
    const signed = signXadesForTest(authTokenRequestXml(ch.challenge, NIP), seal);
    const tampered = await call(sim, 'POST', '/auth/xades-signature', { xml: signed.replace(`<Nip>${NIP}</Nip>`, `<Nip>${BUSINESS_NIP}</Nip>`) });
    expect(tampered.json.exception.exceptionDetailList[0].exceptionCode).toBe(9105);
    // A private key that is not the certificate's: the signature does not verify.
    const ecA = await makeSealCertificate({ nip: NIP, keyType: 'EC' });
    const ecB = await makeSealCertificate({ nip: NIP, keyType: 'EC' });
    const ch2 = (await call(sim, 'POST', '/auth/challenge')).json;
    const wrongKey = await call(sim, 'POST', '/auth/xades-signature', { xml: signXadesForTest(authTokenRequestXml(ch2.challenge, NIP), { ...ecA, privateKeyPem: ecB.privateKeyPem }) });
    expect(wrongKey.json.exception.exceptionDetailList[0].exceptionCode).toBe(9105);
    const unsigned = await call(sim, 'POST', '/auth/xades-signature', { xml: authTokenRequestXml(ch.challenge, NIP) });
    expect(unsigned.json.exception.exceptionDetailList[0].exceptionCode).toBe(9102);
    const expired = await signInWithCertificate(sim, await makeSealCertificate({ nip: NIP, keyType: 'EC', notBefore: new Date(Date.now() - 3e10), notAfter: new Date(Date.now() - 1e10) }));
    expect((await pollAuth(sim, expired.json.referenceNumber, expired.json.authenticationToken.token)).final.status.code).toBe(460);
  });

  it('takes invoices in an interactive session: numbers, duplicates, KSeF’s rejections, UPO valid against upo-v4-3.xsd', async () => {
    const s = await openOnline(sim, token);
    const good = invoiceXml('FV/SIM/1');
    const sent = await sendInvoice(sim, token, s, good);
    expect(sent.status).toBe(202);
    const st = await invoiceStatus(sim, token, s.ref, sent.json.referenceNumber);
    expect(st.seen).toEqual([150, 200]);
    expect(isValidKsefNumber(st.ksefNumber)).toBe(true);
    expect(st.ksefNumber.startsWith(`${NIP}-`)).toBe(true);

    const dup = await invoiceStatus(sim, token, s.ref, (await sendInvoice(sim, token, s, invoiceXml('FV/SIM/1'))).json.referenceNumber);
    expect(dup.status).toMatchObject({ code: 440, description: 'Duplikat faktury', extensions: { originalKsefNumber: st.ksefNumber, originalSessionReferenceNumber: s.ref } });
    const future = await invoiceStatus(sim, token, s.ref, (await sendInvoice(sim, token, s, invoiceXml('FV/SIM/2', (x) => x.replace(/<P_1>[^<]+<\/P_1>/, '<P_1>2099-01-01</P_1>')))).json.referenceNumber);
    expect(future.status.code).toBe(450);
    expect(future.status.details[0]).toContain('P_1');
    const badNip = await invoiceStatus(sim, token, s.ref, (await sendInvoice(sim, token, s, invoiceXml('FV/SIM/3', (x) => x.replace(BUSINESS_NIP, wrongCheckDigit(BUSINESS_NIP))))).json.referenceNumber);
    expect(badNip.status.code).toBe(450);
    expect(badNip.status.details[0]).toContain('Podmiot2');
    const schema = await invoiceStatus(sim, token, s.ref, (await sendInvoice(sim, token, s, invoiceXml('FV/SIM/4', (x) => x.replace('<KodWaluty>PLN</KodWaluty>', '')))).json.referenceNumber);
    expect(schema.status.code).toBe(450);
    const bom = await invoiceStatus(sim, token, s.ref, (await sendInvoice(sim, token, s, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), invoiceXml('FV/SIM/5')]))).json.referenceNumber);
    expect(bom.status.code).toBe(430);
    sim.control.rejectInvoice('FV/SIM/6', { code: 450, description: 'Błąd weryfikacji semantyki dokumentu faktury', details: ['Symulowane odrzucenie.'] });
    const forced = await invoiceStatus(sim, token, s.ref, (await sendInvoice(sim, token, s, invoiceXml('FV/SIM/6'))).json.referenceNumber);
    expect(forced.status.details).toEqual(['Symulowane odrzucenie.']);
    const badHash = await sendInvoice(sim, token, s, invoiceXml('FV/SIM/7'), 'hash');
    expect(badHash.json.exception.exceptionDetailList[0].exceptionCode).toBe(21403);

    const upo = await call(sim, 'GET', `/sessions/${s.ref}/invoices/ksef/${st.ksefNumber}/upo`, { token });
    expect(upo.headers.get('x-ms-meta-hash')).toBe(sha(Buffer.from(upo.text)));
    expect(upo.text).toContain(st.ksefNumber);
    expect(upoProblems(upo.text)).toBeNull();
    expect(await (await fetch(st.upoDownloadUrl)).text()).toBe(upo.text);

    // A close with a JSON content type and no body is fine, as with KSeF.
    expect((await call(sim, 'POST', `/sessions/online/${s.ref}/close`, { token, headers: { 'content-type': 'application/json' } })).status).toBe(204);
    const done = await sessionStatus(sim, token, s.ref);
    const listed = await call(sim, 'GET', `/sessions?sessionType=Online&statuses=Succeeded&pageSize=100`, { token });
    expect(listed.json.sessions.find((x: Json) => x.referenceNumber === s.ref)).toMatchObject({ totalInvoiceCount: 7, successfulInvoiceCount: 1 });
    expect((await call(sim, 'GET', `/sessions?sessionType=Sometimes`, { token })).status).toBe(400);
    expect(done).toMatchObject({ status: { code: 200 }, invoiceCount: 7, successfulInvoiceCount: 1, failedInvoiceCount: 6 });
    const page = await call(sim, 'GET', `/sessions/${s.ref}/upo/${done.upo.pages[0].referenceNumber}`, { token });
    expect(upoProblems(page.text)).toBeNull();
    const failed = await call(sim, 'GET', `/sessions/${s.ref}/invoices/failed?pageSize=10`, { token });
    expect(failed.json.invoices.map((i: Json) => i.status.code).sort()).toEqual([430, 440, 450, 450, 450, 450]);
    const firstPage = await call(sim, 'GET', `/sessions/${s.ref}/invoices?pageSize=10`, { token });
    expect(firstPage.json.invoices).toHaveLength(7);
    expect(firstPage.json.continuationToken).toBeUndefined();
  });

  it('takes a technical correction of a rejected offline invoice once (korekta-techniczna.md)', async () => {
    const s = await openOnline(sim, token);
    const broken = invoiceXml('FV/OFF/1', (x) => x.replace('<KodWaluty>PLN</KodWaluty>', ''));
    const first = await invoiceStatus(sim, token, s.ref, (await sendInvoice(sim, token, s, broken, undefined, { offlineMode: true })).json.referenceNumber);
    expect(first).toMatchObject({ status: { code: 450 }, invoicingMode: 'Offline' });
    const fixed = invoiceXml('FV/OFF/1');
    const notOffline = await sendInvoice(sim, token, s, fixed, undefined, { hashOfCorrectedInvoice: sha(broken) });
    expect(notOffline.json.exception.exceptionDetailList[0].exceptionCode).toBe(21405);
    const corr = await invoiceStatus(sim, token, s.ref, (await sendInvoice(sim, token, s, fixed, undefined, { offlineMode: true, hashOfCorrectedInvoice: sha(broken) })).json.referenceNumber);
    expect(corr.status.code).toBe(200);
    expect(isValidKsefNumber(corr.ksefNumber)).toBe(true);
    const twice = await sendInvoice(sim, token, s, fixed, undefined, { offlineMode: true, hashOfCorrectedInvoice: sha(broken) });
    expect(twice.json.exception.exceptionDetailList[0].exceptionCode).toBe(21166);
    const ofAccepted = await sendInvoice(sim, token, s, invoiceXml('FV/OFF/2'), undefined, { offlineMode: true, hashOfCorrectedInvoice: sha(fixed) });
    expect(ofAccepted.json.exception.exceptionDetailList[0].exceptionCode).toBe(21167);
    const upo = await call(sim, 'GET', `/sessions/${s.ref}/invoices/${corr.referenceNumber}/upo`, { token });
    expect(upo.text).toContain('<TrybWysylki>Offline</TrybWysylki>');
    expect(upoProblems(upo.text)).toBeNull();
  });

  it('the UPO check can fail: MF’s TEST-environment example breaks the fixed NazwaPodmiotuPrzyjmujacego', () => {
    const example = sharedPath('ksef/upo/upo-faktura-kontekst-id-nip.xml');
    if (!example || !upoXsd) return;
    expect(upoProblems(readFileSync(example, 'utf8'))).toMatch(/NazwaPodmiotuPrzyjmujacego/);
  });

  it('takes a batch: ZIP in encrypted parts uploaded to the returned URLs, processed after close, numbers and UPO', async () => {
    const files = Object.fromEntries(['FV/B/1', 'FV/B/2', 'FV/B/3'].map((n, i) => [`faktura-${i + 1}.xml`, new Uint8Array(invoiceXml(n, (x) => (n === 'FV/B/3' ? x.replace(/<P_1>[^<]+<\/P_1>/, '<P_1>2099-01-01</P_1>') : x)))]));
    const zip = Buffer.from(zipSync(files));
    const enc = encryption(sim);
    const half = Math.ceil(zip.length / 2);
    const parts = [zip.subarray(0, half), zip.subarray(half)].map((p) => aes(enc.key, enc.iv, p));
    const open = await call(sim, 'POST', '/sessions/batch', { token, body: { formCode: FA3, encryption: enc.info, batchFile: { fileSize: zip.length, fileHash: sha(zip), fileParts: parts.map((p, i) => ({ ordinalNumber: i + 1, fileSize: p.length, fileHash: sha(p) })) } } });
    expect(open.status).toBe(201);
    const ref = open.json.referenceNumber;
    const early = await call(sim, 'POST', `/sessions/batch/${ref}/close`, { token });
    expect(early.json.exception.exceptionDetailList.map((e: Json) => e.exceptionCode)).toEqual([21205, 21205]);
    for (const u of open.json.partUploadRequests) {
      const r = await fetch(u.url, { method: u.method, headers: u.headers, body: parts[u.ordinalNumber - 1] });
      expect(r.status).toBe(201);
    }
    expect((await call(sim, 'POST', `/sessions/batch/${ref}/close`, { token })).status).toBe(204);
    const done = await sessionStatus(sim, token, ref);
    expect(done).toMatchObject({ status: { code: 200 }, invoiceCount: 3, successfulInvoiceCount: 2, failedInvoiceCount: 1 });
    const list = (await call(sim, 'GET', `/sessions/${ref}/invoices?pageSize=10`, { token })).json.invoices as Json[];
    expect(list.map((i) => [i.invoiceFileName, i.status.code])).toEqual([['faktura-1.xml', 200], ['faktura-2.xml', 200], ['faktura-3.xml', 450]]);
    expect(list.filter((i) => i.ksefNumber).every((i) => isValidKsefNumber(i.ksefNumber))).toBe(true);
    expect(sim.control.accepted().filter((a) => a.invoiceNumber.startsWith('FV/B/')).map((a) => [a.ksefNumber, a.invoiceHash])).toEqual(list.slice(0, 2).map((i) => [i.ksefNumber, i.invoiceHash]));
    const upo = await fetch(done.upo.pages[0].downloadUrl);
    const upoText = await upo.text();
    expect(upoProblems(upoText)).toBeNull();
    expect(upoText.match(/<Dokument>/g)).toHaveLength(2);
    // Sending the same run again (a job that died and reruns): duplicates carry the numbers KSeF holds.
    const again = encryption(sim);
    const p2 = aes(again.key, again.iv, zip);
    const open2 = await call(sim, 'POST', '/sessions/batch', { token, body: { formCode: FA3, encryption: again.info, batchFile: { fileSize: zip.length, fileHash: sha(zip), fileParts: [{ ordinalNumber: 1, fileSize: p2.length, fileHash: sha(p2) }] } } });
    await fetch(open2.json.partUploadRequests[0].url, { method: 'PUT', headers: open2.json.partUploadRequests[0].headers, body: p2 });
    await call(sim, 'POST', `/sessions/batch/${open2.json.referenceNumber}/close`, { token });
    await sessionStatus(sim, token, open2.json.referenceNumber);
    const list2 = (await call(sim, 'GET', `/sessions/${open2.json.referenceNumber}/invoices?pageSize=10`, { token })).json.invoices as Json[];
    expect(list2.slice(0, 2).map((i) => i.status.extensions.originalKsefNumber)).toEqual(list.slice(0, 2).map((i) => i.ksefNumber));
  });

  it('reads a tar.gz package too (compressionType TarGz)', async () => {
    // A minimal ustar writer: 512-byte header (name, octal size, type '0', checksum), data padded to 512.
    const tar = (files: Array<[string, Buffer]>) => Buffer.concat([
      ...files.flatMap(([name, data]) => {
        const h = Buffer.alloc(512);
        h.write(name, 0);
        h.write('0000644\0', 100); h.write('0000000\0', 108); h.write('0000000\0', 116);
        h.write(data.length.toString(8).padStart(11, '0') + '\0', 124);
        h.write('00000000000\0', 136); h.write('        ', 148); h.write('0', 156); h.write('ustar\0', 257); h.write('00', 263);
        h.write(h.reduce((a, b) => a + b, 0).toString(8).padStart(6, '0') + '\0 ', 148);
        return [h, data, Buffer.alloc((512 - (data.length % 512)) % 512)];
      }),
      Buffer.alloc(1024),
    ]);
    const pkg = gzipSync(tar([['a.xml', invoiceXml('FV/TGZ/1')], ['b.xml', invoiceXml('FV/TGZ/2')]]));
    const enc = encryption(sim);
    const part = aes(enc.key, enc.iv, pkg);
    const open = await call(sim, 'POST', '/sessions/batch', { token, body: { formCode: FA3, encryption: enc.info, batchFile: { fileSize: pkg.length, fileHash: sha(pkg), compressionType: 'TarGz', fileParts: [{ ordinalNumber: 1, fileSize: part.length, fileHash: sha(part) }] } } });
    await fetch(open.json.partUploadRequests[0].url, { method: 'PUT', body: part });
    await call(sim, 'POST', `/sessions/batch/${open.json.referenceNumber}/close`, { token });
    expect(await sessionStatus(sim, token, open.json.referenceNumber)).toMatchObject({ status: { code: 200 }, successfulInvoiceCount: 2 });
    expect(sim.control.sessions().find((x) => x.referenceNumber === open.json.referenceNumber)).toMatchObject({ type: 'Batch', invoiceCount: 2, successfulInvoiceCount: 2 });
  });

  it('fails on command: 429 with Retry-After, 5xx, 503, connection refused, a session closed with errors', async () => {
    sim.control.tooManyRequests(2, 7);
    const limited = await call(sim, 'POST', '/auth/challenge');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(limited.json.status.code).toBe(429);
    expect((await call(sim, 'POST', '/auth/challenge')).status).toBe(429);
    expect((await call(sim, 'POST', '/auth/challenge')).status).toBe(200);
    sim.control.serverErrors(1, 502);
    expect((await call(sim, 'POST', '/auth/challenge')).status).toBe(502);
    await sim.control.setUnavailable('503');
    expect((await call(sim, 'POST', '/auth/challenge')).status).toBe(503);
    await sim.control.setUnavailable('refused');
    await expect(call(sim, 'POST', '/auth/challenge')).rejects.toThrow();
    await sim.control.setUnavailable(false);
    expect((await call(sim, 'POST', '/auth/challenge')).status).toBe(200);
    sim.control.slow(300);
    const t0 = Date.now();
    expect((await call(sim, 'POST', '/auth/challenge')).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(300);
    sim.control.slow(0);

    const s = await openOnline(sim, token);
    await sendInvoice(sim, token, s, invoiceXml('FV/SIM/FAIL/1'));
    sim.control.failSessionClose({ code: 500, description: 'Nieznany błąd (500)' }, s.ref);
    await call(sim, 'POST', `/sessions/online/${s.ref}/close`, { token });
    const st = await sessionStatus(sim, token, s.ref);
    expect(st.status.code).toBe(500);
    expect(st.upo).toBeUndefined();
  });

  it('enforces the spec’s rate limits (x-rate-limits) with Retry-After', async () => {
    const limited = await startKsefSimulator({ specFile: specFile!, rateLimitScale: 1 });
    try {
      const t = await accessToken(limited);
      const answers = [];
      for (let i = 0; i < 11; i++) answers.push((await call(limited, 'POST', '/sessions/online', { token: t, body: { formCode: FA3, encryption: encryption(limited).info } })));
      expect(answers.slice(0, 10).every((a) => a.status === 201)).toBe(true);
      expect(answers[10].status).toBe(429);
      expect(Number(answers[10].headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(answers[10].json.status.details[0]).toContain('10');
    } finally {
      await limited.close();
    }
  });
});
