/**
 * Safe defaults of the HTTP server (issue 12, items 1, 3, 5 and 7): where it
 * listens, who may read the developer outbox, which utility an unknown host
 * gets in production, bodies refused before they are read, tokens kept out of
 * the request log, and the security headers.
 */
import { once } from 'node:events';
import net from 'node:net';
import { networkInterfaces } from 'node:os';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { buildApp, type App } from '../src/http/app.ts';
import { listenNotice } from '../src/main.ts';
import { redactUrl } from '../src/http/request-log.ts';
import { client, createTestApp, type TestApp } from './support/app.ts';
import { buildUser, buildUtility } from './support/factories.ts';
import { ensureWebBuilt } from './e2e/support.ts';

let t: TestApp;
let slug: string;
let utilityId: number;

beforeAll(async () => {
  t = await createTestApp();
  const u = await buildUtility(t.database);
  slug = u.slug;
  utilityId = u.id;
}, 60_000);

afterAll(() => t?.close());

/** An app of another mode on the same database (a second Fastify over it). */
async function appWith(env: Record<string, string>, logStream?: { write(line: string): void }): Promise<App> {
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', WODNIK_SECRET_KEY: '11'.repeat(32), ...env });
  const app = await buildApp({ config, database: t.database, logStream });
  await app.ready();
  return app;
}

describe('where the server listens (item 1)', () => {
  it('binds to 127.0.0.1 unless HOST says otherwise', () => {
    expect(loadConfig({}).host).toBe('127.0.0.1');
    expect(loadConfig({ HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
  });

  it('says at start-up that an opened server listens on all addresses', () => {
    expect(listenNotice('0.0.0.0')).toMatch(/listening on all addresses/i);
    expect(listenNotice('::')).toMatch(/listening on all addresses/i);
    expect(listenNotice('127.0.0.1')).toMatch(/this machine alone/);
    expect(listenNotice('127.0.0.1')).not.toMatch(/all addresses/i);
  });
});

describe('the developer outbox (item 1)', () => {
  it('answers a caller on this machine in development', async () => {
    const page = await t.app.inject({ method: 'GET', url: `/t/${slug}/dev/outbox`, remoteAddress: '127.0.0.1' });
    expect(page.statusCode).toBe(200);
    const json = await t.app.inject({ method: 'GET', url: `/t/${slug}/api/dev/outbox`, remoteAddress: '::1' });
    expect(json.statusCode).toBe(200);
  });

  it('is a 404 for a caller from another address, even with TRUST_PROXY and a forged X-Forwarded-For', async () => {
    for (const url of [`/t/${slug}/dev/outbox`, `/t/${slug}/api/dev/outbox`, `/t/${slug}/api/dev/outbox?limit=bad`]) {
      const far = await t.app.inject({ method: 'GET', url, remoteAddress: '10.1.2.3' });
      expect(far.statusCode, url).toBe(404);
      expect(far.json().error.code).toBe('route.not_found');
      const forged = await t.app.inject({ method: 'GET', url, remoteAddress: '10.1.2.3', headers: { 'x-forwarded-for': '127.0.0.1' } });
      expect(forged.statusCode, url).toBe(404);
    }
  });

  it('is a 404 when a proxy on this machine forwards a caller', async () => {
    const viaProxy = await t.app.inject({ method: 'GET', url: `/t/${slug}/api/dev/outbox`, remoteAddress: '127.0.0.1', headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect(viaProxy.statusCode).toBe(404);
  });

  // A real socket on every address, reached through this machine's own
  // network address (so the peer is not a loopback address).
  const external = Object.values(networkInterfaces())
    .flat()
    .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
  it.skipIf(!external)('is a 404 over the network when the server listens on 0.0.0.0', async () => {
    const app = await appWith({ HOST: '0.0.0.0' });
    try {
      await app.listen({ host: '0.0.0.0', port: 0 });
      const port = (app.server.address() as AddressInfo).port;
      const far = await fetch(`http://${external}:${port}/t/${slug}/api/dev/outbox`);
      expect(far.status).toBe(404);
      const near = await fetch(`http://127.0.0.1:${port}/t/${slug}/api/dev/outbox`);
      expect(near.status).toBe(200);
    } finally {
      await app.close();
    }
  });
});

describe('which utility a host gets in production (item 1)', () => {
  it('answers 404 on a host that names no utility, but still answers /healthz there', async () => {
    const app = await appWith({ NODE_ENV: 'production', PUBLIC_URL: 'https://ebok.example.pl' });
    try {
      const r = await app.inject({ method: 'GET', url: '/api/utility', headers: { host: 'localhost' } });
      expect(r.statusCode).toBe(404);
      expect(r.json().error.code).toBe('tenant.not_found');
      const unknown = await app.inject({ method: 'GET', url: '/api/utility', headers: { host: 'nikt.example.pl' } });
      expect(unknown.statusCode).toBe(404);
      const health = await app.inject({ method: 'GET', url: '/healthz', headers: { host: 'localhost' } });
      expect(health.statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('serves the utility its host name names', async () => {
    const app = await appWith({ NODE_ENV: 'production', PUBLIC_URL: 'https://ebok.example.pl' });
    try {
      const r = await app.inject({ method: 'GET', url: '/api/utility', headers: { host: `${slug}.example.pl` } });
      expect(r.statusCode).toBe(200);
      expect(r.json().slug).toBe(slug);
    } finally {
      await app.close();
    }
  });

  it('takes /t/<slug> only on the shared host of PUBLIC_URL (where e-mail links point), not on a utility host', async () => {
    const other = await buildUtility(t.database);
    const app = await appWith({ NODE_ENV: 'production', PUBLIC_URL: 'https://ebok.example.pl' });
    try {
      const shared = await app.inject({ method: 'GET', url: `/t/${slug}/api/utility`, headers: { host: 'ebok.example.pl' } });
      expect(shared.statusCode).toBe(200);
      expect(shared.json().slug).toBe(slug);
      const crossed = await app.inject({ method: 'GET', url: `/t/${slug}/api/utility`, headers: { host: `${other.slug}.example.pl` } });
      expect(crossed.statusCode).toBe(404);
      const plain = await app.inject({ method: 'GET', url: `/t/${slug}/api/utility`, headers: { host: 'localhost' } });
      expect(plain.statusCode).toBe(404);
    } finally {
      await app.close();
    }
  });

  it('serves WODNIK_DEFAULT_UTILITY on any other host (a single-utility install)', async () => {
    const app = await appWith({ NODE_ENV: 'production', WODNIK_DEFAULT_UTILITY: slug });
    try {
      const r = await app.inject({ method: 'GET', url: '/api/utility', headers: { host: 'ebok.wodociagi.example.pl' } });
      expect(r.statusCode).toBe(200);
      expect(r.json().slug).toBe(slug);
    } finally {
      await app.close();
    }
  });

  it('keeps the first utility on a plain host in development', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/api/utility', headers: { host: 'localhost:3000' } });
    expect(r.statusCode).toBe(200);
  });
});

describe('bodies of callers who may not use a route (item 3)', () => {
  const MB21 = 21 * 1024 * 1024;

  /**
   * Sends the request line and headers of a 21 MB body and then 64 KiB of it,
   * and reads what comes back, without sending the rest.
   */
  async function sendHead(port: number, path: string, headers: Record<string, string>): Promise<{ status: number; body: string; sent: number }> {
    const socket = net.connect(port, '127.0.0.1');
    await once(socket, 'connect');
    let received = '';
    socket.on('data', (d) => (received += d.toString('latin1')));
    const head = [`POST ${path} HTTP/1.1`, 'Host: 127.0.0.1', `Content-Length: ${MB21}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), '', ''].join('\r\n');
    socket.write(head);
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    socket.write(chunk);
    const sent = chunk.length;
    const deadline = Date.now() + 10_000;
    while (!/\r\n\r\n/.test(received) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    socket.destroy();
    const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(received)?.[1] ?? 0);
    return { status, body: received, sent };
  }

  async function listening(): Promise<{ app: App; port: number }> {
    const app = await appWith({});
    await app.listen({ host: '127.0.0.1', port: 0 });
    return { app, port: (app.server.address() as AddressInfo).port };
  }

  it('refuses an anonymous 21 MB JSON body to a staff route with 401 after 64 KiB of it', async () => {
    const { app, port } = await listening();
    try {
      // The CSRF pair a browser would hold, so that the refusal is the access check's.
      const csrf = 'x'.repeat(32);
      const r = await sendHead(port, `/t/${slug}/api/staff/gateways`, { 'Content-Type': 'application/json', Cookie: `wodnik_csrf=${csrf}`, 'X-CSRF-Token': csrf });
      expect(r.status).toBe(401);
      expect(r.body).toContain('auth.');
      expect(r.body.toLowerCase()).toContain('connection: close');
      expect(r.sent).toBeLessThan(MB21);
    } finally {
      await app.close();
    }
  });

  it('refuses an anonymous 21 MB upload without a CSRF token with 403 before reading it', async () => {
    const { app, port } = await listening();
    try {
      const r = await sendHead(port, `/t/${slug}/api/staff/walkby-uploads`, { 'Content-Type': 'multipart/form-data; boundary=x' });
      expect(r.status).toBe(403);
      expect(r.body).toContain('auth.csrf');
    } finally {
      await app.close();
    }
  });

  it('refuses a 21 MB body to a staff route from a signed-in customer with 403 before reading it', async () => {
    await buildUser(t.database, utilityId, { kind: 'customer', email: 'body@example.com' });
    const c = client(t.app, slug);
    expect((await c.post('/api/auth/login', { email: 'body@example.com', password: 'Woda2026bezpieczna' })).statusCode).toBe(200);
    const { app, port } = await listening();
    try {
      const cookie = Object.entries(c.cookies)
        .map(([k, v]) => `${k}=${v}`)
        .join('; ');
      const r = await sendHead(port, `/t/${slug}/api/staff/gateways`, { 'Content-Type': 'application/json', Cookie: cookie, 'X-CSRF-Token': c.cookies.wodnik_csrf });
      expect(r.status).toBe(403);
      expect(r.body).toContain('auth.staff_only');
    } finally {
      await app.close();
    }
  });

  it('refuses a gateway push without a valid token with 401 before reading its body', async () => {
    const { app, port } = await listening();
    try {
      const r = await sendHead(port, `/t/${slug}/api/gateways/telegrams`, { 'Content-Type': 'application/json', Authorization: 'Bearer nope' });
      expect(r.status).toBe(401);
    } finally {
      await app.close();
    }
  });
});

describe('tokens in the request log (item 5)', () => {
  it('redacts token, code and key parameters and token-like path segments', () => {
    expect(redactUrl('/reset-password?token=abc123')).toBe('/reset-password?token=[redacted]');
    expect(redactUrl('/t/zgk/verify-email?lang=pl&token=abc&x=1')).toBe('/t/zgk/verify-email?lang=pl&token=[redacted]&x=1');
    expect(redactUrl('/api/x?resetToken=1&code=2&q=woda')).toBe('/api/x?resetToken=[redacted]&code=[redacted]&q=woda');
    expect(redactUrl('/activate/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-AbCd')).toBe('/activate/[redacted]');
    expect(redactUrl('/api/staff/customers/42')).toBe('/api/staff/customers/42');
  });

  it('writes one line per request, no reset or verification token in it, and none for /healthz at info level', async () => {
    const lines: string[] = [];
    const app = await appWith({ LOG_LEVEL: 'info' }, { write: (l) => void lines.push(l) });
    try {
      const secret = 'Zr3s3tT0k3nZr3s3tT0k3nZr3s3tT0k3nZr3s3tT0k3';
      await app.inject({ method: 'GET', url: `/t/${slug}/reset-password?token=${secret}` });
      await app.inject({ method: 'GET', url: `/t/${slug}/verify-email?token=${secret}&lang=pl` });
      await app.inject({ method: 'GET', url: `/t/${slug}/api/auth/reset/${secret}` });
      await app.inject({ method: 'GET', url: '/healthz' });
      await app.inject({ method: 'GET', url: '/healthz' });
      const all = lines.join('');
      expect(all).not.toContain(secret);
      const requests = lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'request');
      expect(requests.map((l) => l.url)).toEqual([
        `/t/${slug}/reset-password?token=[redacted]`,
        `/t/${slug}/verify-email?token=[redacted]&lang=pl`,
        `/t/${slug}/api/auth/reset/[redacted]`,
      ]);
      expect(lines).toHaveLength(3);
    } finally {
      await app.close();
    }
  });
});

describe('security headers (item 7)', () => {
  it('sends a CSP without inline scripts, frame-ancestors none and X-Frame-Options DENY, and no HSTS over http', async () => {
    for (const url of [`/t/${slug}/api/utility`, '/no/such/page', '/healthz']) {
      const r = await t.app.inject({ method: 'GET', url });
      const csp = String(r.headers['content-security-policy']);
      const scriptSrc = /script-src ([^;]*)/.exec(csp)?.[1] ?? '';
      expect(scriptSrc, url).toBe("'self'");
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(r.headers['x-frame-options']).toBe('DENY');
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['strict-transport-security']).toBeUndefined();
    }
  });

  // The CSP above allows no inline script: the built web app must have none (vite puts every script in a file).
  it('serves a built web app whose every script is a file', async () => {
    // Built here when no other test has built it yet (never skipped: CI refuses skips).
    await ensureWebBuilt();
    const app = await appWith({});
    const r = await app.inject({ method: 'GET', url: `/t/${slug}/` });
    await app.close();
    expect(r.statusCode).toBe(200);
    const scripts = [...r.body.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, body] of scripts) {
      expect(attrs).toMatch(/\bsrc="\/assets\//);
      expect(body.trim()).toBe('');
    }
    expect(r.body).not.toMatch(/\son[a-z]+="/i);
  });

  it('sends HSTS when PUBLIC_URL is https', async () => {
    const app = await appWith({ PUBLIC_URL: 'https://ebok.example.pl' });
    try {
      const r = await app.inject({ method: 'GET', url: '/healthz' });
      expect(r.headers['strict-transport-security']).toBe('max-age=31536000');
    } finally {
      await app.close();
    }
  });

  it('keeps /api/docs from anonymous callers in production and shows it to staff', async () => {
    const staff = await buildUser(t.database, utilityId, { kind: 'staff', roles: ['auditor'], email: 'docs@example.com' });
    const app = await appWith({ NODE_ENV: 'production', WODNIK_DEFAULT_UTILITY: slug });
    try {
      for (const url of ['/api/docs', '/api/docs/json', '/api/docs/static/swagger-ui-bundle.js']) {
        const r = await app.inject({ method: 'GET', url });
        expect(r.statusCode, url).toBe(401);
      }
      const c = client(app);
      expect((await c.post('/api/auth/login', { email: staff.email, password: 'Woda2026bezpieczna' })).statusCode).toBe(200);
      const json = await c.get('/api/docs/json');
      expect(json.statusCode).toBe(200);
      expect(json.json().openapi).toMatch(/^3\./);
      const page = await c.get('/api/docs');
      expect(page.statusCode).toBe(200);
      expect(/script-src ([^;]*)/.exec(String(page.headers['content-security-policy']))?.[1]).toBe("'self'");
    } finally {
      await app.close();
    }
  });

  it('refuses an API_DOCS value other than public, staff or off at start-up', () => {
    expect(() => loadConfig({ API_DOCS: 'maybe' })).toThrow(/API_DOCS must be public, staff or off/);
    expect(loadConfig({ NODE_ENV: 'production' }).apiDocs).toBe('staff');
    expect(loadConfig({}).apiDocs).toBe('public');
  });

  it('turns /api/docs off with API_DOCS=off, and shows it to anyone in development', async () => {
    const off = await appWith({ API_DOCS: 'off' });
    try {
      expect((await off.inject({ method: 'GET', url: '/api/docs/json' })).statusCode).toBe(404);
    } finally {
      await off.close();
    }
    expect((await t.app.inject({ method: 'GET', url: '/api/docs/json' })).statusCode).toBe(200);
  });
});
