/**
 * Response headers that limit what a page of ours may load and who may frame
 * it, on every response (404s included). `helmet` works them out from the
 * options once, at start-up; each request gets the same headers. (The Fastify
 * wrapper, @fastify/helmet, ran helmet anew for every request: a tenth of the
 * CPU time of /healthz.)
 *
 * The web app's build (vite) has no inline scripts: index.html loads its
 * modules from /assets, so `script-src 'self'` holds without nonces. Inline
 * styles stay allowed (the developer outbox page has a <style>, and a style
 * cannot run code). The utility's logo is a `data:` SVG image. Swagger UI
 * (/api/docs) loads its own files too, and needs the same allowances.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';
import type { Config } from '../config.ts';
import type { App } from './context.ts';

export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  scriptSrcAttr: ["'none'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

/** One year: browsers keep to https for the host once they have seen the header over https. */
const HSTS_SECONDS = 365 * 24 * 60 * 60;

/** The headers helmet sets for these options, as a name → value map. */
export function securityHeaders(config: Config): Record<string, string> {
  const https = config.publicUrl.startsWith('https://');
  const headers: Record<string, string> = {};
  const res = {
    setHeader: (name: string, value: string | number) => void (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => void delete headers[name.toLowerCase()],
  };
  helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: https ? { ...CONTENT_SECURITY_POLICY, upgradeInsecureRequests: [] } : CONTENT_SECURITY_POLICY,
    },
    xFrameOptions: { action: 'deny' },
    // Only a site served over https may promise to stay on https; not for the
    // subdomains, which may be other services of the same operator.
    strictTransportSecurity: https ? { maxAge: HSTS_SECONDS, includeSubDomains: false } : false,
    referrerPolicy: { policy: 'same-origin' },
    crossOriginEmbedderPolicy: false,
  })({} as IncomingMessage, res as unknown as ServerResponse, () => {});
  return headers;
}

export function registerSecurityHeaders(app: App, config: Config): void {
  const headers = securityHeaders(config);
  app.addHook('onRequest', (_req, reply, done) => {
    reply.headers(headers);
    done();
  });
}
