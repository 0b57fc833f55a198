/**
 * A Przelewy24 simulator built from P24's published REST API v1
 * (https://developers.przelewy24.pl/, "Transaction service API"), for tests:
 *  - POST /api/v1/transaction/register: Basic auth posId:apiKey, required fields,
 *    sign = SHA-384 of {"sessionId","merchantId","amount","currency","crc"} → { data: { token }, responseCode: 0 };
 *  - GET /trnRequest/<token>: the payment page (a "Zapłać" button for the browser test);
 *  - the notification to urlStatus: JSON signed over {"merchantId","posId","sessionId",
 *    "amount","originAmount","currency","orderId","methodId","statement","crc"};
 *  - PUT /api/v1/transaction/verify: Basic auth, sign over {"sessionId","orderId","amount","currency","crc"}.
 * The signs are computed here from those rules on their own, not with the
 * app's code, so a wrong field order in the app fails the tests.
 */
import { createHash } from 'node:crypto';
import { deliver, listen, payPage, type SimReply, type SimRequest } from './server.ts';

export interface P24Account {
  merchantId: number;
  posId: number;
  apiKey: string;
  crc: string;
}

interface Transaction {
  token: string;
  sessionId: string;
  amount: number;
  currency: string;
  description: string;
  urlReturn: string;
  urlStatus: string;
  method: number | null;
  orderId: number;
  verified: number;
}

/** The admin's settings (PUT /api/staff/online-payments/config) that point a utility at this simulator. */
export const p24Settings = (url: string, a: P24Account) => ({
  provider: 'p24',
  environment: 'simulator',
  baseUrl: url,
  merchantId: String(a.merchantId),
  posId: String(a.posId),
  secrets: { apiKey: a.apiKey, crc: a.crc },
});

const sha384 = (o: Record<string, unknown>) => createHash('sha384').update(JSON.stringify(o)).digest('hex');

export async function startP24(account: P24Account) {
  const byToken = new Map<string, Transaction>();
  const bySession = new Map<string, Transaction>();
  let nextOrderId = 300_000_001;
  let failVerify = 0;
  const log: { verifyCalls: number; registerCalls: number; refused: string[] } = { verifyCalls: 0, registerCalls: 0, refused: [] };

  const refuse = (status: number, error: string): SimReply => {
    log.refused.push(error);
    return { status, json: { error, code: status } };
  };
  const authorised = (req: SimRequest) => req.headers.authorization === `Basic ${Buffer.from(`${account.posId}:${account.apiKey}`).toString('base64')}`;

  function notification(t: Transaction, over: Partial<Record<string, string | number>> = {}) {
    const n = {
      merchantId: account.merchantId,
      posId: account.posId,
      sessionId: t.sessionId,
      amount: t.amount,
      originAmount: t.amount,
      currency: t.currency,
      orderId: t.orderId,
      methodId: t.method ?? 25,
      statement: `p24-${t.orderId}`,
      ...over,
    };
    const sign = sha384({ ...n, crc: account.crc });
    return { ...n, sign };
  }

  const server = await listen(async (req) => {
    if (req.method === 'POST' && req.path === '/api/v1/transaction/register') {
      log.registerCalls++;
      if (!authorised(req)) return refuse(401, 'Incorrect authentication');
      const b = req.json;
      const required = ['merchantId', 'posId', 'sessionId', 'amount', 'currency', 'description', 'email', 'country', 'language', 'urlReturn', 'sign'];
      const missing = required.filter((k) => b?.[k] === undefined || b[k] === '');
      if (missing.length) return refuse(400, `Missing: ${missing.join(',')}`);
      if (!Number.isInteger(b.amount) || b.amount <= 0) return refuse(400, 'Incorrect amount');
      if (b.merchantId !== account.merchantId || b.posId !== account.posId) return refuse(400, 'Incorrect merchantId or posId');
      if (b.sign !== sha384({ sessionId: b.sessionId, merchantId: b.merchantId, amount: b.amount, currency: b.currency, crc: account.crc })) return refuse(400, 'Incorrect sign');
      if (bySession.has(b.sessionId)) return refuse(400, 'sessionId already used');
      const token = `${Math.random().toString(16).slice(2, 10).toUpperCase()}-${bySession.size + 1}`;
      const t: Transaction = {
        token,
        sessionId: b.sessionId,
        amount: b.amount,
        currency: b.currency,
        description: b.description,
        urlReturn: b.urlReturn,
        urlStatus: b.urlStatus ?? '',
        method: Number.isInteger(b.method) ? b.method : null,
        orderId: nextOrderId++,
        verified: 0,
      };
      byToken.set(token, t);
      bySession.set(t.sessionId, t);
      return { status: 200, json: { data: { token }, responseCode: 0 } };
    }
    if (req.method === 'PUT' && req.path === '/api/v1/transaction/verify') {
      log.verifyCalls++;
      if (!authorised(req)) return refuse(401, 'Incorrect authentication');
      if (failVerify > 0) {
        failVerify--;
        return { status: 500, json: { error: 'Simulated failure', code: 500 } };
      }
      const b = req.json;
      const t = bySession.get(b?.sessionId);
      if (!t) return refuse(400, 'Unknown sessionId');
      if (b.sign !== sha384({ sessionId: b.sessionId, orderId: b.orderId, amount: b.amount, currency: b.currency, crc: account.crc })) return refuse(400, 'Incorrect sign');
      if (b.merchantId !== account.merchantId || b.posId !== account.posId || b.orderId !== t.orderId || b.amount !== t.amount || b.currency !== t.currency) return refuse(400, 'Incorrect data');
      t.verified++;
      return { status: 200, json: { data: { status: 'success' }, responseCode: 0 } };
    }
    const page = /^\/trnRequest\/([A-Za-z0-9-]+)(\/pay)?$/.exec(req.path);
    if (page) {
      const t = byToken.get(page[1]);
      if (!t) return { status: 404, html: '<p>Nie ma takiej transakcji</p>' };
      if (req.method === 'GET') return { status: 200, html: payPage(`Przelewy24 (symulator): ${t.description}`, t.amount, `/trnRequest/${t.token}/pay`) };
      await sim.pay(t.sessionId);
      return { status: 303, headers: { location: t.urlReturn } };
    }
    return { status: 404, json: { error: 'Not found' } };
  });

  const tx = (sessionId: string) => {
    const t = bySession.get(sessionId);
    if (!t) throw new Error(`p24 simulator: no transaction ${sessionId}`);
    return t;
  };

  const sim = {
    url: server.url,
    close: server.close,
    log,
    transaction: (sessionId: string) => bySession.get(sessionId),
    /** The customer pays: P24 sends the signed notification to urlStatus (answers our HTTP status). */
    pay: (sessionId: string) => deliver(tx(sessionId).urlStatus, JSON.stringify(notification(tx(sessionId)))),
    /** P24 repeats its notification (it does until the verify call succeeds, and may anyway). */
    repeat: (sessionId: string) => deliver(tx(sessionId).urlStatus, JSON.stringify(notification(tx(sessionId)))),
    /** A correctly signed notification with fields changed (e.g. another amount). */
    notifyWith: (sessionId: string, over: Partial<Record<string, string | number>>) => deliver(tx(sessionId).urlStatus, JSON.stringify(notification(tx(sessionId), over))),
    /** A forged notification: the fields of a real one, signed with a wrong key. */
    forge: (sessionId: string, url = tx(sessionId).urlStatus) => {
      const n = notification(tx(sessionId));
      const { sign: _sign, ...fields } = n;
      return deliver(url, JSON.stringify({ ...fields, sign: sha384({ ...fields, crc: 'not-the-crc' }) }));
    },
    /** A notification for a session P24 never registered, signed correctly. */
    notifyUnknown: (url: string, sessionId: string, amount: number) => {
      const fake: Transaction = { token: 'X', sessionId, amount, currency: 'PLN', description: '', urlReturn: '', urlStatus: url, method: null, orderId: nextOrderId++, verified: 0 };
      return deliver(url, JSON.stringify(notification(fake)));
    },
    /** The next n verify calls answer 500. */
    failVerify: (n = 1) => {
      failVerify = n;
    },
  };
  return sim;
}
export type P24Sim = Awaited<ReturnType<typeof startP24>>;
