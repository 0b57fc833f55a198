/**
 * Forms and terms routes: the public and the portal download published
 * forms; staff (customer service, admin) upload, publish and withdraw them;
 * the administrator publishes a new version of the portal terms, which each
 * portal user accepts before anything else at the next sign-in.
 */
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { inTenant, userOf, utilityOf, type App, type AppDeps } from '../../http/context.ts';
import { AppError, badRequest } from '../../lib/errors.ts';
import { recordAudit } from '../identity/audit.ts';
import { MAX_FORM_BYTES } from './file-kind.ts';
import { addForm, allForms, attachment, formFile, publishedForms, setPublished } from './forms.ts';
import { termsToAccept } from '../identity/terms.ts';
import { acceptTerms, publishTerms, termsVersions } from './terms-admin.ts';

const Id = Type.String({ pattern: '^[1-9][0-9]{0,17}$' });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const DocParams = Type.Object({ documentId: Id }, { additionalProperties: false });
const Form = Type.Object({
  id: Type.Integer(),
  category: Type.String({ description: 'contracts | billing | meters | complaints | other' }),
  title: Type.String(),
  description: Type.String(),
  fileName: Type.String(),
  contentType: Type.String(),
  sizeBytes: Type.Integer(),
  publishedAt: Nullable(Type.String()),
});
const FormList = Type.Object({ items: Type.Array(Form) });
const Terms = Type.Object({ id: Type.Integer(), kind: Type.String(), version: Type.String(), title: Type.String(), body: Type.String() });
const TermsVersionList = Type.Object({
  items: Type.Array(Type.Object({ id: Type.Integer(), kind: Type.String(), version: Type.String(), title: Type.String(), publishedAt: Type.String(), acceptedBy: Type.Integer() })),
});
const TermsBody = Type.Object(
  { version: Type.String({ minLength: 1, maxLength: 40 }), title: Type.String({ minLength: 1, maxLength: 200 }), body: Type.String({ minLength: 1, maxLength: 100_000 }) },
  { additionalProperties: false },
);
const AcceptBody = Type.Object({ termsVersionId: Type.Integer({ minimum: 1 }), accept: Type.Boolean() }, { additionalProperties: false });
const WRITERS = 'staff:customer_service' as const;
const docId = (req: FastifyRequest) => Number((req.params as { documentId: string }).documentId);

function tooLarge() {
  return new AppError('too_large', 'forms.too_large', {
    pl: `Plik jest większy niż ${MAX_FORM_BYTES / 1024 / 1024} MB. Nic nie zapisano.`,
    en: `The file is larger than ${MAX_FORM_BYTES / 1024 / 1024} MB. Nothing was saved.`,
  });
}

/**
 * The whole upload form, read to its end before anything is stored: its text
 * fields in any order and its one file. A second file ends the reading with
 * `request.multipart_too_many_parts` (the parts limit), so a form with two
 * files is refused whole instead of storing the first and dropping the other.
 */
async function readUpload(req: FastifyRequest): Promise<{ fields: Record<string, string>; file: { name: string; bytes: Buffer } }> {
  const fields: Record<string, string> = {};
  let file: { name: string; bytes: Buffer } | undefined;
  for await (const part of req.parts({ limits: { fileSize: MAX_FORM_BYTES, files: 1, fields: 20, fieldSize: 10_000 } })) {
    if (part.type === 'field') {
      if (typeof part.value === 'string') fields[part.fieldname] = part.value;
      continue;
    }
    const bytes = await part.toBuffer().catch((err: { code?: string }) => {
      throw err.code === 'FST_REQ_FILE_TOO_LARGE' ? tooLarge() : err;
    });
    file = { name: part.filename, bytes };
  }
  if (!file) throw badRequest('upload.no_file', 'Nie przesłano pliku.', 'No file was sent.');
  return { fields, file };
}

export async function routes(app: App, _deps: AppDeps) {
  const tags = ['forms'];

  app.get(
    '/api/forms',
    { config: { access: 'public' }, schema: { tags, summary: 'Published forms to download, by category', response: { 200: FormList } } },
    async (req) => inTenant(app, req, (tx) => publishedForms(tx)),
  );

  app.get(
    '/api/forms/:documentId/file',
    { config: { access: 'public' }, schema: { tags, summary: "A published form's file", params: DocParams } },
    async (req, reply) => {
      const f = await inTenant(app, req, (tx) => formFile(tx, docId(req), true));
      return reply.header('content-type', f.contentType).header('content-disposition', attachment(f.name)).send(f.bytes);
    },
  );

  app.get(
    '/api/staff/forms',
    { config: { access: 'staff' }, schema: { tags, summary: 'All forms, published or not', response: { 200: FormList } } },
    async (req) => inTenant(app, req, (tx) => allForms(tx)),
  );

  app.get(
    '/api/staff/forms/:documentId/file',
    { config: { access: 'staff' }, schema: { tags, summary: "A form's file (published or not)", params: DocParams } },
    async (req, reply) => {
      const f = await inTenant(app, req, (tx) => formFile(tx, docId(req), false));
      return reply.header('content-type', f.contentType).header('content-disposition', attachment(f.name)).send(f.bytes);
    },
  );

  app.post(
    '/api/staff/forms',
    {
      config: { access: WRITERS },
      schema: {
        tags,
        summary: 'Upload a form (multipart: category, title, description, publish and one file: PDF, DOCX or ODT up to 10 MB)',
        response: { 201: Type.Object({ id: Type.Integer() }) },
      },
    },
    async (req, reply) => {
      const { fields, file } = await readUpload(req);
      if (file.bytes.length === 0) throw badRequest('forms.file_empty', 'Przesłany plik jest pusty.', 'The file is empty.', { field: 'file' });
      const user = userOf(req);
      const utilityId = utilityOf(req).id;
      const id = await inTenant(app, req, async (tx) => {
        const id = await addForm(tx, utilityId, user.id, {
          category: fields.category ?? '',
          title: fields.title ?? '',
          description: fields.description ?? '',
          publish: fields.publish === 'true',
          fileName: file.name,
          bytes: file.bytes,
        });
        await recordAudit(tx, { utilityId, actorId: user.id, actorKind: 'staff', action: 'form.upload', entity: 'document', entityId: id, ip: req.ip });
        return id;
      });
      return reply.status(201).send({ id });
    },
  );

  for (const [action, publish] of [['publish', true], ['withdraw', false]] as const) {
    app.post(
      `/api/staff/forms/:documentId/${action}`,
      { config: { access: WRITERS }, schema: { tags, summary: publish ? 'Publish a form' : 'Withdraw a published form', params: DocParams } },
      async (req, reply) => {
        const user = userOf(req);
        const utilityId = utilityOf(req).id;
        await inTenant(app, req, async (tx) => {
          await setPublished(tx, docId(req), publish);
          await recordAudit(tx, { utilityId, actorId: user.id, actorKind: 'staff', action: `form.${action}`, entity: 'document', entityId: docId(req), ip: req.ip });
        });
        return reply.status(204).send();
      },
    );
  }

  app.get(
    '/api/staff/terms',
    { config: { access: 'staff' }, schema: { tags: ['terms'], summary: 'Versions of the terms with how many users accepted each', response: { 200: TermsVersionList } } },
    async (req) => inTenant(app, req, (tx) => termsVersions(tx)),
  );

  app.post(
    '/api/staff/terms',
    { config: { access: 'staff:admin' }, schema: { tags: ['terms'], summary: 'Publish a new version of the portal terms (customers accept it at the next sign-in)', body: TermsBody, response: { 201: Type.Object({ id: Type.Integer() }) } } },
    async (req, reply) => {
      const user = userOf(req);
      const utilityId = utilityOf(req).id;
      const id = await inTenant(app, req, async (tx) => {
        const id = await publishTerms(tx, utilityId, req.body as { version: string; title: string; body: string });
        await recordAudit(tx, { utilityId, actorId: user.id, actorKind: 'staff', action: 'terms.publish', entity: 'terms_version', entityId: id, ip: req.ip });
        return id;
      });
      return reply.status(201).send({ id });
    },
  );

  app.get(
    '/api/portal/terms/pending',
    { config: { access: 'customer', allowPendingTerms: true }, schema: { tags: ['terms'], summary: 'The terms version the portal user must accept before going on, or null', response: { 200: Type.Object({ terms: Nullable(Terms) }) } } },
    async (req) => inTenant(app, req, async (tx) => ({ terms: await termsToAccept(tx, userOf(req).id) })),
  );

  app.post(
    '/api/portal/terms/accept',
    { config: { access: 'customer', allowPendingTerms: true }, schema: { tags: ['terms'], summary: 'Accept the current portal terms (recorded with time, IP and browser)', body: AcceptBody } },
    async (req, reply) => {
      const body = req.body as { termsVersionId: number; accept: boolean };
      if (!body.accept) throw badRequest('terms.not_accepted', 'Aby korzystać z e-BOK, prosimy zaakceptować regulamin.', 'Accept the terms to use the portal.', { field: 'accept' });
      const user = userOf(req);
      const utilityId = utilityOf(req).id;
      const ua = req.headers['user-agent'];
      await inTenant(app, req, async (tx) => {
        await acceptTerms(tx, { utilityId, userId: user.id, customerIds: user.customerIds, termsVersionId: body.termsVersionId, ip: req.ip, userAgent: typeof ua === 'string' ? ua : undefined });
        await recordAudit(tx, { utilityId, actorId: user.id, actorKind: 'customer', action: 'terms.accept', entity: 'terms_version', entityId: body.termsVersionId, ip: req.ip });
      });
      return reply.status(204).send();
    },
  );
}
