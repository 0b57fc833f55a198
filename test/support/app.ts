/**
 * The whole HTTP app on a fresh test database, driven through Fastify's
 * inject (no port). `client()` keeps cookies and the CSRF token like a browser.
 */
import type { LightMyRequestResponse } from 'fastify';
import { loadConfig, type Config } from '../../src/config.ts';
import type { Database } from '../../src/db/connection.ts';
import { buildApp, type App } from '../../src/http/app.ts';
import { createTestDatabase } from './db.ts';

export interface TestApp {
  app: App;
  database: Database;
  config: Config;
  close(): Promise<void>;
}

export async function createTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  // Tests stand behind a pretend proxy: each client names its address in X-Forwarded-For.
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', WODNIK_SECRET_KEY: '11'.repeat(32), TRUST_PROXY: 'true', ...env });
  const app = await buildApp({ config, database });
  await app.ready();
  return {
    app,
    database,
    config,
    close: async () => {
      await app.close();
      await database.close();
    },
  };
}

export interface Client {
  request(method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  get(url: string): Promise<LightMyRequestResponse>;
  post(url: string, body?: unknown): Promise<LightMyRequestResponse>;
  cookies: Record<string, string>;
}

/** A cookie-keeping client bound to one utility through the /t/<slug> prefix. */
export function client(app: App, slug?: string): Client {
  const cookies: Record<string, string> = {};
  const prefix = slug ? `/t/${slug}` : '';
  const c: Client = {
    cookies,
    async request(method, url, body, headers = {}) {
      if (!cookies.wodnik_csrf) {
        const r = await app.inject({ method: 'GET', url: `${prefix}/api/auth/session` });
        for (const k of r.cookies) cookies[k.name] = k.value;
      }
      const res = await app.inject({
        method: method as 'GET',
        url: `${prefix}${url}`,
        payload: body === undefined ? undefined : (body as object),
        headers: {
          cookie: Object.entries(cookies)
            .map(([k, v]) => `${k}=${v}`)
            .join('; '),
          'x-csrf-token': cookies.wodnik_csrf ?? '',
          ...headers,
        },
      });
      for (const k of res.cookies) {
        if (k.value === '' || (k.expires && k.expires.getTime() < Date.now())) delete cookies[k.name];
        else cookies[k.name] = k.value;
      }
      return res;
    },
    get: (url) => c.request('GET', url),
    post: (url, body) => c.request('POST', url, body ?? {}),
  };
  return c;
}
