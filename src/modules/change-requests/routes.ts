/**
 * Data-change requests over HTTP: the portal user's requests for one of
 * their customers, and the staff queue where customer service approves or
 * rejects them (the auditor reads). Thin: the work is in service.ts.
 */
import { assertOwnCustomer } from '../../http/access.ts';
import { inTenant, userOf, utilityOf, type App, type AppDeps } from '../../http/context.ts';
import { badRequest } from '../../lib/errors.ts';
import { recordAudit } from '../identity/audit.ts';
import { portalUrl } from '../identity/request.ts';
import { ChangeRequest, ChangeRequestList, CustomerParams, NewRequestBody, RejectBody, RequestParams, StaffQueue, StaffQueueQuery } from './schema.ts';
import { approveRequest, attachmentOf, createRequest, customerRequests, rejectRequest, staffQueue } from './service.ts';

const READ = 'staff:admin,customer_service,billing,auditor' as const;
const DECIDE = 'staff:admin,customer_service' as const;
/** Room for a 5 MB attachment as base64 (a third more) and the fields. */
const BODY_LIMIT = 8 * 1024 * 1024;
const tags = ['change requests'];

export async function routes(app: App, deps: AppDeps) {
  app.get(
    '/api/portal/customers/:customerId/change-requests',
    { config: { access: 'customer' }, schema: { tags, summary: "The customer's data-change requests with their status", params: CustomerParams, response: { 200: ChangeRequestList } } },
    async (req) => {
      const customerId = Number(req.params.customerId);
      assertOwnCustomer(userOf(req), customerId);
      return inTenant(app, req, (tx) => customerRequests(tx, customerId));
    },
  );

  app.post(
    '/api/portal/customers/:customerId/change-requests',
    {
      bodyLimit: BODY_LIMIT,
      config: { access: 'customer' },
      schema: { tags, summary: 'Ask for a change of customer data (optional document: PDF, JPEG or PNG up to 5 MB)', params: CustomerParams, body: NewRequestBody, response: { 201: ChangeRequest } },
    },
    async (req, reply) => {
      const customerId = Number(req.params.customerId);
      const user = userOf(req);
      assertOwnCustomer(user, customerId);
      const r = await inTenant(app, req, (tx) => createRequest(tx, user, customerId, req.body, req.ip));
      return reply.status(201).send(r);
    },
  );

  app.get(
    '/api/staff/change-requests',
    { config: { access: READ }, schema: { tags, summary: 'The queue of data-change requests (pending first)', querystring: StaffQueueQuery, response: { 200: StaffQueue } } },
    async (req) => {
      const q = req.query;
      const limit = Number(q.limit ?? 50);
      if (limit > 100) throw badRequest('request.limit', 'Limit musi być liczbą od 1 do 100.', 'The limit must be from 1 to 100.');
      const user = userOf(req);
      return inTenant(app, req, async (tx) => {
        const result = await staffQueue(tx, { status: q.status, customerId: q.customerId ? Number(q.customerId) : undefined, limit, offset: Number(q.offset ?? 0) });
        await recordAudit(tx, { utilityId: user.utilityId, actorId: user.id, actorKind: 'staff', action: 'change_request.list', entity: 'data_change_request', ip: req.ip, data: { shown: result.items.map((i) => i.id) } });
        return result;
      });
    },
  );

  app.get(
    '/api/staff/change-requests/:requestId/attachment',
    { config: { access: READ }, schema: { tags, summary: "The document attached to a request (PDF, JPEG or PNG)", params: RequestParams, produces: ['application/pdf', 'image/jpeg', 'image/png'] } },
    async (req, reply) => {
      const user = userOf(req);
      const requestId = Number(req.params.requestId);
      const file = await inTenant(app, req, async (tx) => {
        const f = await attachmentOf(tx, requestId);
        await recordAudit(tx, { utilityId: user.utilityId, actorId: user.id, actorKind: 'staff', action: 'change_request.attachment_viewed', entity: 'data_change_request', entityId: requestId, customerId: f.customerId, ip: req.ip });
        return f;
      });
      return reply
        .type(file.contentType)
        .header('content-disposition', `attachment; filename="${encodeURIComponent(file.name)}"`)
        .header('cache-control', 'no-store')
        .send(file.data);
    },
  );

  app.post(
    '/api/staff/change-requests/:requestId/approve',
    { config: { access: DECIDE }, schema: { tags, summary: "Approve a request: the change is applied to the customer's data and audited; the customer is e-mailed", params: RequestParams, response: { 200: ChangeRequest } } },
    async (req) => {
      const utility = utilityOf(req);
      return inTenant(app, req, (tx) => approveRequest(tx, userOf(req), utility, Number(req.params.requestId), req.ip, portalUrl(deps.config, req)));
    },
  );

  app.post(
    '/api/staff/change-requests/:requestId/reject',
    { config: { access: DECIDE }, schema: { tags, summary: 'Reject a request with a reason; the customer is e-mailed', params: RequestParams, body: RejectBody, response: { 200: ChangeRequest } } },
    async (req) => {
      const utility = utilityOf(req);
      return inTenant(app, req, (tx) => rejectRequest(tx, userOf(req), utility, Number(req.params.requestId), req.body.reason, req.ip, portalUrl(deps.config, req)));
    },
  );
}
