/**
 * A utility's online payment configuration (admin): which provider, which
 * environment, the identifiers, and the secrets sealed with the server key
 * (as radio keys and TOTP secrets are, src/lib/secret-box.ts). No row or
 * provider 'off' means online payment is off: the portal hides "pay" and
 * starting a payment is refused with online_payment.off.
 *
 * The environment 'simulator' points at a local provider simulator (tests,
 * demo on a laptop); it is refused when NODE_ENV=production, both when saved
 * and when used, so a production portal never sends customers to one.
 */
import type { Tx } from '../../../db/tenant.ts';
import { AppError, badRequest } from '../../../lib/errors.ts';
import type { SecretBox } from '../../../lib/secret-box.ts';
import { assertP24Ids, P24_HOSTS, przelewy24 } from './p24.ts';
import { PAYU_HOSTS, payu } from './payu.ts';
import type { PaymentProvider, ProviderId, ProviderSettings } from './provider.ts';

export type Environment = 'sandbox' | 'production' | 'simulator';

/** Which secrets each provider needs (names as the admin page sends them). */
export const SECRET_NAMES: Record<ProviderId, readonly string[]> = { p24: ['apiKey', 'crc'], payu: ['clientSecret', 'secondKey'] };

export interface ConfigView {
  provider: ProviderId | 'off';
  environment: Environment;
  baseUrl: string | null;
  merchantId: string;
  posId: string;
  clientId: string;
  /** Which secrets are stored (never their values). */
  secretsSet: string[];
  updatedAt: string | null;
}

export interface ConfigInput {
  provider: ProviderId | 'off';
  environment: Environment;
  baseUrl?: string | null;
  merchantId?: string;
  posId?: string;
  clientId?: string;
  /** New secret values; an absent or empty one keeps the stored value. */
  secrets?: Record<string, string>;
}

const off = (): ConfigView => ({ provider: 'off', environment: 'sandbox', baseUrl: null, merchantId: '', posId: '', clientId: '', secretsSet: [], updatedAt: null });

export const onlinePaymentOff = () =>
  new AppError('conflict', 'online_payment.off', {
    pl: 'Płatności online nie są dostępne w tym przedsiębiorstwie.',
    en: 'Online payment is not available at this utility.',
  });

const simulatorInProduction = () =>
  badRequest('online_payment.simulator_in_production', 'Symulatora operatora płatności nie można używać w środowisku produkcyjnym.', 'A payment provider simulator cannot be used in production.');

async function row(tx: Tx) {
  return tx.selectFrom('online_payment_config').selectAll().executeTakeFirst();
}

function openSecrets(box: SecretBox, sealed: string | null): Record<string, string> {
  if (!sealed) return {};
  return JSON.parse(box.open(sealed).toString('utf8')) as Record<string, string>;
}

export async function getConfigView(tx: Tx, box: SecretBox): Promise<ConfigView> {
  const r = await row(tx);
  if (!r) return off();
  const secrets = openSecrets(box, r.secrets_sealed);
  return {
    provider: r.provider as ConfigView['provider'],
    environment: r.environment as Environment,
    baseUrl: r.base_url,
    merchantId: r.merchant_id,
    posId: r.pos_id,
    clientId: r.client_id,
    secretsSet: Object.keys(secrets).filter((k) => secrets[k] !== ''),
    updatedAt: new Date(r.updated_at as unknown as string).toISOString(),
  };
}

export function baseUrlOf(provider: ProviderId, environment: Environment, baseUrl: string | null, production: boolean): string {
  if (environment === 'simulator') {
    if (production) throw simulatorInProduction();
    if (!baseUrl || !/^https?:\/\/[^\s/]+(\/[^\s]*)?$/.test(baseUrl)) {
      throw badRequest('online_payment.config_base_url', 'Proszę podać adres symulatora (http://…).', 'Please give the simulator address (http://…).');
    }
    return baseUrl.replace(/\/+$/, '');
  }
  return (provider === 'p24' ? P24_HOSTS : PAYU_HOSTS)[environment];
}

export async function saveConfig(tx: Tx, box: SecretBox, utilityId: number, input: ConfigInput, by: number, production: boolean): Promise<void> {
  if (input.provider === 'off') {
    await tx.deleteFrom('online_payment_config').execute();
    return;
  }
  const baseUrl = input.environment === 'simulator' ? baseUrlOf(input.provider, 'simulator', input.baseUrl ?? null, production) : null;
  const merchantId = (input.merchantId ?? '').trim();
  const posId = (input.posId ?? '').trim();
  const clientId = (input.clientId ?? '').trim();
  if (input.provider === 'p24') assertP24Ids(merchantId, posId);
  if (input.provider === 'payu' && (!/^[0-9]{1,12}$/.test(posId) || !/^[0-9A-Za-z_-]{1,64}$/.test(clientId))) {
    throw badRequest('online_payment.config_ids', 'Proszę podać identyfikator punktu płatności (pos_id) i client_id PayU.', 'Please give the PayU POS id (pos_id) and client_id.');
  }
  const existing = await row(tx);
  const kept = existing && existing.provider === input.provider ? openSecrets(box, existing.secrets_sealed) : {};
  const secrets: Record<string, string> = {};
  for (const name of SECRET_NAMES[input.provider]) {
    const v = (input.secrets?.[name] ?? '').trim() || kept[name] || '';
    if (!v) throw badRequest('online_payment.config_secret_missing', `Brak klucza „${name}”.`, `The secret "${name}" is missing.`, { field: name });
    if (v.length > 200) throw badRequest('online_payment.config_secret_long', `Klucz „${name}” jest za długi.`, `The secret "${name}" is too long.`, { field: name });
    secrets[name] = v;
  }
  const values = {
    provider: input.provider,
    environment: input.environment,
    base_url: baseUrl,
    merchant_id: merchantId,
    pos_id: posId,
    client_id: clientId,
    secrets_sealed: box.seal(JSON.stringify(secrets)),
    updated_by: by,
    updated_at: new Date(),
  };
  await tx
    .insertInto('online_payment_config')
    .values({ utility_id: utilityId, ...values })
    .onConflict((oc) => oc.column('utility_id').doUpdateSet(values))
    .execute();
}

/** The configured provider, or null when online payment is off. */
export async function findProvider(tx: Tx, box: SecretBox, production: boolean): Promise<PaymentProvider | null> {
  const r = await row(tx);
  if (!r || r.provider === 'off') return null;
  if (r.environment === 'simulator' && production) return null;
  const provider = r.provider as ProviderId;
  const settings: ProviderSettings = {
    provider,
    baseUrl: baseUrlOf(provider, r.environment as Environment, r.base_url, production),
    merchantId: r.merchant_id,
    posId: r.pos_id,
    clientId: r.client_id,
    secrets: openSecrets(box, r.secrets_sealed),
  };
  return provider === 'p24' ? przelewy24(settings) : payu(settings);
}
