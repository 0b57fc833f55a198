/**
 * PayU (Poland), REST API v2.1 (https://developers.payu.com/europe/docs/):
 *  - OAuth: POST /pl/standard/user/oauth/authorize, form grant_type=client_credentials,
 *    client_id, client_secret → { access_token, expires_in } (Bearer on every call);
 *  - POST /api/v2_1/orders → HTTP 302 with a JSON body { status: { statusCode: 'SUCCESS' }, redirectUri, orderId };
 *  - PayU POSTs notifications (JSON) to notifyUrl on every status change, signed in the header
 *    `OpenPayu-Signature: sender=checkout;signature=<hex>;algorithm=MD5|SHA-256;content=DOCUMENT`,
 *    signature = hash(raw body + second key) (…/payment-flows/lifecycle#notifications);
 *  - GET /api/v2_1/orders/<orderId> reads the order back: our "finalise" checks there that
 *    it is COMPLETED for the amount we asked (PayU captures by itself with auto-receive on).
 * BLIK: payMethods { payMethod: { type: 'PBL', value: 'blik' } } (…/payment-solutions/blik/integration).
 * Amounts are strings of grosze ("12345").
 */
import { createHash } from 'node:crypto';
import { callProvider, NotificationRefused, providerError, type Notice, type PaymentProvider, type ProviderSettings, type RegisterInput, type Registered } from './provider.ts';
import { parseOpenPayuSignature, payuSignature, sameHex } from './sign.ts';

export const PAYU_HOSTS = { sandbox: 'https://secure.snd.payu.com', production: 'https://secure.payu.com' } as const;

/** Tokens by (base URL, client, secret): PayU's token lives ~12 h; we take a new one a minute before it ends. */
const tokens = new Map<string, { token: string; until: number }>();

export function payu(s: ProviderSettings): PaymentProvider {
  const secondKey = s.secrets.secondKey ?? '';
  const clientSecret = s.secrets.clientSecret ?? '';
  const cacheKey = `${s.baseUrl}|${s.clientId}|${createHash('sha256').update(clientSecret).digest('hex')}`;

  async function token(): Promise<string> {
    const cached = tokens.get(cacheKey);
    if (cached && cached.until > Date.now()) return cached.token;
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: s.clientId, client_secret: clientSecret });
    const res = await callProvider(
      `${s.baseUrl}/pl/standard/user/oauth/authorize`,
      { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() },
      'online_payment.provider_failed',
    );
    const t = res.json?.access_token;
    if (res.status !== 200 || typeof t !== 'string') throw providerError('online_payment.provider_failed', `PayU OAuth: HTTP ${res.status}`);
    const seconds = Number(res.json.expires_in) || 60;
    tokens.set(cacheKey, { token: t, until: Date.now() + Math.max(0, seconds - 60) * 1000 });
    return t;
  }

  const bearer = async () => ({ authorization: `Bearer ${await token()}`, 'content-type': 'application/json', accept: 'application/json' });

  return {
    id: 'payu',

    async register(input: RegisterInput): Promise<Registered> {
      const body = {
        notifyUrl: input.notifyUrl,
        continueUrl: input.returnUrl,
        customerIp: input.customerIp,
        merchantPosId: s.posId,
        description: input.description,
        currencyCode: input.currency,
        totalAmount: String(input.amountGrosze),
        extOrderId: input.sessionId,
        buyer: { email: input.email, firstName: input.customerName, language: 'pl' },
        products: [{ name: input.description, unitPrice: String(input.amountGrosze), quantity: '1' }],
        ...(input.method === 'blik' ? { payMethods: { payMethod: { type: 'PBL', value: 'blik' } } } : {}),
      };
      const res = await callProvider(`${s.baseUrl}/api/v2_1/orders`, { method: 'POST', headers: await bearer(), body: JSON.stringify(body) }, 'online_payment.provider_failed');
      const j = res.json;
      if (![200, 201, 302].includes(res.status) || j?.status?.statusCode !== 'SUCCESS' || typeof j.redirectUri !== 'string' || typeof j.orderId !== 'string') {
        throw providerError('online_payment.provider_failed', `PayU order: HTTP ${res.status}${j?.status?.statusCode ? `, ${String(j.status.statusCode)}` : ''}`);
      }
      return { redirectUrl: j.redirectUri, providerOrderId: j.orderId };
    },

    readNotification(rawBody, headers): Notice {
      const header = headers['openpayu-signature'];
      if (typeof header !== 'string') throw new NotificationRefused('forbidden', 'online_payment.bad_signature', 'no OpenPayu-Signature header');
      const sig = parseOpenPayuSignature(header);
      const algorithm = sig.algorithm === 'MD5' ? 'MD5' : sig.algorithm === 'SHA-256' || sig.algorithm === 'SHA256' ? 'SHA-256' : null;
      if (!algorithm || !sig.signature) throw new NotificationRefused('forbidden', 'online_payment.bad_signature', `unknown algorithm ${sig.algorithm ?? '(none)'}`);
      if (!sameHex(sig.signature, payuSignature(rawBody, secondKey, algorithm))) throw new NotificationRefused('forbidden', 'online_payment.bad_signature', 'the signature does not match');
      let n: any;
      try {
        n = JSON.parse(rawBody);
      } catch {
        throw new NotificationRefused('bad_request', 'online_payment.notification_unreadable', 'the body is not JSON');
      }
      const o = n?.order;
      if (!o || typeof o.orderId !== 'string' || typeof o.extOrderId !== 'string' || !/^[0-9]+$/.test(String(o.totalAmount ?? '')) || typeof o.status !== 'string') {
        throw new NotificationRefused('bad_request', 'online_payment.notification_unreadable', 'order fields missing');
      }
      const state = o.status === 'COMPLETED' ? 'paid' : o.status === 'CANCELED' ? 'failed' : 'pending';
      return { sessionId: o.extOrderId, providerOrderId: o.orderId, state, amountGrosze: Number(o.totalAmount), currency: String(o.currencyCode ?? ''), fields: { status: o.status } };
    },

    async finalise(notice, expected): Promise<void> {
      const res = await callProvider(`${s.baseUrl}/api/v2_1/orders/${encodeURIComponent(notice.providerOrderId)}`, { method: 'GET', headers: await bearer() }, 'online_payment.verify_failed');
      const o = res.json?.orders?.[0];
      if (res.status !== 200 || !o) throw providerError('online_payment.verify_failed', `PayU order read: HTTP ${res.status}`);
      if (o.status !== 'COMPLETED' || String(o.totalAmount) !== String(expected.amountGrosze) || o.currencyCode !== expected.currency || o.extOrderId !== notice.sessionId) {
        throw new NotificationRefused('conflict', 'online_payment.not_confirmed', `PayU says ${String(o.status)} for ${String(o.totalAmount)} ${String(o.currencyCode)}`);
      }
    },
  };
}
