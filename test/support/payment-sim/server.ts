/**
 * The small HTTP server both provider simulators stand on: JSON and form
 * bodies, a listener on 127.0.0.1 at a free port, and the notification
 * sender (a provider calls our notify URL over real HTTP).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SimRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  raw: string;
  json: any;
  form: URLSearchParams;
}

export interface SimReply {
  status: number;
  json?: unknown;
  html?: string;
  headers?: Record<string, string>;
}

export type Handler = (req: SimRequest) => Promise<SimReply> | SimReply;

export async function listen(handler: Handler): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let json: any = null;
    try {
      json = raw ? JSON.parse(raw) : null;
    } catch {
      json = null;
    }
    const url = new URL(req.url ?? '/', 'http://sim');
    let reply: SimReply;
    try {
      reply = await handler({ method: req.method ?? 'GET', path: url.pathname, headers: req.headers, raw, json, form: new URLSearchParams(raw) });
    } catch (err) {
      reply = { status: 500, json: { error: (err as Error).message } };
    }
    const headers: Record<string, string> = { ...(reply.headers ?? {}) };
    let body = '';
    if (reply.html !== undefined) {
      headers['content-type'] = 'text/html; charset=utf-8';
      body = reply.html;
    } else if (reply.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(reply.json);
    }
    res.writeHead(reply.status, headers);
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Sends a notification as the provider does: POST of the exact body bytes; answers our status and body. */
export async function deliver(url: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: res.status, body: await res.text() };
}

export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The simulated payment page: one button that pays and goes back to the shop. */
export function payPage(title: string, amountGrosze: number, action: string): string {
  const amount = (amountGrosze / 100).toFixed(2).replace('.', ',');
  return `<!doctype html><html lang="pl"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><main><h1>${escapeHtml(title)}</h1><p>Kwota: ${amount} zł</p><form method="post" action="${escapeHtml(action)}"><button type="submit">Zapłać</button></form></main></body></html>`;
}
