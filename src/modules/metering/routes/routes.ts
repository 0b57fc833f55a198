/**
 * HTTP routes of reading routes: the staff's builder, assignments and
 * progress under /api/staff/routes, and the meter reader's phone view under
 * /api/reader/routes. Thin: validate, check access, run the service in the
 * request's transaction.
 */
import { Type } from 'typebox';
import { inTenant, userOf, type App, type AppDeps } from '../../../http/context.ts';
import * as reader from './reader.ts';
import * as s from './schema.ts';
import * as service from './service.ts';

const EDIT = 'staff:admin,meter_reader' as const;
const READER = 'staff:meter_reader' as const;
/** Room for a batch with a few full-size photos (5 MB each, a third more as base64). */
const SUBMIT_BODY_LIMIT = 24 * 1024 * 1024;

export async function routes(app: App, _deps: AppDeps) {
  const tags = ['reading routes'];

  app.get(
    '/api/staff/routes',
    { config: { access: 'staff' }, schema: { tags, summary: 'Reading routes with their current assignment and progress', response: { 200: Type.Object({ items: Type.Array(s.RouteSummary) }) } } },
    async (req) => inTenant(app, req, (tx) => service.listRoutes(tx)),
  );

  app.get(
    '/api/staff/routes/streets',
    { config: { access: 'staff' }, schema: { tags, summary: 'Localities and streets with service points (the route builder)', response: { 200: s.StreetsResponse } } },
    async (req) => inTenant(app, req, (tx) => service.listStreets(tx)),
  );

  app.get(
    '/api/staff/routes/readers',
    { config: { access: 'staff' }, schema: { tags, summary: 'Meter readers a route can be assigned to', response: { 200: s.ReadersResponse } } },
    async (req) => inTenant(app, req, (tx) => service.listReaders(tx)),
  );

  app.post(
    '/api/staff/routes/preview',
    {
      config: { access: EDIT },
      schema: { tags, summary: 'The stops a selection would give, in walking order', body: s.PreviewBody, response: { 200: Type.Object({ stops: Type.Array(s.PreviewStop) }) } },
    },
    async (req) => inTenant(app, req, async (tx) => service.previewView(await service.selectStops(tx, req.body))),
  );

  app.post(
    '/api/staff/routes',
    { config: { access: EDIT }, schema: { tags, summary: 'Create a reading route', body: s.CreateRouteBody, response: { 201: s.RouteDetail } } },
    async (req, reply) => {
      const detail = await inTenant(app, req, async (tx) => {
        const id = await service.createRoute(tx, userOf(req).id, req.body);
        return service.routeDetail(tx, id, {});
      });
      return reply.status(201).send(detail);
    },
  );

  app.get(
    '/api/staff/routes/:routeId',
    {
      config: { access: 'staff' },
      schema: { tags, summary: 'A route with its stops, assignments and progress in a period', params: s.RouteParams, querystring: s.PeriodQuery, response: { 200: s.RouteDetail } },
    },
    async (req) => inTenant(app, req, (tx) => service.routeDetail(tx, Number(req.params.routeId), { from: req.query.periodFrom, to: req.query.periodTo })),
  );

  app.delete(
    '/api/staff/routes/:routeId',
    { config: { access: EDIT }, schema: { tags, summary: 'Delete a route (only while no readings were entered on it)', params: s.RouteParams } },
    async (req, reply) => {
      await inTenant(app, req, (tx) => service.deleteRoute(tx, Number(req.params.routeId)));
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/staff/routes/:routeId/assign',
    {
      config: { access: EDIT },
      schema: { tags, summary: 'Assign a route to a meter reader for a period', params: s.RouteParams, body: s.AssignBody, response: { 201: s.Assignment } },
    },
    async (req, reply) => {
      const a = await inTenant(app, req, (tx) => service.assignRoute(tx, userOf(req).id, Number(req.params.routeId), req.body));
      return reply.status(201).send(a);
    },
  );

  app.delete(
    '/api/staff/routes/:routeId/assignments/:assignmentId',
    { config: { access: EDIT }, schema: { tags, summary: 'Withdraw an assignment (only before readings were entered under it)', params: s.AssignmentParams } },
    async (req, reply) => {
      await inTenant(app, req, (tx) => service.unassignRoute(tx, Number(req.params.routeId), Number(req.params.assignmentId)));
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/staff/readings/:readingId/photo',
    { config: { access: 'staff' }, schema: { tags, summary: "The photo of the register a meter reader attached to a reading (JPEG or PNG)", params: s.ReadingParams } },
    async (req, reply) => {
      const photo = await inTenant(app, req, (tx) => service.readingPhoto(tx, Number(req.params.readingId)));
      return reply
        .type(photo.contentType)
        .header('content-disposition', `inline; filename="${photo.name}"`)
        .header('cache-control', 'private, max-age=3600')
        .send(photo.data);
    },
  );

  app.get(
    '/api/reader/routes',
    { config: { access: READER }, schema: { tags, summary: "The reader's routes assigned for today", response: { 200: Type.Object({ items: Type.Array(s.ReaderRouteSummary) }) } } },
    async (req) => inTenant(app, req, (tx) => reader.readerRoutes(tx, userOf(req))),
  );

  app.get(
    '/api/reader/routes/:routeId',
    { config: { access: READER }, schema: { tags, summary: 'A route to walk: stops in order, meters, last readings, heard flags', params: s.RouteParams, response: { 200: s.ReaderRouteDetail } } },
    async (req) => inTenant(app, req, (tx) => reader.readerRoute(tx, userOf(req), Number(req.params.routeId))),
  );

  app.post(
    '/api/reader/routes/:routeId/readings',
    {
      bodyLimit: SUBMIT_BODY_LIMIT,
      config: { access: READER },
      schema: {
        tags,
        summary: 'Manual readings (with optional photos); re-sending the same client ids adds nothing',
        params: s.RouteParams,
        body: s.SubmitBody,
        response: { 200: s.SubmitResult },
      },
    },
    async (req) => inTenant(app, req, (tx) => reader.submitReadings(tx, userOf(req), Number(req.params.routeId), req.body.readings)),
  );
}
