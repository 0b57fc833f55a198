/**
 * The Fastify application: tenant resolution, sessions and access policies,
 * CSRF, errors, OpenAPI, health checks, the web app's static files, and every
 * module's routes. Routes stay thin: they validate, check access and hand
 * the request's transaction to a module's service.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyRequest, type RouteOptions } from 'fastify';
import cookie from '@fastify/cookie';
import multipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { sql } from 'kysely';
import { AppError, notFound } from '../lib/errors.ts';
import { CSRF_COOKIE, SESSION_COOKIE, findSessionUser, hashToken, newToken } from '../modules/identity/sessions.ts';
import { utilitiesSubscriber, type Utility } from '../modules/utilities/service.ts';
import { assertAccess, assertOwnCustomer, isValidAccess, type Access, type AuthSession, type AuthUser } from './access.ts';
import { errorHandler, sendError } from './errors.ts';
import { guardInput, strictDateFormats } from './input-guard.ts';
import { registerModules } from './modules.ts';
import { sessionCookiePath, type App, type AppDeps } from './context.ts';
import { loggerOptions } from './request-log.ts';
import { registerSecurityHeaders } from './security-headers.ts';
import { tenantResolver } from './tenant.ts';
import { startChangeFeed } from '../db/change-feed.ts';
import { SessionCache } from '../modules/identity/session-cache.ts';
import { OverviewCache } from '../modules/customers/overview-cache.ts';
import { LedgerCache } from '../modules/payments/ledger/cache.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
    allowPendingPasswordChange?: boolean;
    allowPendingMfa?: boolean;
    /** A portal route a customer may call before accepting the current terms (see access.ts). */
    allowPendingTerms?: boolean;
    /** A health probe: no CSRF cookie, no session. */
    probe?: boolean;
    /** Called by a server, authenticated by its body's signature (payment providers' notifications): no cookie, so no CSRF check. */
    csrfExempt?: boolean;
  }
  interface FastifyInstance {
    /** Every route with its access policy, in registration order (the route-access test walks it). */
    routeTable: RouteInfo[];
    /** In-memory caches kept exact by the database's change notifications (src/db/change-feed.ts). */
    caches: {
      sessions: SessionCache;
      overview: OverviewCache;
      /** The portal's ledger page ("Faktury i saldo"). */
      ledger: LedgerCache;
      /** Resolves when every change committed so far has been heard (for a test that wrote with SQL of its own). */
      settled(): Promise<void>;
    };
  }
  interface FastifyRequest {
    utility?: Utility;
    user?: AuthUser;
    session?: AuthSession;
  }
}

export interface RouteInfo {
  method: string;
  url: string;
  access: Access;
}

export type { App, AppDeps } from './context.ts';
export { slugFromHost } from './tenant.ts';

const webDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/web');
const TENANT_PREFIX = /^\/t\/([a-z0-9][a-z0-9-]{1,39})(?=\/|$|\?)/;
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export async function buildApp(deps: AppDeps): Promise<App> {
  const { config, database } = deps;
  const app = Fastify({
    ...loggerOptions(config, deps.logStream),
    bodyLimit: 1024 * 1024,
    frameworkErrors: errorHandler,
    // Fastify takes a hop count too (its types omit it).
    trustProxy: config.trustProxy as boolean | string,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false }, onCreate: strictDateFormats },
    rewriteUrl(req) {
      // Development and path-based hosting: /t/<slug>/... serves that utility.
      const url = req.url ?? '/';
      const m = TENANT_PREFIX.exec(url);
      if (!m) return url;
      (req as { wodnikSlug?: string }).wodnikSlug = m[1];
      const rest = url.slice(m[0].length);
      return rest.startsWith('/') ? rest : `/${rest}`;
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.decorate('deps', deps);
  // Caches serve only while the change feed listens (see change-feed.ts).
  let live = () => false;
  const sessions = new SessionCache(() => live());
  const overview = new OverviewCache(() => live());
  const ledger = new LedgerCache(() => live());
  const feed = await startChangeFeed(database, [sessions.subscriber(), overview.subscriber(), ledger.subscriber(), utilitiesSubscriber()]);
  const caches = { sessions, overview, ledger, settled: () => feed.barrier() };
  app.decorate('caches', caches);
  live = () => config.memoryCaches && feed.isLive();
  app.addHook('onClose', async () => feed.stop());
  const routeTable: RouteInfo[] = [];
  app.decorate('routeTable', routeTable);
  app.decorateRequest('utility', undefined);
  app.decorateRequest('user', undefined);
  app.decorateRequest('session', undefined);
  app.setErrorHandler(errorHandler);
  guardInput(app);

  // Every route must say who may call it; a route without a policy stops the start.
  app.addHook('onRoute', (route: RouteOptions) => {
    const url = route.url ?? '';
    const cfg = (route.config ?? {}) as { access?: unknown; file?: unknown; rootPath?: unknown };
    // The web app's files are public: @fastify/static registers one route per file of
    // dist/web (index.html, assets/*, a service worker...) and marks it with config.file.
    const webFile = typeof cfg.file === 'string' && cfg.rootPath !== undefined;
    if (cfg.access === undefined && url.startsWith('/api/docs')) {
      // API_DOCS=staff (production's default) keeps the documentation from anonymous callers.
      route.config = { ...(route.config as object), access: config.apiDocs === 'staff' ? 'staff' : 'public' };
      return;
    }
    if (cfg.access === undefined && (url === '/*' || webFile)) {
      route.config = { ...(route.config as object), access: 'public' };
      return;
    }
    if (!isValidAccess(cfg.access)) {
      throw new Error(`route ${route.method} ${url} declares no valid access policy (config.access)`);
    }
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') routeTable.push({ method, url, access: cfg.access });
    }
  });

  // Cookies are parsed and the security headers set (both onRequest hooks)
  // before the hooks below decide anything.
  await app.register(cookie);
  registerSecurityHeaders(app, config);

  const resolveTenant = tenantResolver(config, database.db);
  app.addHook('onRequest', resolveTenant);

  // Access is decided when the request line and headers have arrived, before
  // the body is read, parsed or validated: a caller who may not use a route
  // cannot make the server read an upload, and learns nothing about the
  // route, not even its schema. The session is one statement (see
  // findSessionUser); the handler's work is the request's one transaction.
  app.addHook('onRequest', async (req, reply) => {
    const cfg = req.routeOptions.config;
    const access = cfg.access ?? 'public';
    try {
      const token = req.cookies[SESSION_COOKIE];
      if (token && req.utility) {
        const tokenHash = hashToken(token);
        let found = caches.sessions.get(req.utility.id, tokenHash);
        if (!found) {
          const generation = caches.sessions.generation();
          found = await findSessionUser(database.db, req.utility.id, token, config.sessionIdleMinutes);
          if (found) caches.sessions.set(req.utility.id, tokenHash, found, generation);
        }
        if (found) {
          req.user = found.user;
          req.session = found.session;
        } else {
          reply.clearCookie(SESSION_COOKIE, { path: sessionCookiePath(req) });
        }
      }
      if (UNSAFE.has(req.method) && access !== 'gateway' && !cfg.csrfExempt) assertCsrf(req);
      assertAccess(access, req.user, req.session, cfg);
      // A portal user names a customer in the path only if it is one of theirs.
      const customerId = (req.params as Record<string, string> | undefined)?.customerId;
      if (access === 'customer' && customerId !== undefined && req.user) assertOwnCustomer(req.user, Number(customerId));
      if (access !== 'public' && access !== 'gateway' && !req.utility) throw notFound('tenant.not_found', 'Nie znaleziono przedsiębiorstwa.', 'No utility was found.');
    } catch (err) {
      // The body was never read: close the connection after the answer rather
      // than let Node read and discard what the caller is still sending.
      if (hasBody(req)) reply.header('connection', 'close');
      throw err;
    }
  });

  await app.register(multipart, { limits: { fileSize: 10 * 1024 * 1024, files: 1, fields: 20 } });
  await app.register(swagger, {
    openapi: {
      info: { title: 'Wodnik API', version: '0.1.0', description: 'Customer portal, billing and remote meter reading for water utilities' },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE } } },
    },
  });
  if (config.apiDocs !== 'off') await app.register(swaggerUi, { routePrefix: '/api/docs' });

  // Every page load gets a CSRF cookie to echo in a header (double-submit);
  // health probes do not (they are the most frequent requests of all and no
  // browser makes them). A request that may have written waits until this
  // process has heard its changes (a sign-out, a new reading), so that the
  // caller's next request is not served from a cache that has not.
  app.addHook('onSend', async (req, reply, payload) => {
    if (UNSAFE.has(req.method)) await feed.barrier();
    if (!req.cookies[CSRF_COOKIE] && !req.routeOptions.config.probe) {
      reply.setCookie(CSRF_COOKIE, req.session?.csrfToken ?? newToken(), {
        path: '/',
        sameSite: 'lax',
        secure: config.secureCookies,
        httpOnly: false,
      });
    }
    return payload;
  });

  app.get('/healthz', { config: { access: 'public', probe: true }, schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { config: { access: 'public', probe: true }, schema: { hide: true } }, async (_req, reply) => {
    try {
      await sql`select 1 from schema_migrations limit 1`.execute(database.db);
      return { status: 'ready', database: database.kind };
    } catch {
      return sendError(reply, 503, 'not_ready', { pl: 'Baza danych niedostępna.', en: 'The database is not available.' });
    }
  });

  await registerModules(app, deps);

  if (existsSync(path.join(webDir, 'index.html'))) {
    await app.register(fastifyStatic, { root: webDir, wildcard: false, serve: true, index: false, prefix: '/', decorateReply: true });
  }
  app.setNotFoundHandler({ preHandler: undefined }, async (req, reply) => {
    if (req.method === 'GET' && !req.url.startsWith('/api/') && existsSync(path.join(webDir, 'index.html'))) {
      // The single-page app handles its own routes.
      return reply.type('text/html').sendFile('index.html');
    }
    return sendError(reply, 404, 'route.not_found', { pl: 'Nie ma takiej strony.', en: 'No such page.' });
  });

  return app;
}

function assertCsrf(req: FastifyRequest) {
  const header = req.headers['x-csrf-token'];
  const cookieToken = req.cookies[CSRF_COOKIE];
  const ok = typeof header === 'string' && header.length > 10 && header === cookieToken && (!req.session || header === req.session.csrfToken);
  if (!ok) {
    throw new AppError('forbidden', 'auth.csrf', {
      pl: 'Sesja formularza wygasła. Prosimy odświeżyć stronę i spróbować ponownie.',
      en: 'The form session has expired. Reload the page and try again.',
    });
  }
}

/** Whether the request announces a body (a length above zero, or chunks). */
function hasBody(req: FastifyRequest): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}
