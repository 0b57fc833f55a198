/** Staff routes of identity: staff users, portal users of a customer, activation letters. */
import type { App, AppDeps } from '../../http/context.ts';
import { inTenant, userOf, utilityOf } from '../../http/context.ts';
import { activationLetter } from './letter.ts';
import { mailing, portalUrl, requestInfo } from './request.ts';
import { Created, CustomerParams, LetterBody, PortalUserBody, PortalUserCreated, StaffUserBody, StaffUserChange, StaffUsers, Status, UserParams } from './schema.ts';
import { addPortalUser, addStaffUser, resetStaffTotp, updateStaffUser } from './staff.ts';
import { listStaffUsers } from './users.ts';

const tags = ['staff users'];

export async function staffRoutes(app: App, deps: AppDeps) {
  const { config } = deps;

  app.get(
    '/api/staff/users',
    { config: { access: 'staff:admin' }, schema: { tags, summary: 'Staff users and their roles', response: { 200: StaffUsers } } },
    async (req) => ({ items: await inTenant(app, req, (tx) => listStaffUsers(tx)) }),
  );

  app.post(
    '/api/staff/users',
    {
      config: { access: 'staff:admin' },
      schema: { tags, summary: 'Create a staff user (must change the password at the first sign-in)', body: StaffUserBody, response: { 201: Created } },
    },
    async (req, reply) => {
      const actor = userOf(req);
      const u = await inTenant(app, req, (tx) => addStaffUser(tx, requestInfo(req), actor, req.body, mailing(config, req)));
      return reply.status(201).send(u);
    },
  );

  app.patch(
    '/api/staff/users/:userId',
    {
      config: { access: 'staff:admin' },
      schema: { tags, summary: "Change a staff user's roles or name, or disable the account (ends its sessions)", params: UserParams, body: StaffUserChange, response: { 200: Status } },
    },
    async (req) => {
      const actor = userOf(req);
      await inTenant(app, req, (tx) => updateStaffUser(tx, requestInfo(req), actor, Number(req.params.userId), req.body));
      return { status: 'updated' };
    },
  );

  app.post(
    '/api/staff/users/:userId/totp-reset',
    {
      config: { access: 'staff:admin' },
      schema: { tags, summary: "Switch off a staff user's two-factor sign-in (lost phone); ends their sessions", params: UserParams, response: { 200: Status } },
    },
    async (req) => {
      const actor = userOf(req);
      await inTenant(app, req, (tx) => resetStaffTotp(tx, requestInfo(req), actor, Number(req.params.userId)));
      return { status: 'reset' };
    },
  );

  app.post(
    '/api/staff/customers/:customerId/portal-users',
    {
      config: { access: 'staff:admin,customer_service' },
      schema: {
        tags,
        summary: 'Give a customer one more portal user: link an existing portal account or create one with a first password',
        params: CustomerParams,
        body: PortalUserBody,
        response: { 201: PortalUserCreated },
      },
    },
    async (req, reply) => {
      const actor = userOf(req);
      const r = await inTenant(app, req, (tx) => addPortalUser(tx, requestInfo(req), actor, Number(req.params.customerId), req.body, mailing(config, req)));
      return reply.status(201).send(r);
    },
  );

  app.post(
    '/api/staff/customers/:customerId/activation-letter',
    {
      config: { access: 'staff:admin,customer_service' },
      schema: {
        tags,
        summary: 'Issue a new activation code and return the letter as PDF (the previous code stops working)',
        params: CustomerParams,
        body: LetterBody,
        produces: ['application/pdf'],
      },
    },
    async (req, reply) => {
      const actor = userOf(req);
      const { pdf, customerNumber } = await inTenant(app, req, (tx) =>
        activationLetter(tx, requestInfo(req), actor, utilityOf(req), Number(req.params.customerId), portalUrl(config, req)),
      );
      const file = `kod-aktywacyjny-${customerNumber.replace(/[^A-Za-z0-9_-]+/g, '_')}.pdf`;
      return reply
        .header('content-type', 'application/pdf')
        .header('content-disposition', `attachment; filename="${file}"`)
        .header('cache-control', 'no-store')
        .send(pdf);
    },
  );
}
