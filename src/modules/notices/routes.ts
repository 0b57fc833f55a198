/**
 * Notice routes: staff (customer service, admin) write, preview, publish and
 * end notices; every staff member reads them; the portal shows a customer's
 * own; anyone reads the current ones on the public page.
 */
import { Type } from 'typebox';
import { inTenant, userOf, utilityOf, type App, type AppDeps } from '../../http/context.ts';
import { recordAudit } from '../identity/audit.ts';
import { portalUrl } from '../identity/request.ts';
import * as S from './schema.ts';
import { affectedBy, checkArea, createNotice, endNotice, portalNotices, publicNotices, publishNotice, staffNotice, staffNotices, summarize, type NoticeInput } from './service.ts';

const WRITERS = 'staff:customer_service' as const;
const tags = ['notices'];
const IdParams = Type.Object({ noticeId: S.Id }, { additionalProperties: false });
const idOf = (req: { params: unknown }) => Number((req.params as { noticeId: string }).noticeId);

export async function routes(app: App, deps: AppDeps) {
  app.get(
    '/api/notices',
    { config: { access: 'public' }, schema: { tags, summary: 'Current and planned notices (optionally for one locality and street)', querystring: S.PublicQuery, response: { 200: S.PublicNoticeList } } },
    async (req) => inTenant(app, req, (tx) => publicNotices(tx, req.query as { locality?: string; street?: string })),
  );

  app.get(
    '/api/portal/notices',
    { config: { access: 'customer' }, schema: { tags, summary: "Notices for the portal user's service points first, then the general ones", response: { 200: S.PortalNoticeList } } },
    async (req) => inTenant(app, req, (tx) => portalNotices(tx, userOf(req).customerIds)),
  );

  app.get(
    '/api/staff/notices',
    { config: { access: 'staff' }, schema: { tags, summary: 'Notices, newest first (drafts too)', response: { 200: S.StaffNoticeList } } },
    async (req) => inTenant(app, req, (tx) => staffNotices(tx)),
  );

  app.post(
    '/api/staff/notices/preview',
    { config: { access: WRITERS }, schema: { tags, summary: 'The service points and customers an area takes (nothing is saved)', body: S.AreaBody, response: { 200: S.Affected } } },
    async (req) =>
      inTenant(app, req, async (tx) => {
        const areas = (req.body as { areas: NoticeInput['areas'] }).areas;
        checkArea(areas);
        return summarize(await affectedBy(tx, areas));
      }),
  );

  app.post(
    '/api/staff/notices',
    { config: { access: WRITERS }, schema: { tags, summary: 'Save a notice as a draft (area and time window)', body: S.NoticeBody, response: { 201: S.Created } } },
    async (req, reply) => {
      const user = userOf(req);
      const utilityId = utilityOf(req).id;
      const id = await inTenant(app, req, async (tx) => {
        const id = await createNotice(tx, utilityId, user.id, req.body as NoticeInput);
        await recordAudit(tx, { utilityId, actorId: user.id, actorKind: 'staff', action: 'notice.create', entity: 'notice', entityId: id, ip: req.ip });
        return id;
      });
      return reply.status(201).send({ id });
    },
  );

  app.get(
    '/api/staff/notices/:noticeId',
    { config: { access: 'staff:customer_service,billing,auditor' }, schema: { tags, summary: 'One notice with the service points and customers it concerns', params: IdParams, response: { 200: S.StaffNotice } } },
    async (req) => inTenant(app, req, (tx) => staffNotice(tx, idOf(req))),
  );

  app.post(
    '/api/staff/notices/:noticeId/publish',
    { config: { access: WRITERS }, schema: { tags, summary: 'Publish a notice and e-mail the affected customers', params: IdParams, response: { 200: S.Published } } },
    async (req) => {
      const user = userOf(req);
      const utility = utilityOf(req);
      const id = idOf(req);
      return inTenant(app, req, async (tx) => {
        const r = await publishNotice(tx, utility.id, user.id, id, { utilityName: utility.name, portalUrl: portalUrl(deps.config, req) });
        await recordAudit(tx, { utilityId: utility.id, actorId: user.id, actorKind: 'staff', action: 'notice.publish', entity: 'notice', entityId: id, ip: req.ip, data: r });
        return r;
      });
    },
  );

  app.post(
    '/api/staff/notices/:noticeId/end',
    { config: { access: WRITERS }, schema: { tags, summary: 'End a published notice now', params: IdParams } },
    async (req, reply) => {
      const user = userOf(req);
      const utilityId = utilityOf(req).id;
      const id = idOf(req);
      await inTenant(app, req, async (tx) => {
        await endNotice(tx, id);
        await recordAudit(tx, { utilityId, actorId: user.id, actorKind: 'staff', action: 'notice.end', entity: 'notice', entityId: id, ip: req.ip });
      });
      return reply.status(204).send();
    },
  );
}
