/**
 * A utility's KSeF configuration (admin): environment, seller NIP, how to
 * sign in. Secrets (the KSeF token, the certificate's private key, the
 * access and refresh tokens) are sealed with the server key
 * (src/lib/secret-box.ts) and never leave the server: `publicSettings` is
 * all the API shows. No row = KSeF off for the utility.
 */
import { X509Certificate } from 'node:crypto';
import { sql } from 'kysely';
import type { Tx } from '../../db/tenant.ts';
import { isValidNip } from '../../lib/check-digits.ts';
import { badRequest } from '../../lib/errors.ts';
import type { SecretBox } from '../../lib/secret-box.ts';
import { CertificateError, describeCertificate, loadCredentials, type CertificateInfo, type CertificatePurpose, type LoadedCredentials } from './certificate.ts';
import { KSEF_API_BASE, KSEF_ENVIRONMENTS, type KsefEnv } from './environments.ts';

export interface SettingsRow {
  utility_id: number;
  environment: KsefEnv;
  api_url_override: string | null;
  seller_nip: string;
  auth_method: 'token' | 'certificate';
  token_sealed: string | null;
  certificate_pem: string | null;
  private_key_sealed: string | null;
  /** The KSeF certificate of type Offline (KOD II of offline invoices) and its sealed key. */
  offline_certificate_pem: string | null;
  offline_private_key_sealed: string | null;
  include_consumers: boolean;
  offline24: boolean;
  access_token_sealed: string | null;
  access_valid_until: Date | string | null;
  refresh_token_sealed: string | null;
  refresh_valid_until: Date | string | null;
  last_check_at: Date | string | null;
  last_check_code: string | null;
  last_check_text: string | null;
}

export type Credentials = { method: 'token'; token: string } | { method: 'certificate'; certificatePem: string; privateKeyPem: string };

export async function loadSettings(tx: Tx): Promise<SettingsRow | null> {
  const { rows } = await sql<SettingsRow>`select * from ksef_settings`.execute(tx);
  return rows[0] ?? null;
}

export function apiBaseUrl(s: Pick<SettingsRow, 'environment' | 'api_url_override'>): string {
  return s.api_url_override ?? KSEF_API_BASE[s.environment];
}

export function credentialsOf(s: SettingsRow, box: SecretBox): Credentials {
  if (s.auth_method === 'token') return { method: 'token', token: box.open(s.token_sealed!).toString('utf8') };
  return { method: 'certificate', certificatePem: s.certificate_pem!, privateKeyPem: box.open(s.private_key_sealed!).toString('utf8') };
}

const iso = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString());

export interface PublicSettings {
  configured: boolean;
  environment: KsefEnv | null;
  apiUrl: string | null;
  sellerNip: string | null;
  authMethod: 'token' | 'certificate' | null;
  hasToken: boolean;
  certificate: CertificateInfo | null;
  /** The offline certificate (KOD II); null: offline invoices get no KOD II until the admin uploads one. */
  offlineCertificate: CertificateInfo | null;
  includeConsumers: boolean;
  offline24: boolean;
  signedInUntil: string | null;
  lastCheck: { at: string; code: string; text: string | null } | null;
}

export function publicSettings(s: SettingsRow | null): PublicSettings {
  if (!s) {
    return { configured: false, environment: null, apiUrl: null, sellerNip: null, authMethod: null, hasToken: false, certificate: null, offlineCertificate: null, includeConsumers: false, offline24: false, signedInUntil: null, lastCheck: null };
  }
  // Shown without the key: only what the certificate says of itself.
  const describe = (pem: string | null): CertificateInfo | null => {
    if (!pem) return null;
    try {
      return describeCertificate(new X509Certificate(pem));
    } catch {
      return null;
    }
  };
  const certificate = describe(s.certificate_pem);
  return {
    configured: true,
    environment: s.environment,
    apiUrl: apiBaseUrl(s),
    sellerNip: s.seller_nip,
    authMethod: s.auth_method,
    hasToken: s.token_sealed !== null,
    certificate,
    offlineCertificate: describe(s.offline_certificate_pem),
    includeConsumers: s.include_consumers,
    offline24: s.offline24,
    signedInUntil: s.access_token_sealed ? iso(s.refresh_valid_until) : null,
    lastCheck: s.last_check_at ? { at: iso(s.last_check_at)!, code: s.last_check_code ?? '', text: s.last_check_text } : null,
  };
}

export interface SettingsInput {
  environment: KsefEnv;
  sellerNip: string;
  authMethod: 'token' | 'certificate';
  /** Given to set or replace; absent keeps the stored one. */
  token?: string;
  certificatePem?: string;
  privateKeyPem?: string;
  /** The KSeF offline certificate and its key (given together); absent keeps the stored pair. */
  offlineCertificatePem?: string;
  offlinePrivateKeyPem?: string;
  /** Forget the stored offline certificate. */
  removeOfflineCertificate?: boolean;
  includeConsumers: boolean;
  offline24: boolean;
  /** Only the CLI and tests (a local simulator). */
  apiUrlOverride?: string | null;
}

const certificateMessages: Record<string, [string, string]> = {
  'ksef.certificate_unreadable': ['Nie udało się odczytać certyfikatu (oczekiwany format PEM).', 'The certificate could not be read (PEM expected).'],
  'ksef.private_key_unreadable': ['Nie udało się odczytać klucza prywatnego (oczekiwany niezaszyfrowany PEM).', 'The private key could not be read (unencrypted PEM expected).'],
  'ksef.key_mismatch': ['Klucz prywatny nie pasuje do certyfikatu.', 'The private key does not match the certificate.'],
  'ksef.certificate_expired': ['Certyfikat jest nieważny w tej chwili.', 'The certificate is not valid now.'],
  'ksef.certificate_nip_mismatch': ['Certyfikat wskazuje inny NIP niż NIP sprzedawcy.', 'The certificate names another NIP than the seller’s.'],
  'ksef.certificate_algorithm': ['KSeF przyjmuje klucze RSA (co najmniej 2048 bitów) lub ECDSA P-256.', 'KSeF accepts RSA keys (2048 bits or more) or ECDSA P-256.'],
  'ksef.certificate_not_offline': [
    'To nie jest certyfikat KSeF typu Offline (użycie klucza: niezaprzeczalność): KOD II faktur offline podpisuje się wyłącznie takim certyfikatem.',
    'This is not a KSeF certificate of type Offline (key usage: non-repudiation): only such a certificate signs KOD II of offline invoices.',
  ],
};

/** loadCredentials with its problems as the API's bad-request codes, the offline certificate's messages prefixed. */
function checkCertificate(certificatePem: string, privateKeyPem: string, sellerNip: string, purpose: CertificatePurpose): LoadedCredentials {
  try {
    return loadCredentials(certificatePem, privateKeyPem, sellerNip, new Date(), purpose);
  } catch (err) {
    if (err instanceof CertificateError) {
      const [pl, en] = certificateMessages[err.code]!;
      const which: [string, string] = purpose === 'offline' ? ['Certyfikat offline: ', 'Offline certificate: '] : ['', ''];
      throw badRequest(err.code, which[0] + pl, which[1] + en, { reason: err.message, certificate: purpose });
    }
    throw err;
  }
}

/** Validates and stores the configuration; secrets are sealed. A new credential ends the stored sign-in. */
export async function saveSettings(tx: Tx, box: SecretBox, input: SettingsInput): Promise<PublicSettings> {
  if (!KSEF_ENVIRONMENTS.includes(input.environment)) throw badRequest('ksef.environment', 'Nieznane środowisko KSeF.', 'Unknown KSeF environment.');
  if (!isValidNip(input.sellerNip)) throw badRequest('ksef.nip_invalid', 'NIP sprzedawcy jest nieprawidłowy.', 'The seller’s NIP is invalid.');
  const old = await loadSettings(tx);
  let tokenSealed = old?.token_sealed ?? null;
  let certPem = old?.certificate_pem ?? null;
  let keySealed = old?.private_key_sealed ?? null;
  const newSecret = input.token !== undefined || input.certificatePem !== undefined || input.privateKeyPem !== undefined || old?.seller_nip !== input.sellerNip || old?.auth_method !== input.authMethod || old?.environment !== input.environment;
  if (input.token !== undefined) {
    const t = input.token.trim();
    if (t.length < 8 || t.length > 1000 || /\s/.test(t)) throw badRequest('ksef.token_invalid', 'Token KSeF ma nieprawidłową postać.', 'The KSeF token is malformed.');
    tokenSealed = box.seal(t);
  }
  if (input.authMethod === 'certificate') {
    if ((input.certificatePem === undefined) !== (input.privateKeyPem === undefined)) {
      throw badRequest('ksef.certificate_pair', 'Proszę podać certyfikat razem z jego kluczem prywatnym.', 'Please give the certificate together with its private key.');
    }
    if (input.certificatePem !== undefined) {
      checkCertificate(input.certificatePem, input.privateKeyPem!, input.sellerNip, 'authentication');
      certPem = input.certificatePem;
      keySealed = box.seal(input.privateKeyPem!);
    } else if (certPem) {
      // The stored certificate must still name this NIP.
      checkCertificate(certPem, box.open(keySealed!).toString('utf8'), input.sellerNip, 'authentication');
    }
    if (!certPem || !keySealed) throw badRequest('ksef.certificate_missing', 'Proszę podać certyfikat KSeF i klucz prywatny.', 'Please give the KSeF certificate and its private key.');
  } else if (!tokenSealed) {
    throw badRequest('ksef.token_missing', 'Proszę podać token KSeF.', 'Please give the KSeF token.');
  }
  // The offline certificate: checked and sealed the same way, for its own purpose.
  let offlineCertPem = old?.offline_certificate_pem ?? null;
  let offlineKeySealed = old?.offline_private_key_sealed ?? null;
  if ((input.offlineCertificatePem === undefined) !== (input.offlinePrivateKeyPem === undefined)) {
    throw badRequest('ksef.offline_certificate_pair', 'Proszę podać certyfikat offline razem z jego kluczem prywatnym.', 'Please give the offline certificate together with its private key.');
  }
  if (input.removeOfflineCertificate) {
    if (input.offlineCertificatePem !== undefined) {
      throw badRequest('ksef.offline_certificate_conflict', 'Nie można jednocześnie usunąć i zapisać certyfikatu offline.', 'The offline certificate cannot be removed and replaced at once.');
    }
    offlineCertPem = null;
    offlineKeySealed = null;
  } else if (input.offlineCertificatePem !== undefined) {
    checkCertificate(input.offlineCertificatePem, input.offlinePrivateKeyPem!, input.sellerNip, 'offline');
    offlineCertPem = input.offlineCertificatePem;
    offlineKeySealed = box.seal(input.offlinePrivateKeyPem!);
  } else if (offlineCertPem && offlineKeySealed && old?.seller_nip !== input.sellerNip) {
    checkCertificate(offlineCertPem, box.open(offlineKeySealed).toString('utf8'), input.sellerNip, 'offline');
  }
  const apiUrl = input.apiUrlOverride === undefined ? (old?.api_url_override ?? null) : input.apiUrlOverride;
  await sql`
    insert into ksef_settings (utility_id, environment, api_url_override, seller_nip, auth_method, token_sealed, certificate_pem, private_key_sealed, offline_certificate_pem, offline_private_key_sealed, include_consumers, offline24)
    values (app_utility_id(), ${input.environment}, ${apiUrl}, ${input.sellerNip}, ${input.authMethod}, ${tokenSealed}, ${certPem}, ${keySealed}, ${offlineCertPem}, ${offlineKeySealed}, ${input.includeConsumers}, ${input.offline24})
    on conflict (utility_id) do update set
      environment = excluded.environment, api_url_override = excluded.api_url_override, seller_nip = excluded.seller_nip,
      auth_method = excluded.auth_method, token_sealed = excluded.token_sealed, certificate_pem = excluded.certificate_pem,
      private_key_sealed = excluded.private_key_sealed, offline_certificate_pem = excluded.offline_certificate_pem,
      offline_private_key_sealed = excluded.offline_private_key_sealed, include_consumers = excluded.include_consumers, offline24 = excluded.offline24,
      updated_at = now()`.execute(tx);
  if (newSecret) {
    await sql`update ksef_settings set access_token_sealed = null, access_valid_until = null, refresh_token_sealed = null, refresh_valid_until = null`.execute(tx);
  }
  return publicSettings(await loadSettings(tx));
}

export async function recordCheck(tx: Tx, code: string, text: string | null): Promise<void> {
  await sql`update ksef_settings set last_check_at = now(), last_check_code = ${code}, last_check_text = ${text}`.execute(tx);
}

/**
 * The offline certificate and its key, opened for signing KOD II; null when
 * none is stored. Checked again here (validity, type): an expired one signs nothing.
 */
export function offlineCredentials(s: SettingsRow, box: SecretBox, now = new Date()): LoadedCredentials | null {
  if (!s.offline_certificate_pem || !s.offline_private_key_sealed) return null;
  return loadCredentials(s.offline_certificate_pem, box.open(s.offline_private_key_sealed).toString('utf8'), s.seller_nip, now, 'offline');
}
