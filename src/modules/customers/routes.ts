/**
 * Portal and staff read side: the customer's overview, the staff dashboard
 * counts, customer search and one customer's file. Staff reading customers'
 * personal data is written to the audit log (GDPR: the controller must be
 * able to say who saw what); meter readers do not need it and are refused.
 */
import { Type } from 'typebox';
import { inTenant, userOf, utilityOf, type App, type AppDeps } from '../../http/context.ts';
import { recordAudit } from '../identity/audit.ts';
import { CustomerList, CustomerListQuery, Id, PortalOverview, StaffCustomer, StaffOverview } from './schema.ts';
import { customerFile, portalOverview, searchCustomers, staffOverview } from './service.ts';

const CUSTOMER_DATA_ROLES = 'staff:admin,customer_service,billing,auditor' as const;

export async function routes(app: App, _deps: AppDeps) {
  app.get(
    '/api/portal/overview',
    {
      config: { access: 'customer' },
      schema: { tags: ['portal'], summary: "The portal user's customers with contracts, premises, meters and last readings", response: { 200: PortalOverview } },
    },
    async (req) => {
      const utilityId = utilityOf(req).id;
      const { customerIds } = userOf(req);
      const cached = app.caches.overview.get(utilityId, customerIds);
      if (cached) return cached;
      const generation = app.caches.overview.generation(utilityId);
      const overview = await inTenant(app, req, (tx) => portalOverview(tx, utilityId, customerIds));
      app.caches.overview.set(utilityId, customerIds, overview, generation);
      return overview;
    },
  );

  app.get(
    '/api/staff/overview',
    {
      config: { access: 'staff' },
      schema: { tags: ['staff'], summary: 'Counts for the staff dashboard', response: { 200: StaffOverview } },
    },
    async (req) => inTenant(app, req, (tx) => staffOverview(tx, utilityOf(req).id)),
  );

  app.get(
    '/api/staff/customers',
    {
      config: { access: CUSTOMER_DATA_ROLES },
      schema: {
        tags: ['staff'],
        summary: 'Search customers by name, number, e-mail, NIP/PESEL or street',
        querystring: CustomerListQuery,
        response: { 200: CustomerList },
      },
    },
    async (req) => {
      const query = req.query as { q?: string; limit?: string; offset?: string };
      const user = userOf(req);
      const utilityId = utilityOf(req).id;
      return inTenant(app, req, async (tx) => {
        const result = await searchCustomers(tx, utilityId, { q: query.q, limit: Number(query.limit ?? 20), offset: Number(query.offset ?? 0) });
        await recordAudit(tx, {
          utilityId,
          actorId: user.id,
          actorKind: 'staff',
          action: 'customer.search',
          entity: 'customer',
          ip: req.ip,
          data: { q: query.q ?? '', offset: Number(query.offset ?? 0), shown: result.items.map((i) => i.id) },
        });
        return result;
      });
    },
  );

  app.get(
    '/api/staff/customers/:customerId',
    {
      config: { access: CUSTOMER_DATA_ROLES },
      schema: {
        tags: ['staff'],
        summary: "One customer's file: contact data, contracts, premises, meters and last readings",
        params: Type.Object({ customerId: Id }, { additionalProperties: false }),
        response: { 200: StaffCustomer },
      },
    },
    async (req) => {
      const customerId = Number((req.params as { customerId: string }).customerId);
      const user = userOf(req);
      const utilityId = utilityOf(req).id;
      return inTenant(app, req, async (tx) => {
        const file = await customerFile(tx, utilityId, customerId);
        await recordAudit(tx, { utilityId, actorId: user.id, actorKind: 'staff', action: 'customer.view', entity: 'customer', entityId: customerId, customerId, ip: req.ip });
        return file;
      });
    },
  );
}
