/**
 * A local KSeF 2.0 simulator for tests: an HTTP server on 127.0.0.1 (random
 * port) answering the paths of the official open-api.json that a sender
 * needs, checking every request against that document, with its own
 * "Ministry" keys and a control API to make it fail. Test support only: the
 * product's client talks to it exactly as to KSeF (`url` is the API base,
 * like https://api-test.ksef.mf.gov.pl/v2). See README.md beside this file.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { sharedPath } from '../shared.ts';
import { registerAuthRoutes } from './auth-routes.ts';
import { registerBatchRoutes } from './batch-routes.ts';
import { badRequest, KsefHttpError, sendError, sendTooMany, unauthorized, type ApiError } from './errors.ts';
import type { InvoiceStatus } from './invoice-check.ts';
import { makeReferenceNumber } from './ksef-number.ts';
import { simKeys, type KeyUsage, type PublicKeyCertificate } from './keys.ts';
import { loadOpenApi } from './openapi.ts';
import { RateLimiter } from './rate-limit.ts';
import { registerSessionRoutes } from './session-routes.ts';
import { SimState, type RegisteredInvoice, type SimSettings, type Status } from './state.ts';
import type { UpoFault } from './upo.ts';

export { makeSealCertificate, makePersonalCertificate, makeSelfSignedCertificate, type TestCertificate } from './certs.ts';
export { isValidKsefNumber, crc8 } from './ksef-number.ts';
export type { UpoFault } from './upo.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The operation's path as open-api.json writes it. */
    spec?: string;
  }
}

export interface KsefSimulatorOptions extends Partial<Omit<SimSettings, 'now'>> {
  /** KSeF tokens the simulator knows, each valid in one NIP context. */
  ksefTokens?: Array<{ token: string; nip: string }>;
  /** The OpenAPI document (default ../shared/ksef/open-api.json). */
  specFile?: string;
  /** The clock (default the real one); P_1 and token lifetimes use it. */
  now?: () => Date;
  port?: number;
}

export interface KsefSimControl {
  /** 'refused': the port stops listening (connection refused); '503': every request answers 503; false: back to normal. */
  setUnavailable(mode: 'refused' | '503' | false): Promise<void>;
  /** The next `n` API requests answer 429 with this Retry-After. */
  tooManyRequests(n: number, retryAfterSeconds?: number): void;
  /** The next `n` API requests answer this 5xx status. */
  serverErrors(n: number, status?: number): void;
  /** Every answer waits this long first (0 = off). */
  slow(ms: number): void;
  /** An accepted-looking invoice with this number (P_2) gets this status instead (e.g. 450 with details). */
  rejectInvoice(invoiceNumber: string, status: InvoiceStatus): void;
  /** The next closed session (or the given one) ends with this status; its undecided invoices get 405 (a batch: none is processed). */
  failSessionClose(status: Status, sessionReferenceNumber?: string): void;
  /** Every UPO served (an invoice's, by link or API path, and a session's pages) does not validate against upo-v4-3.xsd, broken this way, until false. */
  invalidUpos(fault: UpoFault | false): void;
  /** A new KSeF token for a NIP context; returns the token text. */
  addKsefToken(nip: string, token?: string): string;
  revokeKsefToken(token: string): void;
  /** Lets a certificate (SHA-256 fingerprint, hex) or a person (PESEL) act in a NIP context. */
  grantFingerprint(nip: string, fingerprintHex: string): void;
  grantPesel(nip: string, pesel: string): void;
  /** Makes every access token issued so far expired (to test refreshing). */
  expireAccessTokens(): void;
  /** Changes a setting (lifetimes, pending polls, limits…) from now on. */
  set(settings: Partial<Omit<SimSettings, 'now'>>): void;
  /** Invoices KSeF holds (accepted, with their numbers), in acceptance order. */
  accepted(): RegisteredInvoice[];
  /** The sessions as KSeF holds them: type, context, status now, invoice counts. */
  sessions(): Array<{ referenceNumber: string; type: 'Online' | 'Batch'; contextNip: string; status: Status; invoiceCount: number; successfulInvoiceCount: number }>;
  /** Every request the simulator answered: method, path (without query) and status. */
  requests(): Array<{ method: string; path: string; status: number }>;
}

export interface KsefSimulator {
  /** The API base, e.g. http://127.0.0.1:43210/v2 (as https://api-test.ksef.mf.gov.pl/v2). */
  url: string;
  /** What GET /security/public-key-certificates answers. */
  publicKeys: PublicKeyCertificate[];
  /** The same certificates as PEM, by usage. */
  publicKeyPems: Record<KeyUsage, string>;
  control: KsefSimControl;
  close(): Promise<void>;
}

const DEFAULTS: Omit<SimSettings, 'now'> = {
  accessTokenLifetimeMs: 15 * 60_000,
  refreshTokenLifetimeMs: 7 * 86_400_000,
  authPendingPolls: 1,
  invoicePendingPolls: 1,
  sessionPendingPolls: 1,
  rateLimitScale: 10,
  checkNip: true,
  validateSchema: true,
  maxInvoicesPerSession: 10_000,
};

export async function startKsefSimulator(opts: KsefSimulatorOptions = {}): Promise<KsefSimulator> {
  const specFile = opts.specFile ?? sharedPath('ksef/open-api.json');
  if (!specFile) throw new Error('ksef-sim: ../shared/ksef/open-api.json is missing (tests should skip when sharedPath returns null)');
  const { ksefTokens, specFile: _s, now, port, ...settings } = opts;
  const sim = new SimState({ ...DEFAULTS, ...settings, now: now ?? (() => new Date()) }, await simKeys(), loadOpenApi(specFile));
  for (const t of ksefTokens ?? []) sim.ksefTokens.set(t.token, { nip: t.nip, referenceNumber: makeReferenceNumber('TK'), revoked: false });
  let limiter = new RateLimiter(sim.settings.rateLimitScale);

  const app: FastifyInstance = Fastify({ logger: false, bodyLimit: 200 * 1024 * 1024 });
  // JSON as KSeF takes it: an empty body (a close with a JSON content type) is no body, bad JSON is 21405.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    if (String(body).trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(String(body)));
    } catch (e) {
      done(badRequest(21405, `Nieczytelna treść JSON: ${(e as Error).message}`), undefined);
    }
  });
  app.addContentTypeParser(['application/xml', 'text/xml'], { parseAs: 'string' }, (_req, body, done) => done(null, body));
  app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  // A PUT of a part may come without a content type; take the raw bytes anyway.
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  let origin = '';
  const isApi = (req: FastifyRequest) => req.url.startsWith('/v2/');

  app.addHook('onRequest', async (req, reply) => {
    if (sim.faults.slowMs > 0) await new Promise((r) => setTimeout(r, sim.faults.slowMs));
    if (sim.faults.unavailable === '503') return reply.code(503).header('Retry-After', '1').type('text/plain').send('Service Unavailable');
    if (!isApi(req)) return;
    if (sim.faults.serverErrors.remaining > 0) {
      sim.faults.serverErrors.remaining--;
      return reply.code(sim.faults.serverErrors.status).type('application/problem+json').send({ title: 'Internal Server Error', status: sim.faults.serverErrors.status, detail: 'Symulowany błąd serwera.', instance: req.url, timestamp: new Date().toISOString(), traceId: randomBytes(16).toString('hex') });
    }
    if (sim.faults.tooMany.remaining > 0) {
      sim.faults.tooMany.remaining--;
      return sendTooMany(req, reply, sim.faults.tooMany.retryAfter, `Przekroczono limit żądań. Spróbuj ponownie po ${sim.faults.tooMany.retryAfter} sekundach.`);
    }
    const spec = req.routeOptions.config?.spec;
    if (!spec) return;
    const op = sim.openapi.operation(req.method, spec);
    // Counted per context (from the bearer token) or IP address, and per operation.
    const bearerToken = req.headers.authorization?.replace(/^Bearer\s+/i, '') ?? '';
    const who = sim.authOps.get(sim.tokens.get(bearerToken)?.authRef ?? '')?.contextNip ?? req.ip;
    const over = limiter.take(`${who}|${req.method} ${spec}`, op?.rateLimits, sim.settings.now().getTime());
    if (over) return sendTooMany(req, reply, over.retryAfter, over.message);
  });

  // Every request against the contract: path and query parameters, then the JSON body.
  app.addHook('preHandler', async (req) => {
    const spec = req.routeOptions.config?.spec;
    if (!spec) return;
    const op = sim.openapi.operation(req.method, spec);
    if (!op) return;
    // As the API does: no credentials is 401 before any look at the content (which token kind is the handler's check).
    if (op.secured && !/^Bearer\s+\S/i.test(req.headers.authorization ?? '')) throw unauthorized('Wymagane jest uwierzytelnienie.');
    const errors: ApiError[] = [];
    for (const [v, data] of [[op.params, req.params], [op.query, req.query], [op.body, req.body]] as const) {
      if (v && !v(data ?? {})) errors.push({ code: 21405, description: 'Błąd walidacji danych wejściowych.', details: sim.openapi.describe(v) });
    }
    if (errors.length) throw new KsefHttpError(400, errors);
  });

  app.addHook('onResponse', async (req, reply) => {
    sim.requestLog.push({ method: req.method, path: req.url.split('?')[0], status: reply.statusCode });
  });

  app.setErrorHandler((err: unknown, req: FastifyRequest, reply: FastifyReply) => {
    if (err instanceof KsefHttpError) return sendError(req, reply, err);
    const e = err as { statusCode?: number; code?: string; message?: string };
    if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || e.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || (e.statusCode !== undefined && e.statusCode < 500)) {
      return sendError(req, reply, badRequest(21405, e.message ?? 'Nieczytelna treść żądania.'));
    }
    return reply.code(500).type('application/problem+json').send({ title: 'Internal Server Error', status: 500, detail: e.message ?? 'Błąd symulatora.', instance: req.url, timestamp: new Date().toISOString() });
  });
  app.setNotFoundHandler((req, reply) => reply.code(404).type('application/problem+json').send({ title: 'Not Found', status: 404, detail: `Symulator nie obsługuje ${req.method} ${req.url}.`, instance: req.url }));

  registerAuthRoutes(app, sim);
  registerSessionRoutes(app, sim, () => origin);
  registerBatchRoutes(app, sim, () => origin);

  await app.listen({ host: '127.0.0.1', port: port ?? 0 });
  const boundPort = (app.server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${boundPort}`;
  let refused = false;

  const control: KsefSimControl = {
    async setUnavailable(mode) {
      sim.faults.unavailable = mode === '503' ? '503' : false;
      if (mode === 'refused' && !refused) {
        refused = true;
        await new Promise<void>((resolve) => {
          app.server.close(() => resolve());
          app.server.closeAllConnections();
        });
      } else if (mode !== 'refused' && refused) {
        refused = false;
        await new Promise<void>((resolve, reject) => {
          app.server.once('error', reject);
          app.server.listen(boundPort, '127.0.0.1', () => {
            app.server.off('error', reject);
            resolve();
          });
        });
      }
    },
    tooManyRequests(n, retryAfterSeconds = 1) {
      sim.faults.tooMany = { remaining: n, retryAfter: retryAfterSeconds };
    },
    serverErrors(n, status = 500) {
      sim.faults.serverErrors = { remaining: n, status };
    },
    slow(ms) {
      sim.faults.slowMs = ms;
    },
    rejectInvoice(invoiceNumber, status) {
      sim.faults.rejections.set(invoiceNumber, status);
    },
    failSessionClose(status, sessionReferenceNumber) {
      sim.faults.sessionCloseFailures.push({ status, ...(sessionReferenceNumber ? { sessionReferenceNumber } : {}) });
    },
    invalidUpos(fault) {
      sim.faults.invalidUpo = fault;
    },
    addKsefToken(nip, token = `${makeReferenceNumber('TK')}|nip-${nip}|${randomBytes(16).toString('hex')}`) {
      sim.ksefTokens.set(token, { nip, referenceNumber: makeReferenceNumber('TK'), revoked: false });
      return token;
    },
    revokeKsefToken(token) {
      const t = sim.ksefTokens.get(token);
      if (t) t.revoked = true;
      for (const op of sim.authOps.values()) if (op.upoAuth && 'ksefTokenReference' in op.upoAuth && op.upoAuth.ksefTokenReference === t?.referenceNumber) op.revoked = true;
    },
    grantFingerprint(nip, fingerprintHex) {
      const set = sim.grants.fingerprints.get(nip) ?? new Set();
      set.add(fingerprintHex.replaceAll(':', '').toLowerCase());
      sim.grants.fingerprints.set(nip, set);
    },
    grantPesel(nip, pesel) {
      const set = sim.grants.pesels.get(nip) ?? new Set();
      set.add(pesel);
      sim.grants.pesels.set(nip, set);
    },
    expireAccessTokens() {
      const now = sim.settings.now().getTime();
      for (const t of sim.tokens.values()) if (t.kind === 'access') t.expiresAt = Math.min(t.expiresAt, now);
    },
    set(s) {
      Object.assign(sim.settings, s);
      if (s.rateLimitScale !== undefined) limiter = new RateLimiter(s.rateLimitScale);
    },
    accepted: () => [...sim.register.values()],
    sessions: () =>
      [...sim.sessions.values()].map((s) => ({
        referenceNumber: s.referenceNumber,
        type: s.type,
        contextNip: s.contextNip,
        status: s.closed && s.finalStatus ? s.finalStatus : s.status,
        invoiceCount: s.invoices.length,
        successfulInvoiceCount: s.invoices.filter((i) => i.status.code === 200).length,
      })),
    requests: () => [...sim.requestLog],
  };

  return {
    url: `${origin}/v2`,
    publicKeys: [sim.keys.KsefTokenEncryption.published, sim.keys.SymmetricKeyEncryption.published],
    publicKeyPems: { KsefTokenEncryption: sim.keys.KsefTokenEncryption.certificatePem, SymmetricKeyEncryption: sim.keys.SymmetricKeyEncryption.certificatePem },
    control,
    async close() {
      if (refused) return;
      await app.close();
    },
  };
}
