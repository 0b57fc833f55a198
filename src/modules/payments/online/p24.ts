/**
 * Przelewy24, REST API v1 (https://developers.przelewy24.pl/, "Transaction
 * service API"): HTTP Basic auth posId:apiKey on every call;
 *  - POST /api/v1/transaction/register → { data: { token } }; the customer goes to /trnRequest/<token>;
 *  - P24 POSTs the notification (JSON) to urlStatus once the customer has paid;
 *  - PUT /api/v1/transaction/verify makes the transaction final; until it
 *    succeeds P24 keeps notifying and does not settle the money.
 * Amounts in grosze (integers). BLIK: `method` 181, the id of BLIK on P24's
 * payment page (the constant BLIK_METHOD of P24's own WooCommerce plugin).
 */
import { badRequest } from '../../../lib/errors.ts';
import { callProvider, NotificationRefused, providerError, type Notice, type PaymentProvider, type ProviderSettings, type RegisterInput, type Registered } from './provider.ts';
import { p24Sign, sameHex } from './sign.ts';

export const P24_HOSTS = { sandbox: 'https://sandbox.przelewy24.pl', production: 'https://secure.przelewy24.pl' } as const;
export const P24_BLIK_METHOD = 181;

/** The register call's sign: {sessionId, merchantId, amount, currency, crc}. */
export const p24RegisterSign = (f: { sessionId: string; merchantId: number; amount: number; currency: string }, crc: string) =>
  p24Sign([['sessionId', f.sessionId], ['merchantId', f.merchantId], ['amount', f.amount], ['currency', f.currency], ['crc', crc]]);

/** The notification's sign: {merchantId, posId, sessionId, amount, originAmount, currency, orderId, methodId, statement, crc}. */
export const p24NotificationSign = (
  n: { merchantId: number; posId: number; sessionId: string; amount: number; originAmount: number; currency: string; orderId: number; methodId: number; statement: string },
  crc: string,
) =>
  p24Sign([
    ['merchantId', n.merchantId],
    ['posId', n.posId],
    ['sessionId', n.sessionId],
    ['amount', n.amount],
    ['originAmount', n.originAmount],
    ['currency', n.currency],
    ['orderId', n.orderId],
    ['methodId', n.methodId],
    ['statement', n.statement],
    ['crc', crc],
  ]);

/** The verify call's sign: {sessionId, orderId, amount, currency, crc}. */
export const p24VerifySign = (v: { sessionId: string; orderId: number; amount: number; currency: string }, crc: string) =>
  p24Sign([['sessionId', v.sessionId], ['orderId', v.orderId], ['amount', v.amount], ['currency', v.currency], ['crc', crc]]);

export function przelewy24(s: ProviderSettings): PaymentProvider {
  const merchantId = Number(s.merchantId);
  const posId = Number(s.posId || s.merchantId);
  const crc = s.secrets.crc ?? '';
  const auth = `Basic ${Buffer.from(`${posId}:${s.secrets.apiKey ?? ''}`).toString('base64')}`;
  const headers = { authorization: auth, 'content-type': 'application/json', accept: 'application/json' };

  return {
    id: 'p24',

    async register(input: RegisterInput): Promise<Registered> {
      const body = {
        merchantId,
        posId,
        sessionId: input.sessionId,
        amount: input.amountGrosze,
        currency: input.currency,
        description: input.description,
        email: input.email,
        client: input.customerName,
        country: 'PL',
        language: 'pl',
        urlReturn: input.returnUrl,
        urlStatus: input.notifyUrl,
        ...(input.method === 'blik' ? { method: P24_BLIK_METHOD } : {}),
        sign: p24RegisterSign({ sessionId: input.sessionId, merchantId, amount: input.amountGrosze, currency: input.currency }, crc),
      };
      const res = await callProvider(`${s.baseUrl}/api/v1/transaction/register`, { method: 'POST', headers, body: JSON.stringify(body) }, 'online_payment.provider_failed');
      const token = res.json?.data?.token;
      if (res.status !== 200 || typeof token !== 'string' || !/^[A-Za-z0-9-]+$/.test(token)) {
        throw providerError('online_payment.provider_failed', `P24 register: HTTP ${res.status}${res.json?.error ? `, ${String(res.json.error)}` : ''}`);
      }
      return { redirectUrl: `${s.baseUrl}/trnRequest/${token}`, providerOrderId: null };
    },

    readNotification(rawBody: string): Notice {
      let n: any;
      try {
        n = JSON.parse(rawBody);
      } catch {
        throw new NotificationRefused('bad_request', 'online_payment.notification_unreadable', 'the body is not JSON');
      }
      const ints = ['merchantId', 'posId', 'amount', 'originAmount', 'orderId', 'methodId'];
      if (!n || typeof n !== 'object' || ints.some((k) => !Number.isSafeInteger(n[k])) || typeof n.sessionId !== 'string' || typeof n.currency !== 'string' || typeof n.statement !== 'string' || typeof n.sign !== 'string') {
        throw new NotificationRefused('bad_request', 'online_payment.notification_unreadable', 'fields missing or of the wrong type');
      }
      if (!sameHex(n.sign, p24NotificationSign(n, crc))) throw new NotificationRefused('forbidden', 'online_payment.bad_signature', 'the sign does not match');
      if (n.merchantId !== merchantId || n.posId !== posId) throw new NotificationRefused('forbidden', 'online_payment.wrong_merchant', 'for another merchant or point of sale');
      return { sessionId: n.sessionId, providerOrderId: String(n.orderId), state: 'paid', amountGrosze: n.amount, currency: n.currency, fields: { orderId: n.orderId } };
    },

    async finalise(notice: Notice, expected): Promise<void> {
      const orderId = Number(notice.fields.orderId);
      const body = {
        merchantId,
        posId,
        sessionId: notice.sessionId,
        amount: expected.amountGrosze,
        currency: expected.currency,
        orderId,
        sign: p24VerifySign({ sessionId: notice.sessionId, orderId, amount: expected.amountGrosze, currency: expected.currency }, crc),
      };
      const res = await callProvider(`${s.baseUrl}/api/v1/transaction/verify`, { method: 'PUT', headers, body: JSON.stringify(body) }, 'online_payment.verify_failed');
      if (res.status !== 200 || res.json?.data?.status !== 'success') {
        throw providerError('online_payment.verify_failed', `P24 verify: HTTP ${res.status}`);
      }
    },
  };
}

/** P24 merchant and POS ids are positive integers. */
export function assertP24Ids(merchantId: string, posId: string): void {
  if (!/^[1-9][0-9]{0,9}$/.test(merchantId) || (posId !== '' && !/^[1-9][0-9]{0,9}$/.test(posId))) {
    throw badRequest('online_payment.config_ids', 'Identyfikator sprzedawcy i punktu Przelewy24 to liczby.', 'Przelewy24 merchant and POS ids are numbers.');
  }
}
