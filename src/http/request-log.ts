/**
 * The request log: one line per request (method, path, status, time), none
 * at info level for the health checks, and never a secret. Reset and
 * verification links carry their token in the query string
 * (`/reset-password?token=…`), so query parameters that hold a token, code,
 * key, secret or password, and path segments that look like a token, are
 * written as `[redacted]`.
 */
import { LogController, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import type { Config } from '../config.ts';

const SECRET_PARAM = /token|code|key|secret|password/i;
/** A path segment of 32+ base64url/hex characters is treated as a token (ours are 43). */
const TOKEN_SEGMENT = /^[A-Za-z0-9_-]{32,}$/;
const REDACTED = '[redacted]';
/** Probed every few seconds by load balancers: logged only at debug level (and when they fail). */
const QUIET = new Set(['/healthz', '/readyz']);

/** The URL as the log may show it. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const safePath = path
    .split('/')
    .map((seg) => (TOKEN_SEGMENT.test(seg) ? REDACTED : seg))
    .join('/');
  if (q < 0) return safePath;
  const query = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0) return pair;
      let name = pair.slice(0, eq);
      try {
        name = decodeURIComponent(name);
      } catch {
        // A malformed name is judged as written.
      }
      return SECRET_PARAM.test(name) ? `${pair.slice(0, eq)}=${REDACTED}` : pair;
    })
    .join('&');
  return `${safePath}?${query}`;
}

/**
 * Fastify's own request lines (one when a request comes in, one when it is
 * answered) are replaced by one line when it is answered.
 */
class OneLinePerRequest extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, req: FastifyRequest, reply: FastifyReply): void {
    const quiet = !error && reply.statusCode < 400 && QUIET.has(req.routeOptions.url ?? '');
    // The health checks come every few seconds: at info level they cost nothing here.
    if (quiet && !(req.log as { isLevelEnabled?: (level: string) => boolean }).isLevelEnabled?.('debug')) return;
    const line = {
      method: req.method,
      // As the caller sent it (with a /t/<slug> prefix), redacted.
      url: redactUrl(req.originalUrl ?? req.url),
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 10) / 10,
      ip: req.ip,
    };
    if (error) req.log.error({ ...line, err: error }, 'request failed');
    else if (quiet) req.log.debug(line, 'request');
    else req.log.info(line, 'request');
  }
}

/** Fastify's logger options: one line per request, secrets redacted. */
export function loggerOptions(config: Config, stream?: { write(line: string): void }): Pick<FastifyServerOptions, 'logger' | 'logController'> {
  if (config.logLevel === 'silent') return { logger: false };
  return {
    logController: new OneLinePerRequest(),
    logger: {
      level: config.logLevel,
      ...(stream ? { stream } : {}),
      redact: ['req.headers.cookie', 'req.headers.authorization', 'req.headers["x-csrf-token"]'],
      serializers: {
        // Whatever logs a request (errors included) logs it through this.
        req: (req: { method?: string; url?: string; ip?: string }) => ({ method: req.method, url: redactUrl(req.url ?? ''), remoteAddress: req.ip }),
      },
    },
  };
}
