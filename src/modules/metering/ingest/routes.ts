/**
 * Remote-reading API: walk-by uploads, the quarantine list, gateways and
 * their push endpoint, radio key import, and alarm tasks. Thin: the work is
 * in walkby.ts, fixed.ts, keys.ts, gateways.ts and queries.ts.
 */
import type { FastifyRequest } from 'fastify';
import { inTenant, userOf, utilityOf, type App, type AppDeps } from '../../../http/context.ts';
import { AppError, badRequest } from '../../../lib/errors.ts';
import { secretBox, serverKey } from '../../../lib/secret-box.ts';
import { ingestTelegrams } from './fixed.ts';
import { authenticateGateway, createGateway, listGateways } from './gateways.ts';
import { importKeys } from './keys.ts';
import { reprocessQuarantine } from './reprocess.ts';
import { closeTask, listQuarantine, listTasks, listUploads } from './queries.ts';
import * as S from './schema.ts';
import { CLOCK_SLACK_MS } from './telegram-batch.ts';
import { importWalkby } from './walkby.ts';

/** Walk-by files may be large; they are streamed, never held whole. */
export const MAX_UPLOAD_BYTES = 200 * 1024 * 1024;
const MAX_KEY_FILE_BYTES = 5 * 1024 * 1024;

const page = (q: { limit?: string; offset?: string }, dflt = 50) => ({
  limit: Math.min(Number(q.limit ?? dflt), 500),
  offset: Number(q.offset ?? 0),
});

/**
 * The upload's one file, and `rest`: reads what follows it in the form (to be
 * awaited after the file and before anything is committed), so a second file
 * refuses the upload whole (`request.multipart_too_many_parts`, the files
 * limit) instead of the first being stored and the other dropped unread.
 */
async function fileOf(req: FastifyRequest, maxBytes: number) {
  const parts = req.parts({ limits: { fileSize: maxBytes, files: 1 } })[Symbol.asyncIterator]();
  for (let next = await parts.next(); !next.done; next = await parts.next()) {
    const part = next.value;
    if (part.type !== 'file') continue;
    const rest = async () => {
      for (let after = await parts.next(); !after.done; after = await parts.next()) if (after.value.type === 'file') after.value.file.resume();
    };
    return Object.assign(part, { rest });
  }
  throw badRequest('upload.no_file', 'Nie przesłano pliku.', 'No file was sent.');
}

function tooLarge(maxBytes: number) {
  return new AppError('too_large', 'upload.too_large', {
    pl: `Plik jest większy niż ${Math.round(maxBytes / 1024 / 1024)} MB. Nic nie zapisano.`,
    en: `The file is larger than ${Math.round(maxBytes / 1024 / 1024)} MB. Nothing was saved.`,
  });
}

function timeInFuture(indexes: number[]) {
  return badRequest(
    'gateways.time_in_future',
    'Czas odbioru telegramu jest o ponad dobę późniejszy niż czas serwera (prosimy sprawdzić zegar bramki). Nic z tej partii nie zapisano.',
    "A telegram's receive time is more than a day ahead of the server's (check the gateway's clock). Nothing of this batch was stored.",
    { indexes: indexes.slice(0, 100) },
  );
}

/**
 * The part's stream, ending in an error (not silently cut) when the size limit was hit, or when the
 * form goes on with another file (`rest`): the import reads this to its end before it commits.
 */
async function* checked(stream: NodeJS.ReadableStream & { truncated?: boolean }, maxBytes: number, rest: () => Promise<void>): AsyncGenerator<Buffer> {
  for await (const c of stream) yield c as Buffer;
  if (stream.truncated) throw tooLarge(maxBytes);
  await rest();
}

export async function routes(app: App, deps: AppDeps) {
  const box = () => secretBox(serverKey(deps.config));

  app.post(
    '/api/staff/walkby-uploads',
    {
      config: { access: 'staff:admin,meter_reader' },
      schema: { tags: ['remote reading'], summary: 'Upload a walk-by file (hex, rtl_wmbus or wmbusmeters log; .gz too)', response: { 200: S.UploadResult } },
    },
    async (req) => {
      const part = await fileOf(req, MAX_UPLOAD_BYTES);
      try {
        return await importWalkby(checked(part.file, MAX_UPLOAD_BYTES, part.rest), {
          database: deps.database,
          config: deps.config,
          utilityId: utilityOf(req).id,
          userId: userOf(req).id,
          fileName: part.filename || 'upload',
          sourceName: 'upload',
        });
      } finally {
        // Whatever was not read (a refused file) is discarded so the answer can be sent.
        part.file.resume();
      }
    },
  );

  app.get(
    '/api/staff/walkby-uploads',
    {
      config: { access: 'staff' },
      schema: { tags: ['remote reading'], summary: 'Walk-by uploads, newest first', querystring: S.PagingQuery, response: { 200: S.UploadList } },
    },
    async (req) => {
      const { limit, offset } = page(req.query as { limit?: string; offset?: string });
      return inTenant(app, req, (tx) => listUploads(tx, limit, offset));
    },
  );

  app.get(
    '/api/staff/quarantine',
    { config: { access: 'staff' }, schema: { tags: ['remote reading'], summary: 'Telegrams that did not become readings, with the reason', querystring: S.QuarantineQuery, response: { 200: S.QuarantineList } } },
    async (req) => {
      const q = req.query as { reason?: string; limit?: string; offset?: string };
      const { limit, offset } = page(q);
      return inTenant(app, req, (tx) => listQuarantine(tx, q.reason, limit, offset));
    },
  );

  app.post(
    '/api/staff/radio-keys',
    {
      config: { access: 'staff:admin' },
      schema: { tags: ['remote reading'], summary: "Import a manufacturer's key file (CSV radio_id,key[,manufacturer[,meter_serial]])", response: { 200: S.KeysResult } },
    },
    async (req) => {
      const part = await fileOf(req, MAX_KEY_FILE_BYTES);
      const buf = await part.toBuffer().catch((err: { code?: string }) => {
        throw err.code === 'FST_REQ_FILE_TOO_LARGE' ? tooLarge(MAX_KEY_FILE_BYTES) : err;
      });
      await part.rest();
      const utilityId = utilityOf(req).id;
      const { radioIds, ...imported } = await inTenant(app, req, (tx) => importKeys(tx, utilityId, box(), buf.toString('utf8')));
      // The keys are stored; telegrams that waited for them are read again (a failure here leaves them waiting, keys kept).
      return { ...imported, reprocessed: await reprocessQuarantine(deps.database, box(), utilityId, radioIds) };
    },
  );

  app.get(
    '/api/staff/gateways',
    { config: { access: 'staff:admin' }, schema: { tags: ['remote reading'], summary: 'Fixed-network gateways', response: { 200: S.GatewayList } } },
    async (req) => inTenant(app, req, async (tx) => ({ items: await listGateways(tx) })),
  );

  app.post(
    '/api/staff/gateways',
    {
      config: { access: 'staff:admin' },
      schema: { tags: ['remote reading'], summary: 'Register a gateway; its token is shown only in this answer', body: S.GatewayBody, response: { 201: S.GatewayCreated } },
    },
    async (req, reply) => {
      const utilityId = utilityOf(req).id;
      const user = userOf(req);
      const g = await inTenant(app, req, (tx) => createGateway(tx, utilityId, (req.body as { name: string }).name, user.id));
      return reply.status(201).send(g);
    },
  );

  app.post(
    '/api/gateways/telegrams',
    {
      config: { access: 'gateway' },
      // The token is checked before anything else: onRequest, before the body is read.
      onRequest: async (req) => {
        (req as FastifyRequest & { gateway?: { id: number } }).gateway = await authenticateGateway(deps.database.db, utilityOf(req).id, req.headers.authorization);
      },
      bodyLimit: 2 * 1024 * 1024,
      schema: { tags: ['remote reading'], summary: 'A gateway pushes the telegrams it heard (Bearer token)', body: S.PushBody, response: { 200: S.PushResult } },
    },
    async (req) => {
      const gateway = (req as FastifyRequest & { gateway?: { id: number } }).gateway!;
      const body = req.body as { telegrams: Array<{ hex: string; receivedAt?: string; rssi?: number }> };
      const now = new Date();
      const telegrams = body.telegrams.map((t) => ({ hex: t.hex.toUpperCase(), receivedAt: t.receivedAt ? new Date(t.receivedAt) : now, rssi: t.rssi }));
      // A gateway whose clock is ahead: the batch is refused as a whole (the gateway still holds it and can send it again).
      const ahead = telegrams.flatMap((t, index) => (t.receivedAt.getTime() > now.getTime() + CLOCK_SLACK_MS ? [index] : []));
      if (ahead.length) throw timeInFuture(ahead);
      if (telegrams.length === 0) return { accepted: 0, telegrams: 0, readings: 0, pending: 0, duplicates: 0, quarantined: 0, byReason: {} };
      const counts = await ingestTelegrams(deps.database, box(), utilityOf(req).id, { source: 'gateway', detail: `gateway:${gateway.id}`, uploadId: null }, telegrams);
      return { accepted: telegrams.length, ...counts };
    },
  );

  app.get(
    '/api/staff/tasks',
    { config: { access: 'staff' }, schema: { tags: ['remote reading'], summary: 'Alarm tasks (leak, burst, backflow, tamper, removal)', querystring: S.TaskQuery, response: { 200: S.TaskList } } },
    async (req) => {
      const q = req.query as { status?: 'open' | 'closed'; limit?: string; offset?: string };
      const { limit, offset } = page(q, 100);
      return inTenant(app, req, (tx) => listTasks(tx, q.status, limit, offset));
    },
  );

  app.post(
    '/api/staff/tasks/:taskId/close',
    // Closing says the alarm was dealt with on site: field staff (meter readers) and admin; not the auditor (reads only) nor billing.
    { config: { access: 'staff:admin,meter_reader' }, schema: { tags: ['remote reading'], summary: 'Close an alarm task', params: S.IdParam('taskId'), response: { 200: S.TaskOne } } },
    async (req) => {
      const user = userOf(req);
      return inTenant(app, req, (tx) => closeTask(tx, Number((req.params as { taskId: string }).taskId), user.id));
    },
  );
}
