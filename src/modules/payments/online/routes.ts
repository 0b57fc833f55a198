/**
 * Online payment over HTTP, thin: the portal's options, start and status;
 * the providers' notification endpoints; the admin's configuration and the
 * notification log. The work is in orders.ts, notify.ts and settings.ts.
 */
import type { FastifyRequest } from 'fastify';
import { inTenant, userOf, utilityOf, type App, type AppDeps } from '../../../http/context.ts';
import { badRequest, notFound } from '../../../lib/errors.ts';
import { secretBox, serverKey, type SecretBox } from '../../../lib/secret-box.ts';
import { recordAudit } from '../../identity/audit.ts';
import { handleNotification } from './notify.ts';
import { dueInvoices, findOrderStatus, startPayment } from './orders.ts';
import type { ProviderId } from './provider.ts';
import * as S from './schema.ts';
import { findProvider, getConfigView, onlinePaymentOff, saveConfig } from './settings.ts';

const tags = ['online payments'];
/** The notification body we read (P24 and PayU send a few hundred bytes). */
const NOTIFY_BODY_LIMIT = 64 * 1024;

/** The tenant prefix of the request (/t/<slug>) when it came with one, else ''. */
const prefixOf = (req: FastifyRequest) => {
  const slug = (req.raw as { wodnikSlug?: string }).wodnikSlug;
  return slug ? `/t/${slug}` : '';
};

export async function routes(app: App, deps: AppDeps) {
  const production = deps.config.env === 'production';
  let box: SecretBox | undefined;
  const sealer = () => (box ??= secretBox(serverKey(deps.config)));

  // --- the portal ---
  app.get(
    '/api/portal/customers/:customerId/online-payments',
    { config: { access: 'customer' }, schema: { tags, summary: 'Whether online payment is on, and the due invoices it can pay', params: S.CustomerParams, response: { 200: S.Options } } },
    async (req) => {
      const customerId = Number(req.params.customerId);
      return inTenant(app, req, async (tx) => {
        const provider = await findProvider(tx, sealer(), production);
        const due = await dueInvoices(tx, customerId);
        return { enabled: provider !== null, provider: provider?.id ?? null, dueInvoices: due, totalDueGrosze: due.reduce((s, d) => s + d.openGrosze, 0) };
      });
    },
  );

  app.post(
    '/api/portal/customers/:customerId/online-payments',
    {
      config: { access: 'customer' },
      schema: {
        tags,
        summary: "Start an online payment of one, several or all due invoices (the amount is the invoices' open amount, computed here); answers the provider's page",
        params: S.CustomerParams,
        body: S.StartBody,
        response: { 200: S.Started },
      },
    },
    async (req) => {
      const customerId = Number(req.params.customerId);
      const user = userOf(req);
      const utility = utilityOf(req);
      const origin = `${req.protocol}://${req.host}${prefixOf(req)}`;
      const provider = await inTenant(app, req, (tx) => findProvider(tx, sealer(), production));
      if (!provider) throw onlinePaymentOff();
      return startPayment((fn) => inTenant(app, req, fn), provider, {
        utilityId: utility.id,
        customerId,
        invoiceIds: req.body.invoiceIds,
        method: req.body.method ?? 'any',
        userId: user.id,
        email: user.email,
        customerIp: req.ip,
        returnUrl: (sessionId) => `${origin}/portal/payments/return?session=${encodeURIComponent(sessionId)}`,
        // The provider calls the shared public address, which serves every utility under /t/<slug>.
        notifyUrl: `${deps.config.publicUrl}/t/${utility.slug}/api/payments/online/${provider.id}/notify`,
      });
    },
  );

  app.get(
    '/api/portal/online-payments/status',
    {
      config: { access: 'customer' },
      schema: { tags, summary: 'The status of an online payment (the return page)', querystring: S.StatusQuery, response: { 200: S.OrderStatus } },
    },
    async (req) => {
      const user = userOf(req);
      const status = await inTenant(app, req, (tx) => findOrderStatus(tx, req.query.session));
      // Another customer's payment is "not found": session ids reveal nothing.
      if (!status || !user.customerIds.includes(status.customerId)) throw notFound('online_payment.not_found', 'Nie znaleziono płatności.', 'Payment not found.');
      return status;
    },
  );

  // --- the providers' notifications: raw bodies (PayU signs the bytes) ---
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: NOTIFY_BODY_LIMIT }, (_req, body, done) => done(null, body));
    for (const provider of ['p24', 'payu'] as ProviderId[]) {
      scope.post(
        `/api/payments/online/${provider}/notify`,
        {
          // No session and no CSRF cookie: the provider authenticates the notification by its signature.
          config: { access: 'public', csrfExempt: true },
          schema: { tags, summary: `${provider === 'p24' ? 'Przelewy24' : 'PayU'} notification (signed by the provider)`, response: { 200: S.NotifyAnswer } },
        },
        async (req) => {
          const rawBody = typeof req.body === 'string' ? req.body : '';
          if (!rawBody) throw badRequest('online_payment.notification_unreadable', 'Puste powiadomienie.', 'An empty notification.');
          const outcome = await handleNotification({ db: deps.database.db, box: sealer(), utilityId: utilityOf(req).id, production, provider, rawBody, headers: req.headers });
          return { status: outcome };
        },
      );
    }
  });

  // --- staff: configuration (admin) and the notification log ---
  app.get(
    '/api/staff/online-payments/config',
    { config: { access: 'staff:admin' }, schema: { tags, summary: "The utility's payment provider (secrets never shown)", response: { 200: S.ConfigView } } },
    async (req) => inTenant(app, req, async (tx) => ({ ...(await getConfigView(tx, sealer())), simulatorAllowed: !production })),
  );

  app.put(
    '/api/staff/online-payments/config',
    { config: { access: 'staff:admin' }, schema: { tags, summary: "Set the utility's payment provider, or 'off'", body: S.ConfigBody, response: { 200: S.ConfigView } } },
    async (req) => {
      const user = userOf(req);
      const utilityId = utilityOf(req).id;
      return inTenant(app, req, async (tx) => {
        await saveConfig(tx, sealer(), utilityId, req.body, user.id, production);
        await recordAudit(tx, { utilityId, actorId: user.id, actorKind: 'staff', action: 'online_payment.config', entity: 'online_payment_config', entityId: utilityId, data: { provider: req.body.provider, environment: req.body.environment }, ip: req.ip });
        return { ...(await getConfigView(tx, sealer())), simulatorAllowed: !production };
      });
    },
  );

  app.get(
    '/api/staff/online-payments/notifications',
    { config: { access: 'staff:admin,billing,auditor' }, schema: { tags, summary: 'The last 200 provider notifications, accepted or refused with the reason', response: { 200: S.NotificationLog } } },
    async (req) =>
      inTenant(app, req, async (tx) => {
        const rows = await tx.selectFrom('online_payment_notifications').selectAll().orderBy('received_at', 'desc').orderBy('id', 'desc').limit(200).execute();
        return {
          items: rows.map((r) => ({
            id: r.id,
            provider: r.provider,
            receivedAt: new Date(r.received_at as unknown as string).toISOString(),
            sessionId: r.session_id,
            providerOrderId: r.provider_order_id,
            accepted: r.accepted,
            code: r.code,
            reason: r.reason,
          })),
        };
      }),
  );
}
