/**
 * Customer data and portal accounts over HTTP: the customer's "Dane
 * kontrahenta", the GDPR download (JSON and PDF), closing one's own account,
 * and the staff's portal-user actions in the customer view. Thin: the work is
 * in service.ts and pdf.ts.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { assertOwnCustomer } from '../../http/access.ts';
import { inTenant, userOf, utilityOf, type App, type AppDeps } from '../../http/context.ts';
import { recordAudit } from '../identity/audit.ts';
import { clearSessionCookie, portalUrl } from '../identity/request.ts';
import { renderPersonalData } from './pdf.ts';
import { AccountData, CloseBody, CustomerParams, PortalUserParams, StaffAccount, Status } from './schema.ts';
import { accountData, closeAccount, personalData, setLocked, staffAccountView, staffPasswordReset } from './service.ts';

const READ = 'staff:admin,customer_service,billing,auditor' as const;
const ACT = 'staff:admin,customer_service' as const;

export async function routes(app: App, deps: AppDeps) {
  app.get(
    '/api/portal/customers/:customerId/account',
    { config: { access: 'customer' }, schema: { tags: ['portal'], summary: 'Everything held about one of the portal user\'s customers (Dane kontrahenta)', params: CustomerParams, response: { 200: AccountData } } },
    async (req) => {
      const customerId = Number(req.params.customerId);
      assertOwnCustomer(userOf(req), customerId);
      return inTenant(app, req, (tx) => accountData(tx, customerId));
    },
  );

  /** The GDPR download; `format` chooses the file. */
  const download = (format: 'json' | 'pdf') => async (req: FastifyRequest, reply: FastifyReply) => {
    const user = userOf(req);
    const utility = utilityOf(req);
    const data = await inTenant(app, req, async (tx) => {
      const d = await personalData(tx, user, utility);
      await recordAudit(tx, { utilityId: utility.id, actorId: user.id, actorKind: 'customer', action: 'user.personal_data_downloaded', entity: 'user', entityId: user.id, ip: req.ip, data: { format } });
      return d;
    });
    const day = data.generatedAt.slice(0, 10);
    reply.header('cache-control', 'no-store');
    if (format === 'json') {
      return reply.type('application/json; charset=utf-8').header('content-disposition', `attachment; filename="dane-osobowe-${day}.json"`).send(JSON.stringify(data, null, 2));
    }
    const pdf = await renderPersonalData(data);
    return reply.type('application/pdf').header('content-disposition', `attachment; filename="dane-osobowe-${day}.pdf"`).send(pdf);
  };

  app.get(
    '/api/portal/personal-data',
    { config: { access: 'customer' }, schema: { tags: ['portal'], summary: 'All personal data held about the portal user and their customers, as a JSON file (GDPR)', produces: ['application/json'] } },
    download('json'),
  );

  app.get(
    '/api/portal/personal-data/pdf',
    { config: { access: 'customer' }, schema: { tags: ['portal'], summary: 'The same personal data as a readable PDF (GDPR)', produces: ['application/pdf'] } },
    download('pdf'),
  );

  app.post(
    '/api/portal/account/close',
    { config: { access: 'customer' }, schema: { tags: ['portal'], summary: 'Close the own portal account (confirmed by the password); signs out everywhere', body: CloseBody, response: { 200: Status } } },
    async (req, reply) => {
      const user = userOf(req);
      await inTenant(app, req, (tx) => closeAccount(tx, user, req.body.password, req.ip));
      clearSessionCookie(reply);
      return { status: 'closed' };
    },
  );

  app.get(
    '/api/staff/customers/:customerId/account',
    { config: { access: READ }, schema: { tags: ['staff'], summary: "A customer's portal users, terms acceptances and e-invoice consents", params: CustomerParams, response: { 200: StaffAccount } } },
    async (req) => {
      const customerId = Number(req.params.customerId);
      const user = userOf(req);
      return inTenant(app, req, async (tx) => {
        const v = await staffAccountView(tx, customerId);
        await recordAudit(tx, { utilityId: user.utilityId, actorId: user.id, actorKind: 'staff', action: 'customer.accounts_viewed', entity: 'customer', entityId: customerId, customerId, ip: req.ip });
        return v;
      });
    },
  );

  app.post(
    '/api/staff/customers/:customerId/portal-users/:userId/password-reset',
    { config: { access: ACT }, schema: { tags: ['staff'], summary: 'E-mail a portal user a password-reset link (valid 1 hour)', params: PortalUserParams, response: { 200: Status } } },
    async (req) => {
      const utility = utilityOf(req);
      await inTenant(app, req, (tx) => staffPasswordReset(tx, userOf(req), utility, Number(req.params.customerId), Number(req.params.userId), portalUrl(deps.config, req), req.ip));
      return { status: 'sent' };
    },
  );

  for (const action of ['lock', 'unlock'] as const) {
    app.post(
      `/api/staff/customers/:customerId/portal-users/:userId/${action}`,
      {
        config: { access: ACT },
        schema: { tags: ['staff'], summary: action === 'lock' ? 'Lock a portal user (sessions end at once)' : 'Unlock a portal user (also reopens a closed account)', params: PortalUserParams, response: { 200: Status } },
      },
      async (req) => {
        await inTenant(app, req, (tx) => setLocked(tx, userOf(req), Number(req.params.customerId), Number(req.params.userId), action === 'lock', req.ip));
        return { status: action === 'lock' ? 'locked' : 'unlocked' };
      },
    );
  }
}
