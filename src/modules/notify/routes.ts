/**
 * The developer's view of the outbox: without SMTP_URL nothing leaves the
 * machine, and the messages (with their verification and reset links) are
 * read here. Not served in production, and only to callers on this machine
 * (a loopback address, not through a proxy): anyone else gets 404, as if the
 * page did not exist, even when HOST opens the server to the network.
 */
import { Type } from 'typebox';
import type { FastifyRequest } from 'fastify';
import { inTenant, utilityOf, type App, type AppDeps } from '../../http/context.ts';
import { fromThisMachine } from '../../http/loopback.ts';
import { notFound } from '../../lib/errors.ts';
import { escapeHtml } from './templates.ts';

const LINK = /https?:\/\/[^\s<>"')]+/g;

const OutboxItem = Type.Object({
  id: Type.Integer(),
  to: Type.String(),
  subject: Type.String(),
  template: Type.String(),
  status: Type.String(),
  attempts: Type.Integer(),
  lastError: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  sentAt: Type.Union([Type.String(), Type.Null()]),
  text: Type.String(),
  links: Type.Array(Type.String()),
});
const OutboxList = Type.Object({ items: Type.Array(OutboxItem) });
const OutboxQuery = Type.Object({ limit: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,2}$' })) }, { additionalProperties: false });

export async function routes(app: App, deps: AppDeps) {
  const { config } = deps;
  // Checked before anything else of the route (even its query's schema), so a refused caller learns nothing.
  const onRequest = async (req: FastifyRequest) => {
    if (config.env === 'production' || !fromThisMachine(req)) throw notFound('route.not_found', 'Nie ma takiej strony.', 'No such page.');
  };
  const newest = (req: FastifyRequest, limit: number) =>
    inTenant(app, req, async (tx) => {
      const rows = await tx.selectFrom('email_outbox').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
      return rows.map((r) => ({
        id: r.id,
        to: r.to_address,
        subject: r.subject,
        template: r.template,
        status: r.status,
        attempts: r.attempts,
        lastError: r.last_error,
        createdAt: new Date(r.created_at).toISOString(),
        sentAt: r.sent_at ? new Date(r.sent_at).toISOString() : null,
        text: r.text_body,
        links: r.text_body.match(LINK) ?? [],
      }));
    });

  app.get(
    '/api/dev/outbox',
    {
      onRequest,
      config: { access: 'public' },
      schema: { tags: ['development'], summary: 'Newest e-mails in the outbox (not in production)', querystring: OutboxQuery, response: { 200: OutboxList } },
    },
    async (req) => {
      return { items: await newest(req, Math.min(200, Number(req.query.limit ?? 50))) };
    },
  );

  app.get('/dev/outbox', { onRequest, config: { access: 'public' }, schema: { hide: true } }, async (req, reply) => {
    const items = await newest(req, 50);
    const u = utilityOf(req);
    const linkify = (text: string) => {
      let out = '';
      let last = 0;
      for (const m of text.matchAll(LINK)) {
        out += escapeHtml(text.slice(last, m.index)) + `<a href="${escapeHtml(m[0])}">${escapeHtml(m[0])}</a>`;
        last = m.index! + m[0].length;
      }
      return out + escapeHtml(text.slice(last));
    };
    const body = items.length
      ? items
          .map(
            (m) => `<article>
<h2>${escapeHtml(m.subject)}</h2>
<p class="meta">Do: <strong>${escapeHtml(m.to)}</strong> · ${escapeHtml(m.createdAt)} · szablon ${escapeHtml(m.template)} · status <strong>${escapeHtml(m.status)}</strong>${m.lastError ? ` · błąd: ${escapeHtml(m.lastError)}` : ''}</p>
<pre>${linkify(m.text)}</pre>
</article>`,
          )
          .join('\n')
      : '<p>Skrzynka nadawcza jest pusta.</p>';
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-store');
    return `<!doctype html>
<html lang="pl"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Skrzynka nadawcza (deweloperska): ${escapeHtml(u.short_name)}</title>
<style>body{font-family:sans-serif;max-width:60rem;margin:1rem auto;padding:0 1rem;line-height:1.4}article{border:1px solid #888;border-radius:6px;padding:.5rem 1rem;margin:1rem 0}pre{white-space:pre-wrap;word-break:break-word;font-family:inherit}.meta{color:#333;font-size:.9em}a{color:#0645ad}</style>
</head><body><main>
<h1>Skrzynka nadawcza: ${escapeHtml(u.name)}</h1>
<p>Strona dla programistów: bez SMTP_URL wiadomości nie są wysyłane, tylko zapisywane tutaj (najnowsze 50).</p>
${body}
</main></body></html>`;
  });
}
