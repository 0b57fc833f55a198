/**
 * Cases over HTTP. The customer files and answers cases under
 * /api/portal/cases; staff work the inbox under /api/staff/cases.
 * Customer service and administrators act; the auditor and billing read.
 * Forms that may carry a photo (a new case, a reply, a note) are
 * multipart; the others JSON. Thin: the work is in service.ts.
 */
import type { FastifyRequest } from 'fastify';
import { inTenant, userOf, utilityOf, type App, type AppDeps } from '../../http/context.ts';
import { AppError, badRequest } from '../../lib/errors.ts';
import { recordAudit } from '../identity/audit.ts';
import { attachmentEmpty, attachmentTooLarge, attachmentWrongType, MAX_ATTACHMENT_BYTES, sniffAttachment } from './rules.ts';
import * as S from './schema.ts';
import * as cases from './service.ts';

const ACT = 'staff:customer_service' as const;
const READ = 'staff:customer_service,auditor,billing' as const;
const tags = ['cases'];
/** A form's text fields: at most this many, each at most this long (a description is 5,000 characters). */
const MAX_FIELDS = 10;
const MAX_FIELD_BYTES = 32 * 1024;

interface Form {
  fields: Record<string, string>;
  attachment?: cases.Attachment;
}

const problemError = (p: { code: string; pl: string; en: string; field: string }, kind: 'bad_request' | 'too_large' = 'bad_request') =>
  new AppError(kind, p.code, { pl: p.pl, en: p.en }, { field: p.field });

/**
 * Reads a multipart form: text fields and at most one photo (checked by size
 * as it arrives and by its first bytes). A JSON object of the same text
 * fields is taken too (API clients without a photo).
 */
async function readForm(req: FastifyRequest, allowed: readonly string[]): Promise<Form> {
  const fields: Record<string, string> = {};
  if (!req.isMultipart()) {
    const body = req.body;
    if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw badRequest('cases.form_expected', 'Oczekiwano formularza (multipart) lub obiektu JSON z polami.', 'A multipart form or a JSON object of fields was expected.');
    }
    for (const [k, v] of Object.entries(body)) {
      if (!allowed.includes(k)) throw badRequest('cases.unknown_field', `Formularz zawiera nieznane pole „${k}”.`, `The form holds an unknown field "${k}".`, { field: k });
      if (v === null || v === undefined) continue;
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
        throw badRequest('cases.bad_field', `Pole „${k}” musi być tekstem.`, `The field "${k}" must be text.`, { field: k });
      }
      fields[k] = String(v);
    }
    return { fields };
  }
  let attachment: cases.Attachment | undefined;
  try {
    for await (const part of req.parts({ limits: { fileSize: MAX_ATTACHMENT_BYTES, files: 1, fields: MAX_FIELDS, fieldSize: MAX_FIELD_BYTES } })) {
      if (part.type === 'file') {
        if (part.fieldname !== 'attachment') {
          part.file.resume();
          throw badRequest('cases.unknown_field', `Formularz zawiera nieznane pole „${part.fieldname}”.`, `The form holds an unknown field "${part.fieldname}".`, { field: part.fieldname });
        }
        const bytes = await part.toBuffer();
        // A file input left empty sends a part with no name and no bytes: no attachment.
        if (bytes.length === 0 && !part.filename) continue;
        if (bytes.length === 0) throw problemError(attachmentEmpty());
        const type = sniffAttachment(bytes);
        if (!type) throw problemError(attachmentWrongType());
        attachment = { name: part.filename || 'zdjecie', contentType: type, bytes };
      } else {
        if (!allowed.includes(part.fieldname)) {
          throw badRequest('cases.unknown_field', `Formularz zawiera nieznane pole „${part.fieldname}”.`, `The form holds an unknown field "${part.fieldname}".`, { field: part.fieldname });
        }
        if (part.valueTruncated) throw badRequest('cases.field_too_long', 'Jedno z pól formularza jest zbyt długie.', 'A field of the form is too long.', { field: part.fieldname });
        fields[part.fieldname] = String(part.value ?? '');
      }
    }
  } catch (err) {
    if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw problemError(attachmentTooLarge(), 'too_large');
    throw err;
  }
  return { fields, attachment };
}

function optionalId(v: string | undefined, field: string): number | undefined {
  if (v === undefined || v === '') return undefined;
  if (!/^[1-9][0-9]{0,15}$/.test(v)) throw badRequest('cases.bad_id', `Pole „${field}” musi być numerem.`, `The field "${field}" must be a number.`, { field });
  return Number(v);
}

function flag(v: string | undefined, field: string): boolean {
  if (v === undefined || v === '' || v === 'false') return false;
  if (v === 'true') return true;
  throw badRequest('cases.bad_flag', `Pole „${field}” przyjmuje wartości true lub false.`, `The field "${field}" takes true or false.`, { field });
}

export async function routes(app: App, deps: AppDeps) {
  // ------------------------------------------------------------ customer

  app.get(
    '/api/portal/cases',
    { config: { access: 'customer' }, schema: { tags, summary: "The customer's cases, newest first, with filters by kind and status", querystring: S.CustomerListQuery, response: { 200: S.CustomerCaseList } } },
    async (req) => {
      const q = req.query;
      const user = userOf(req);
      const ids = q.customerId ? user.customerIds.filter((id) => id === Number(q.customerId)) : user.customerIds;
      return inTenant(app, req, (tx) =>
        cases.listCustomerCases(tx, utilityOf(req).id, { customerIds: ids, kind: q.kind, status: q.status, limit: Number(q.limit ?? 20), offset: Number(q.offset ?? 0) }),
      );
    },
  );

  app.post(
    '/api/portal/cases',
    {
      config: { access: 'customer' },
      schema: {
        tags,
        summary: 'File a complaint (optionally about an invoice), a failure report or a message (multipart or JSON: customerId, kind, subject, body, place, contractId, invoiceId; a photo `attachment` in multipart only)',
        consumes: ['multipart/form-data', 'application/json'],
        response: { 200: S.Created },
      },
    },
    async (req) => {
      const user = userOf(req);
      const utility = utilityOf(req);
      const { fields: f, attachment } = await readForm(req, ['customerId', 'kind', 'subject', 'body', 'place', 'contractId', 'invoiceId']);
      // A login linked to one customer need not name it.
      const customerId = optionalId(f.customerId, 'customerId') ?? (user.customerIds.length === 1 ? user.customerIds[0] : undefined);
      if (customerId === undefined || !user.customerIds.includes(customerId)) {
        throw badRequest('cases.customer_required', 'Prosimy wybrać klienta, którego dotyczy sprawa.', 'Please choose the customer the case is about.', { field: 'customerId' });
      }
      return inTenant(app, req, (tx) =>
        cases.createCase(
          tx,
          { id: utility.id, complaintDeadlineDays: utility.complaint_deadline_days },
          user.id,
          {
            customerId,
            kind: f.kind ?? '',
            subject: f.subject ?? '',
            body: f.body ?? '',
            place: f.place,
            contractId: optionalId(f.contractId, 'contractId'),
            invoiceId: optionalId(f.invoiceId, 'invoiceId'),
          },
          attachment,
        ),
      );
    },
  );

  app.get(
    '/api/portal/case-invoices',
    { config: { access: 'customer' }, schema: { tags, summary: "The customer's invoices (newest 50) that a complaint may name", response: { 200: S.InvoiceChoices } } },
    async (req) => inTenant(app, req, (tx) => cases.invoiceChoices(tx, utilityOf(req).id, userOf(req).customerIds)),
  );

  app.get(
    '/api/portal/cases/:caseId',
    { config: { access: 'customer' }, schema: { tags, summary: 'One of the customer\'s cases with its thread (staff replies and status changes; never internal notes)', params: S.CaseParams, response: { 200: S.CaseDetail } } },
    async (req) => inTenant(app, req, (tx) => cases.customerCase(tx, utilityOf(req).id, userOf(req).customerIds, Number(req.params.caseId))),
  );

  app.post(
    '/api/portal/cases/:caseId/messages',
    {
      config: { access: 'customer' },
      schema: { tags, summary: "The customer's reply in a case's thread (multipart or JSON: body; a photo `attachment` in multipart only)", consumes: ['multipart/form-data', 'application/json'], params: S.CaseParams },
    },
    async (req, reply) => {
      const user = userOf(req);
      const { fields, attachment } = await readForm(req, ['body']);
      await inTenant(app, req, (tx) => cases.customerReply(tx, utilityOf(req).id, user.id, user.customerIds, Number(req.params.caseId), fields.body ?? '', attachment));
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/portal/cases/:caseId/attachments/:fileId',
    { config: { access: 'customer' }, schema: { tags, summary: "A photo attached to the case's thread", params: S.AttachmentParams } },
    async (req, reply) => {
      const f = await inTenant(app, req, (tx) => cases.attachment(tx, utilityOf(req).id, Number(req.params.caseId), Number(req.params.fileId), userOf(req).customerIds));
      return sendFile(reply, f);
    },
  );

  // ------------------------------------------------------------ staff

  app.get(
    '/api/staff/cases',
    { config: { access: READ }, schema: { tags, summary: 'The inbox: cases by kind, status, assignee and deadline, keyset-paged, with bounded counts', querystring: S.InboxQuery, response: { 200: S.Inbox } } },
    async (req) => {
      const q = req.query;
      return inTenant(app, req, (tx) =>
        cases.inbox(tx, utilityOf(req).id, userOf(req).id, { kind: q.kind, status: q.status, assignee: q.assignee, due: q.due, q: q.q, customerId: q.customerId ? Number(q.customerId) : undefined, sort: q.sort, cursor: q.cursor, limit: Number(q.limit ?? 50) }),
      );
    },
  );

  app.get(
    '/api/staff/case-assignees',
    { config: { access: READ }, schema: { tags, summary: 'Staff a case can be assigned to (customer service and administrators)', response: { 200: S.Assignees } } },
    async (req) => inTenant(app, req, (tx) => cases.assignees(tx, utilityOf(req).id)),
  );

  app.get(
    '/api/staff/cases/:caseId',
    { config: { access: READ }, schema: { tags, summary: 'A case with its whole thread, internal notes and history', params: S.CaseParams, response: { 200: S.CaseDetail } } },
    async (req) => {
      const user = userOf(req);
      const utilityId = utilityOf(req).id;
      return inTenant(app, req, async (tx) => {
        const detail = await cases.staffCase(tx, utilityId, Number(req.params.caseId));
        // Staff reading a customer's case is recorded, as reading the customer's file is.
        await recordAudit(tx, { utilityId, actorId: user.id, actorKind: 'staff', action: 'case.view', entity: 'case', entityId: detail.id, customerId: detail.customer.id, ip: req.ip });
        return detail;
      });
    },
  );

  app.post(
    '/api/staff/cases/:caseId/assign',
    { config: { access: ACT }, schema: { tags, summary: 'Assign the case to a clerk (null: nobody)', params: S.CaseParams, body: S.AssignBody } },
    async (req, reply) => {
      await inTenant(app, req, (tx) => cases.assign(tx, utilityOf(req).id, userOf(req).id, Number(req.params.caseId), req.body.assigneeId));
      return reply.code(204).send();
    },
  );

  app.post(
    '/api/staff/cases/:caseId/status',
    { config: { access: ACT }, schema: { tags, summary: "Change the case's status", params: S.CaseParams, body: S.StatusBody } },
    async (req, reply) => {
      await inTenant(app, req, (tx) => cases.setStatus(tx, utilityOf(req).id, userOf(req).id, Number(req.params.caseId), req.body.status));
      return reply.code(204).send();
    },
  );

  app.post(
    '/api/staff/cases/:caseId/messages',
    {
      config: { access: ACT },
      schema: {
        tags,
        summary: 'A reply to the customer (e-mailed) or an internal note (internal=true), optionally with a photo and a new status (multipart or JSON: body, internal, status; a photo `attachment` in multipart only)',
        consumes: ['multipart/form-data', 'application/json'],
        params: S.CaseParams,
      },
    },
    async (req, reply) => {
      const utility = utilityOf(req);
      const { fields, attachment } = await readForm(req, ['body', 'internal', 'status']);
      const internal = flag(fields.internal, 'internal');
      await inTenant(app, req, (tx) =>
        cases.staffMessage(tx, { id: utility.id, name: utility.name, slug: utility.slug }, deps.config.publicUrl, userOf(req).id, Number(req.params.caseId), { body: fields.body ?? '', internal, status: fields.status || undefined }, attachment),
      );
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/staff/cases/:caseId/attachments/:fileId',
    { config: { access: READ }, schema: { tags, summary: "A photo attached to the case's thread", params: S.AttachmentParams } },
    async (req, reply) => {
      const f = await inTenant(app, req, (tx) => cases.attachment(tx, utilityOf(req).id, Number(req.params.caseId), Number(req.params.fileId)));
      return sendFile(reply, f);
    },
  );
}

function sendFile(reply: import('fastify').FastifyReply, f: { name: string; contentType: string; data: Buffer }) {
  const ascii = f.name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return reply
    .header('content-type', f.contentType)
    .header('content-disposition', `inline; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(f.name)}`)
    .header('cache-control', 'private, no-store')
    .send(f.data);
}
