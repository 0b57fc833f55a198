/**
 * Response headers that limit what a page of ours may load and who may frame
 * it (@fastify/helmet, which sets them in an onRequest hook for every route,
 * 404s included).
 *
 * The web app's build (vite) has no inline scripts: index.html loads its
 * modules from /assets, so `script-src 'self'` holds without nonces. Inline
 * styles stay allowed (the developer outbox page has a <style>, and a style
 * cannot run code). The utility's logo is a `data:` SVG image. Swagger UI
 * (/api/docs) loads its own files too, and needs the same allowances.
 */
import helmet from '@fastify/helmet';
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

export async function registerSecurityHeaders(app: App, config: Config): Promise<void> {
  const https = config.publicUrl.startsWith('https://');
  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: https ? { ...CONTENT_SECURITY_POLICY, upgradeInsecureRequests: [] } : CONTENT_SECURITY_POLICY,
    },
    frameguard: { action: 'deny' },
    // Only a site served over https may promise to stay on https; not for the
    // subdomains, which may be other services of the same operator.
    strictTransportSecurity: https ? { maxAge: HSTS_SECONDS, includeSubDomains: false } : false,
    referrerPolicy: { policy: 'same-origin' },
    crossOriginEmbedderPolicy: false,
  });
}
