/**
 * A PayU simulator built from PayU's published REST API v2.1
 * (https://developers.payu.com/europe/docs/), for tests:
 *  - POST /pl/standard/user/oauth/authorize (form grant_type=client_credentials,
 *    client_id, client_secret) → { access_token, token_type: 'bearer', expires_in, grant_type };
 *  - POST /api/v2_1/orders with Bearer: HTTP 302, Location and a JSON body
 *    { status: { statusCode: 'SUCCESS' }, redirectUri, orderId, extOrderId };
 *  - GET /api/v2_1/orders/<orderId> → { orders: [ … ], status: { statusCode: 'SUCCESS' } };
 *  - notifications to notifyUrl: JSON { order: { …, status } } with the header
 *    OpenPayu-Signature: sender=checkout;signature=hash(body + second key);algorithm=MD5;content=DOCUMENT.
 * Hashes are computed here on their own, not with the app's code.
 */
import { createHash, randomBytes } from 'node:crypto';
import { deliver, listen, payPage, type SimReply, type SimRequest } from './server.ts';

export interface PayuAccount {
  posId: string;
  clientId: string;
  clientSecret: string;
  secondKey: string;
  algorithm?: 'MD5' | 'SHA-256';
}

interface Order {
  orderId: string;
  extOrderId: string;
  totalAmount: string;
  currencyCode: string;
  description: string;
  notifyUrl: string;
  continueUrl: string;
  customerIp: string;
  payMethod: string | null;
  status: 'NEW' | 'PENDING' | 'COMPLETED' | 'CANCELED';
  createdAt: string;
}

/** The admin's settings (PUT /api/staff/online-payments/config) that point a utility at this simulator. */
export const payuSettings = (url: string, a: PayuAccount) => ({
  provider: 'payu',
  environment: 'simulator',
  baseUrl: url,
  posId: a.posId,
  clientId: a.clientId,
  secrets: { clientSecret: a.clientSecret, secondKey: a.secondKey },
});

export async function startPayu(account: PayuAccount) {
  const algorithm = account.algorithm ?? 'MD5';
  const tokens = new Set<string>();
  const orders = new Map<string, Order>();
  const byExt = new Map<string, Order>();
  let failRead = 0;
  const log = { tokenCalls: 0, orderCalls: 0, readCalls: 0, refused: [] as string[], lastOrderBody: null as any };

  const refuse = (status: number, code: string): SimReply => {
    log.refused.push(code);
    return { status, json: { status: { statusCode: code } } };
  };
  const authorised = (req: SimRequest) => {
    const m = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    return !!m && tokens.has(m[1]);
  };

  function sign(body: string, key = account.secondKey): string {
    const signature = createHash(algorithm === 'MD5' ? 'md5' : 'sha256').update(body + key).digest('hex');
    return `sender=checkout;signature=${signature};algorithm=${algorithm};content=DOCUMENT`;
  }
  function notificationBody(o: Order, over: Partial<Order> = {}): string {
    const order = { ...o, ...over };
    return JSON.stringify({
      order: {
        orderId: order.orderId,
        extOrderId: order.extOrderId,
        orderCreateDate: order.createdAt,
        notifyUrl: order.notifyUrl,
        customerIp: order.customerIp,
        merchantPosId: account.posId,
        description: order.description,
        currencyCode: order.currencyCode,
        totalAmount: order.totalAmount,
        status: order.status,
      },
      localReceiptDateTime: new Date().toISOString(),
      properties: [{ name: 'PAYMENT_ID', value: String(5_000_000_000 + orders.size) }],
    });
  }

  const server = await listen(async (req) => {
    if (req.method === 'POST' && req.path === '/pl/standard/user/oauth/authorize') {
      log.tokenCalls++;
      const f = req.form;
      if (!String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) return { status: 400, json: { error: 'invalid_request' } };
      if (f.get('grant_type') !== 'client_credentials') return { status: 400, json: { error: 'unsupported_grant_type' } };
      if (f.get('client_id') !== account.clientId || f.get('client_secret') !== account.clientSecret) return { status: 401, json: { error: 'invalid_client' } };
      const token = randomBytes(16).toString('hex');
      tokens.add(token);
      return { status: 200, json: { access_token: token, token_type: 'bearer', expires_in: 43199, grant_type: 'client_credentials' } };
    }
    if (req.method === 'POST' && req.path === '/api/v2_1/orders') {
      log.orderCalls++;
      if (!authorised(req)) return refuse(401, 'UNAUTHORIZED');
      const b = req.json;
      log.lastOrderBody = b;
      const required = ['notifyUrl', 'customerIp', 'merchantPosId', 'description', 'currencyCode', 'totalAmount', 'products'];
      if (!b || required.some((k) => b[k] === undefined || b[k] === '')) return refuse(400, 'ERROR_VALUE_MISSING');
      if (b.merchantPosId !== account.posId) return refuse(400, 'ERROR_INCONSISTENT_CURRENCIES');
      if (typeof b.totalAmount !== 'string' || !/^[1-9][0-9]*$/.test(b.totalAmount)) return refuse(400, 'ERROR_VALUE_INVALID');
      if (b.extOrderId && byExt.has(b.extOrderId)) return refuse(400, 'ERROR_ORDER_NOT_UNIQUE');
      const orderId = randomBytes(10).toString('hex').toUpperCase();
      const o: Order = {
        orderId,
        extOrderId: b.extOrderId ?? '',
        totalAmount: b.totalAmount,
        currencyCode: b.currencyCode,
        description: b.description,
        notifyUrl: b.notifyUrl,
        continueUrl: b.continueUrl ?? '',
        customerIp: b.customerIp,
        payMethod: b.payMethods?.payMethod?.value ?? null,
        status: 'NEW',
        createdAt: new Date().toISOString(),
      };
      orders.set(orderId, o);
      if (o.extOrderId) byExt.set(o.extOrderId, o);
      const redirectUri = `${server.url}/pay/${orderId}`;
      return { status: 302, headers: { location: redirectUri }, json: { status: { statusCode: 'SUCCESS' }, redirectUri, orderId, extOrderId: o.extOrderId } };
    }
    const read = /^\/api\/v2_1\/orders\/([A-Z0-9]+)$/.exec(req.path);
    if (req.method === 'GET' && read) {
      log.readCalls++;
      if (!authorised(req)) return refuse(401, 'UNAUTHORIZED');
      if (failRead > 0) {
        failRead--;
        return refuse(500, 'ERROR_INTERNAL');
      }
      const o = orders.get(read[1]);
      if (!o) return refuse(404, 'DATA_NOT_FOUND');
      return { status: 200, json: { orders: [{ orderId: o.orderId, extOrderId: o.extOrderId, description: o.description, currencyCode: o.currencyCode, totalAmount: o.totalAmount, status: o.status }], status: { statusCode: 'SUCCESS' } } };
    }
    const page = /^\/pay\/([A-Z0-9]+)$/.exec(req.path);
    if (page) {
      const o = orders.get(page[1]);
      if (!o) return { status: 404, html: '<p>Nie ma takiego zamówienia</p>' };
      if (req.method === 'GET') return { status: 200, html: payPage(`PayU (symulator): ${o.description}`, Number(o.totalAmount), `/pay/${o.orderId}`) };
      await sim.pay(o.extOrderId);
      return { status: 303, headers: { location: o.continueUrl } };
    }
    return { status: 404, json: { status: { statusCode: 'DATA_NOT_FOUND' } } };
  });

  const order = (extOrderId: string) => {
    const o = byExt.get(extOrderId);
    if (!o) throw new Error(`payu simulator: no order ${extOrderId}`);
    return o;
  };
  const send = (o: Order, body: string, header = sign(body)) => deliver(o.notifyUrl, body, { 'openpayu-signature': header });

  const sim = {
    url: server.url,
    close: server.close,
    log,
    order: (extOrderId: string) => byExt.get(extOrderId),
    /** The customer pays: PENDING then COMPLETED, each notified (answers our status for COMPLETED). */
    async pay(extOrderId: string) {
      const o = order(extOrderId);
      o.status = 'PENDING';
      await send(o, notificationBody(o));
      o.status = 'COMPLETED';
      return send(o, notificationBody(o));
    },
    /** The payment completes at PayU without a notification yet (for sending several at once). */
    complete(extOrderId: string) {
      order(extOrderId).status = 'COMPLETED';
    },
    /** PayU notifies again (it does until it gets 200, and may anyway). */
    repeat: (extOrderId: string) => send(order(extOrderId), notificationBody(order(extOrderId))),
    /** The customer gives up: CANCELED. */
    cancel(extOrderId: string) {
      const o = order(extOrderId);
      o.status = 'CANCELED';
      return send(o, notificationBody(o));
    },
    /** A correctly signed notification with fields changed. */
    notifyWith: (extOrderId: string, over: Partial<Order>) => {
      const body = notificationBody(order(extOrderId), over);
      return send(order(extOrderId), body);
    },
    /** Signed with a wrong second key. */
    forge: (extOrderId: string) => {
      const body = notificationBody({ ...order(extOrderId), status: 'COMPLETED' });
      return send(order(extOrderId), body, sign(body, 'not-the-second-key'));
    },
    /** The body changed after signing (the signature is of the original). */
    tamper: (extOrderId: string) => {
      const o = { ...order(extOrderId), status: 'COMPLETED' as const };
      const body = notificationBody(o);
      return send(o, body.replace(`"totalAmount":"${o.totalAmount}"`, `"totalAmount":"1"`), sign(body));
    },
    /** The next n order reads answer 500. */
    failRead: (n = 1) => {
      failRead = n;
    },
  };
  return sim;
}
export type PayuSim = Awaited<ReturnType<typeof startPayu>>;
