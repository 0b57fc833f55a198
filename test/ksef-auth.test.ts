/**
 * Signing in to KSeF against the simulator, both ways the guide allows:
 * a KSeF token (RSA-OAEP SHA-256 of "token|timestampMs") and an
 * AuthTokenRequest signed XAdES-BES with a company-seal certificate, RSA and
 * ECDSA P-256; and the clear codes of what goes wrong (a wrong token, a
 * certificate of another NIP, a key of another certificate).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeNip } from '../src/lib/check-digits.ts';
import { KsefApi, KsefError } from '../src/modules/ksef/api.ts';
import { signIn } from '../src/modules/ksef/auth.ts';
import { CertificateError, loadCredentials, nipOfSubject } from '../src/modules/ksef/certificate.ts';
import { makePersonalCertificate, makeSealCertificate, startKsefSimulator, type KsefSimulator } from './support/ksef-sim/index.ts';

const NIP = completeNip('526104789')!;
const OTHER = completeNip('123456788')!;

let sim: KsefSimulator;
let api: KsefApi;
beforeAll(async () => {
  sim = await startKsefSimulator({ rateLimitScale: 0 });
  api = new KsefApi({ baseUrl: sim.url });
}, 180_000);
afterAll(() => sim?.close());

const codeOf = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (err) {
    if (err instanceof KsefError || err instanceof CertificateError) return err.code;
    throw err;
  }
  return 'no error';
};

describe('signing in', () => {
  it('with a KSeF token: access and refresh tokens', async () => {
    const token = sim.control.addKsefToken(NIP);
    const r = await signIn(api, NIP, { method: 'token', token }, { pollMs: 10 });
    expect(r.accessToken.token.length).toBeGreaterThan(10);
    expect(Date.parse(r.refreshToken.validUntil)).toBeGreaterThan(Date.parse(r.accessToken.validUntil));
    const paths = sim.control.requests().map((q) => `${q.method} ${q.path}`);
    expect(paths).toEqual(expect.arrayContaining(['POST /v2/auth/challenge', 'GET /v2/security/public-key-certificates', 'POST /v2/auth/ksef-token', 'POST /v2/auth/token/redeem']));
  });

  it.each(['RSA', 'EC'] as const)('with a company seal certificate signed XAdES (%s)', async (keyType) => {
    const cert = await makeSealCertificate({ nip: NIP, keyType });
    const r = await signIn(api, NIP, { method: 'certificate', certificatePem: cert.certificatePem, privateKeyPem: cert.privateKeyPem }, { pollMs: 10 });
    expect(r.accessToken.token.length).toBeGreaterThan(10);
    expect(sim.control.requests().some((q) => q.path === '/v2/auth/xades-signature' && q.status === 202)).toBe(true);
  });

  it('a wrong or revoked token: the sign-in fails with KSeF status 450', async () => {
    expect(await codeOf(signIn(api, NIP, { method: 'token', token: 'not-a-real-ksef-token-at-all' }, { pollMs: 10 }))).toBe('ksef.auth_450');
    const token = sim.control.addKsefToken(NIP);
    sim.control.revokeKsefToken(token);
    expect(await codeOf(signIn(api, NIP, { method: 'token', token }, { pollMs: 10 }))).toBe('ksef.auth_450');
  });

  it('a certificate of another NIP, or a key of another certificate: refused before KSeF is asked', async () => {
    const before = sim.control.requests().length;
    const other = await makeSealCertificate({ nip: OTHER });
    const mine = await makeSealCertificate({ nip: NIP, keyType: 'EC' });
    expect(await codeOf(signIn(api, NIP, { method: 'certificate', certificatePem: other.certificatePem, privateKeyPem: other.privateKeyPem }))).toBe('ksef.certificate_nip_mismatch');
    expect(await codeOf(signIn(api, NIP, { method: 'certificate', certificatePem: mine.certificatePem, privateKeyPem: other.privateKeyPem }))).toBe('ksef.key_mismatch');
    expect(() => loadCredentials('not a certificate', mine.privateKeyPem, NIP)).toThrow(CertificateError);
    // Only the challenges were asked for.
    expect(sim.control.requests().slice(before).every((q) => q.path === '/v2/auth/challenge')).toBe(true);
  });

  it('reads the NIP of a seal (VATPL-) and of a personal certificate (TINPL-); a PESEL one names none', async () => {
    const personal = await makePersonalCertificate({ nip: NIP });
    const pesel = await makePersonalCertificate({ pesel: '88102341294' });
    expect(loadCredentials(personal.certificatePem, personal.privateKeyPem, NIP).info.nip).toBe(NIP);
    expect(loadCredentials(pesel.certificatePem, pesel.privateKeyPem, NIP).info.nip).toBeNull();
    expect(nipOfSubject('C=PL\norganizationIdentifier=VATPL-5261047894\nCN=X')).toBe('5261047894');
  });
});
