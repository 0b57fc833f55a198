/**
 * Signing in to KSeF (../shared/ksef/docs/uwierzytelnianie.md):
 * challenge → a KSeF token encrypted RSA-OAEP SHA-256 ("token|timestampMs")
 * with the Ministry's KsefTokenEncryption key, or an AuthTokenRequest signed
 * XAdES-BES with the utility's certificate → poll the operation's status →
 * redeem the access and refresh tokens. `accessToken` refreshes the access
 * token before it lapses and signs in again when the refresh token has.
 */
import { sql } from 'kysely';
import type { Tx } from '../../db/tenant.ts';
import type { SecretBox } from '../../lib/secret-box.ts';
import { KsefApi, KsefError } from './api.ts';
import { CertificateError, loadCredentials } from './certificate.ts';
import { pickMinistryKey, rsaOaepSha256, type PublicKeyCertificate } from './crypto.ts';
import { credentialsOf, type Credentials, type SettingsRow } from './settings.ts';
import { authTokenRequestXml, signXades } from './xades.ts';

export interface TokenInfo {
  token: string;
  validUntil: string;
}

export interface SignInResult {
  accessToken: TokenInfo;
  refreshToken: TokenInfo;
  method: string;
}

export async function publicKeys(api: KsefApi): Promise<PublicKeyCertificate[]> {
  return api.request<PublicKeyCertificate[]>('/security/public-key-certificates');
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The whole sign-in. Failures are KsefErrors with a code staff can act on. */
export async function signIn(api: KsefApi, nip: string, creds: Credentials, opts: { pollMs?: number; timeoutMs?: number } = {}): Promise<SignInResult> {
  const challenge = await api.request<{ challenge: string; timestamp: string; timestampMs: number }>('/auth/challenge', { method: 'POST' });
  let init: { referenceNumber: string; authenticationToken: TokenInfo };
  if (creds.method === 'token') {
    const mk = pickMinistryKey(await publicKeys(api), 'KsefTokenEncryption');
    if (!mk) throw new KsefError('ksef.no_public_key', 'KSeF publishes no valid key for token encryption');
    const ms = challenge.timestampMs ?? Date.parse(challenge.timestamp);
    const encryptedToken = rsaOaepSha256(mk.publicKey, Buffer.from(`${creds.token}|${ms}`, 'utf8')).toString('base64');
    init = await api.request('/auth/ksef-token', {
      method: 'POST',
      json: { challenge: challenge.challenge, contextIdentifier: { type: 'Nip', value: nip }, encryptedToken, ...(mk.publicKeyId ? { publicKeyId: mk.publicKeyId } : {}) },
    });
  } else {
    let loaded;
    try {
      loaded = loadCredentials(creds.certificatePem, creds.privateKeyPem, nip);
    } catch (err) {
      if (err instanceof CertificateError) throw new KsefError(err.code, err.message);
      throw err;
    }
    const signed = await signXades(authTokenRequestXml(challenge.challenge, nip), loaded.certificate, loaded.privateKey);
    init = await api.request('/auth/xades-signature', { method: 'POST', body: signed, contentType: 'application/xml' });
  }
  const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
  let status: { status: { code: number; description: string; details?: string[] }; authenticationMethodInfo?: { code?: string } };
  for (;;) {
    status = await api.request(`/auth/${init.referenceNumber}`, { token: init.authenticationToken.token });
    if (status.status.code !== 100) break;
    // The certificate's status is asked of its issuer (OCSP/CRL): KSeF says "in progress" meanwhile.
    if (Date.now() > deadline) throw new KsefError('ksef.auth_pending', 'KSeF did not finish the sign-in in time');
    await sleep(opts.pollMs ?? 500);
  }
  if (status.status.code !== 200) {
    throw new KsefError(`ksef.auth_${status.status.code}`, [status.status.description, ...(status.status.details ?? [])].join(' — '), undefined, undefined, status.status);
  }
  const tokens = await api.request<{ accessToken: TokenInfo; refreshToken: TokenInfo }>('/auth/token/redeem', { method: 'POST', token: init.authenticationToken.token });
  return { ...tokens, method: status.authenticationMethodInfo?.code ?? creds.method };
}

/** Seconds before its end at which a token is treated as lapsed (clock skew, a slow request). */
const MARGIN_MS = 60_000;

/**
 * A valid access token for the utility: the stored one, else refreshed with
 * the refresh token, else a new sign-in; what changed is stored (sealed).
 */
export async function accessToken(tx: Tx, api: KsefApi, s: SettingsRow, box: SecretBox, now = () => Date.now()): Promise<string> {
  const valid = (v: Date | string | null) => v !== null && new Date(v).getTime() - MARGIN_MS > now();
  if (s.access_token_sealed && valid(s.access_valid_until)) return box.open(s.access_token_sealed).toString('utf8');
  if (s.refresh_token_sealed && valid(s.refresh_valid_until)) {
    try {
      const r = await api.request<{ accessToken: TokenInfo }>('/auth/token/refresh', { method: 'POST', token: box.open(s.refresh_token_sealed).toString('utf8') });
      await storeTokens(tx, box, s, r.accessToken, null);
      return r.accessToken.token;
    } catch (err) {
      // A refresh token KSeF no longer takes (revoked, the sign-in ended): sign in again.
      if (!(err instanceof KsefError) || !(err.httpStatus === 401 || err.httpStatus === 403 || err.httpStatus === 400)) throw err;
    }
  }
  const r = await signIn(api, s.seller_nip, credentialsOf(s, box));
  await storeTokens(tx, box, s, r.accessToken, r.refreshToken);
  return r.accessToken.token;
}

async function storeTokens(tx: Tx, box: SecretBox, s: SettingsRow, access: TokenInfo, refresh: TokenInfo | null): Promise<void> {
  s.access_token_sealed = box.seal(access.token);
  s.access_valid_until = access.validUntil;
  if (refresh) {
    s.refresh_token_sealed = box.seal(refresh.token);
    s.refresh_valid_until = refresh.validUntil;
  }
  await sql`update ksef_settings set access_token_sealed = ${s.access_token_sealed}, access_valid_until = ${access.validUntil}::timestamptz,
              refresh_token_sealed = ${s.refresh_token_sealed}, refresh_valid_until = ${s.refresh_valid_until === null ? null : new Date(s.refresh_valid_until).toISOString()}::timestamptz`.execute(tx);
}
