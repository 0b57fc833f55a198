/**
 * Whether a request comes from this machine. The developer pages (the e-mail
 * outbox with its password-reset links) answer only such requests: a server
 * opened with HOST=0.0.0.0 must not hand those links to the network.
 */
import type { FastifyRequest } from 'fastify';

/** 127.0.0.0/8, ::1 and their IPv4-mapped IPv6 forms. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.toLowerCase().replace(/^::ffff:/, '');
  return a === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a);
}

/**
 * The socket's peer is a loopback address, and no proxy forwarded the request:
 * a reverse proxy on this machine connects from 127.0.0.1 but speaks for
 * callers anywhere, and names them in these headers (whether or not
 * TRUST_PROXY makes Fastify believe them).
 */
export function fromThisMachine(req: FastifyRequest): boolean {
  const h = req.headers;
  if (h['x-forwarded-for'] !== undefined || h.forwarded !== undefined || h['x-real-ip'] !== undefined) return false;
  return isLoopback(req.raw.socket?.remoteAddress) && isLoopback(req.ip);
}
