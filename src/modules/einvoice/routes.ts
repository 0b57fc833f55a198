/**
 * E-invoice consent (portal and staff), the portal's and staff's invoice
 * lists with their stored documents, and corrections. Thin: the work is in
 * consent.ts, invoices.ts and correction.ts; every request is one
 * transaction in its utility.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { inTenant, userOf, utilityOf, type App, type AppDeps } from '../../http/context.ts';
import { notFound } from '../../lib/errors.ts';
import { asBuffer } from '../../db/bytea.ts';
import { recordAudit } from '../identity/audit.ts';
import { localDate } from './billing-period.ts';
import { consentHistory, einvoiceStatus, grantConsent, setByEmail, withdrawConsent } from './consent.ts';
import { invoiceForCorrection, issueCorrection, previewCorrection, type CorrectionInput } from './correction.ts';
import { invoicePdf, invoiceXml, listInvoices, type StoredDocument } from './invoices.ts';
import { decodeScan, storeScan } from './scan.ts';
import * as S from './schema.ts';

const tags = ['e-invoices and invoices'];
/** Staff who work with customers' personal data (as in the route table). */
const CUSTOMER_DATA = 'staff:admin,customer_service,billing,auditor' as const;
/** Who records a paper consent or its withdrawal: the customer service desk. */
const DESK = 'staff:admin,customer_service' as const;
/** Who issues corrections. */
const BILLING = 'staff:admin,billing' as const;
/** A base64 scan of 5 MB is about 6.7 MB of JSON. */
const SCAN_BODY_LIMIT = 7_500_000;

/**
 * A portal user's own customer. The app already refuses another customer's
 * :customerId on every customer route (403 customer.not_yours, app.ts); this
 * keeps the handler safe on its own.
 */
function ownCustomer(req: FastifyRequest, customerId: number): number {
  if (!userOf(req).customerIds.includes(customerId)) throw notFound('customer.not_found', 'Nie znaleziono klienta.', 'Customer not found.');
  return customerId;
}

function sendDocument(reply: FastifyReply, d: StoredDocument) {
  return reply
    .type(d.contentType)
    .header('content-disposition', `attachment; filename="${d.fileName}"`)
    .header('cache-control', 'private, no-store')
    .send(d.bytes);
}

const page = (q: { limit?: string; offset?: string }) => ({ limit: Math.min(Number(q.limit ?? 50), 200), offset: Number(q.offset ?? 0) });

export async function routes(app: App, _deps: AppDeps) {
  // --- the customer's e-invoice consent ---
  app.get(
    '/api/portal/customers/:customerId/einvoice',
    { config: { access: 'customer' }, schema: { tags, summary: 'E-invoice status, the current e-invoice terms and the saving at the current tariff', params: S.CustomerParams, response: { 200: S.EinvoiceStatus } } },
    async (req) => {
      const customerId = ownCustomer(req, Number(req.params.customerId));
      return inTenant(app, req, (tx) => einvoiceStatus(tx, customerId, new Date()));
    },
  );

  app.post(
    '/api/portal/customers/:customerId/einvoice',
    {
      config: { access: 'customer' },
      schema: { tags, summary: 'Accept the e-invoice terms: e-invoices from the next billing period (portal only or also by e-mail)', params: S.CustomerParams, body: S.PortalGrant, response: { 200: S.EinvoiceStatus } },
    },
    async (req) => {
      const customerId = ownCustomer(req, Number(req.params.customerId));
      const user = userOf(req);
      const body = req.body;
      const now = new Date();
      return inTenant(app, req, async (tx) => {
        await grantConsent(tx, {
          utilityId: utilityOf(req).id,
          customerId,
          termsVersionId: body.termsVersionId,
          byEmail: body.byEmail,
          email: user.email,
          now,
          by: { kind: 'portal', userId: user.id, ip: req.ip, userAgent: req.headers['user-agent'] },
        });
        return einvoiceStatus(tx, customerId, now);
      });
    },
  );

  app.patch(
    '/api/portal/customers/:customerId/einvoice',
    { config: { access: 'customer' }, schema: { tags, summary: 'Portal only, or also by e-mail', params: S.CustomerParams, body: S.ByEmail, response: { 200: S.EinvoiceStatus } } },
    async (req) => {
      const customerId = ownCustomer(req, Number(req.params.customerId));
      const user = userOf(req);
      const now = new Date();
      return inTenant(app, req, async (tx) => {
        await setByEmail(tx, { utilityId: utilityOf(req).id, customerId, byEmail: req.body.byEmail, email: user.email, by: { kind: 'customer', userId: user.id, ip: req.ip } });
        return einvoiceStatus(tx, customerId, now);
      });
    },
  );

  app.post(
    '/api/portal/customers/:customerId/einvoice/withdraw',
    { config: { access: 'customer' }, schema: { tags, summary: 'Withdraw the e-invoice consent: paper invoices from the next billing period', params: S.CustomerParams, response: { 200: S.EinvoiceStatus } } },
    async (req) => {
      const customerId = ownCustomer(req, Number(req.params.customerId));
      const user = userOf(req);
      const now = new Date();
      return inTenant(app, req, async (tx) => {
        await withdrawConsent(tx, { utilityId: utilityOf(req).id, customerId, now, by: { kind: 'customer', userId: user.id, ip: req.ip } });
        return einvoiceStatus(tx, customerId, now);
      });
    },
  );

  // --- staff: consent from a signed paper form ---
  app.get(
    '/api/staff/customers/:customerId/einvoice',
    { config: { access: CUSTOMER_DATA }, schema: { tags, summary: "A customer's e-invoice status and consent history", params: S.CustomerParams, response: { 200: S.StaffEinvoiceStatus } } },
    async (req) => {
      const customerId = Number(req.params.customerId);
      return inTenant(app, req, async (tx) => ({ status: await einvoiceStatus(tx, customerId, new Date()), history: await consentHistory(tx, customerId) }));
    },
  );

  app.post(
    '/api/staff/customers/:customerId/einvoice',
    {
      bodyLimit: SCAN_BODY_LIMIT,
      config: { access: DESK },
      schema: { tags, summary: 'Record the e-invoice consent of a signed paper form (with its scan)', params: S.CustomerParams, body: S.StaffGrant, response: { 200: S.StaffEinvoiceStatus } },
    },
    async (req) => {
      const customerId = Number(req.params.customerId);
      const user = userOf(req);
      const utilityId = utilityOf(req).id;
      const body = req.body;
      const scan = decodeScan(body.scan);
      const now = new Date();
      return inTenant(app, req, async (tx) => {
        const customer = await tx.selectFrom('customers').select(['customer_number', 'email']).where('id', '=', customerId).executeTakeFirst();
        if (!customer) throw notFound('customer.not_found', 'Nie znaleziono klienta.', 'Customer not found.');
        const formFileId = await storeScan(tx, utilityId, customer.customer_number, scan);
        await grantConsent(tx, {
          utilityId,
          customerId,
          termsVersionId: body.termsVersionId,
          byEmail: body.byEmail,
          email: body.email?.trim() || customer.email,
          now,
          by: { kind: 'paper_form', staffId: user.id, ip: req.ip, signedOn: body.signedOn, formFileId },
        });
        return { status: await einvoiceStatus(tx, customerId, now), history: await consentHistory(tx, customerId) };
      });
    },
  );

  app.post(
    '/api/staff/customers/:customerId/einvoice/withdraw',
    { config: { access: DESK }, schema: { tags, summary: "Record a customer's withdrawal of the e-invoice consent", params: S.CustomerParams, response: { 200: S.StaffEinvoiceStatus } } },
    async (req) => {
      const customerId = Number(req.params.customerId);
      const user = userOf(req);
      const now = new Date();
      return inTenant(app, req, async (tx) => {
        await withdrawConsent(tx, { utilityId: utilityOf(req).id, customerId, now, by: { kind: 'staff', userId: user.id, ip: req.ip } });
        return { status: await einvoiceStatus(tx, customerId, now), history: await consentHistory(tx, customerId) };
      });
    },
  );

  app.get(
    '/api/staff/einvoice-consents/:consentId/form',
    { config: { access: CUSTOMER_DATA }, schema: { tags, summary: 'The scan of the signed consent form', params: S.ConsentParams } },
    async (req, reply) => {
      const consentId = Number(req.params.consentId);
      const user = userOf(req);
      const file = await inTenant(app, req, async (tx) => {
        const row = await tx
          .selectFrom('einvoice_consents as c')
          .innerJoin('files as f', 'f.id', 'c.form_file_id')
          .select(['f.name', 'f.content_type', 'f.data', 'c.customer_id'])
          .where('c.id', '=', consentId)
          .executeTakeFirst();
        if (!row) throw notFound('einvoice.form_not_found', 'Nie znaleziono skanu formularza.', 'The form scan was not found.');
        await recordAudit(tx, { utilityId: utilityOf(req).id, actorId: user.id, actorKind: 'staff', action: 'einvoice.form_view', entity: 'einvoice_consent', entityId: consentId, customerId: row.customer_id, ip: req.ip });
        return row;
      });
      return reply.type(file.content_type).header('content-disposition', `inline; filename="${file.name}"`).header('cache-control', 'private, no-store').send(asBuffer(file.data));
    },
  );

  // --- the portal's invoices ---
  app.get(
    '/api/portal/invoices',
    { config: { access: 'customer' }, schema: { tags, summary: "The portal user's invoices and corrections, newest first", querystring: S.PortalInvoiceQuery, response: { 200: S.InvoiceList } } },
    async (req) => {
      const q = req.query;
      const mine = userOf(req).customerIds;
      const customerIds = q.customerId ? mine.filter((id) => id === Number(q.customerId)) : mine;
      return inTenant(app, req, (tx) => listInvoices(tx, { customerIds, ...page(q) }, localDate(new Date())));
    },
  );

  app.get(
    '/api/portal/invoices/:invoiceId/xml',
    { config: { access: 'customer' }, schema: { tags, summary: 'The invoice as FA(3) XML, the bytes as issued', params: S.InvoiceParams } },
    async (req, reply) => sendDocument(reply, await inTenant(app, req, (tx) => invoiceXml(tx, Number(req.params.invoiceId), userOf(req).customerIds))),
  );

  app.get(
    '/api/portal/invoices/:invoiceId/pdf',
    { config: { access: 'customer' }, schema: { tags, summary: 'The invoice as PDF (409 invoice.pdf_not_ready until rendered)', params: S.InvoiceParams } },
    async (req, reply) => sendDocument(reply, await inTenant(app, req, (tx) => invoicePdf(tx, Number(req.params.invoiceId), userOf(req).customerIds))),
  );

  // --- staff: find any invoice, open its documents, correct it ---
  app.get(
    '/api/staff/invoices',
    { config: { access: CUSTOMER_DATA }, schema: { tags, summary: 'Find invoices by number, customer (number or name) or period (YYYY-MM)', querystring: S.StaffInvoiceQuery, response: { 200: S.InvoiceList } } },
    async (req) => {
      const q = req.query;
      const user = userOf(req);
      const utilityId = utilityOf(req).id;
      return inTenant(app, req, async (tx) => {
        const result = await listInvoices(tx, { number: q.number || undefined, customer: q.customer || undefined, period: q.period, ...page(q) }, localDate(new Date()));
        await recordAudit(tx, {
          utilityId,
          actorId: user.id,
          actorKind: 'staff',
          action: 'invoice.search',
          entity: 'invoice',
          ip: req.ip,
          data: { number: q.number ?? '', customer: q.customer ?? '', period: q.period ?? '', shown: result.items.map((i) => i.id) },
        });
        return result;
      });
    },
  );

  app.get(
    '/api/staff/invoices/:invoiceId',
    { config: { access: CUSTOMER_DATA }, schema: { tags, summary: 'One invoice: its stored document, its corrections, and the lines a new correction starts from', params: S.InvoiceParams, response: { 200: S.StaffInvoice } } },
    async (req) => {
      const invoiceId = Number(req.params.invoiceId);
      const user = userOf(req);
      return inTenant(app, req, async (tx) => {
        const inv = await invoiceForCorrection(tx, invoiceId);
        await recordAudit(tx, { utilityId: utilityOf(req).id, actorId: user.id, actorKind: 'staff', action: 'invoice.view', entity: 'invoice', entityId: invoiceId, customerId: inv.customerId, ip: req.ip });
        return inv;
      });
    },
  );

  for (const kind of ['xml', 'pdf'] as const) {
    app.get(
      `/api/staff/invoices/:invoiceId/${kind}`,
      { config: { access: CUSTOMER_DATA }, schema: { tags, summary: kind === 'xml' ? 'The invoice as FA(3) XML, the bytes as issued' : 'The invoice as PDF (409 invoice.pdf_not_ready until rendered)', params: S.InvoiceParams } },
      async (req, reply) => {
        const invoiceId = Number((req.params as { invoiceId: string }).invoiceId);
        const user = userOf(req);
        const d = await inTenant(app, req, async (tx) => {
          const doc = kind === 'xml' ? await invoiceXml(tx, invoiceId) : await invoicePdf(tx, invoiceId);
          await recordAudit(tx, { utilityId: utilityOf(req).id, actorId: user.id, actorKind: 'staff', action: `invoice.${kind}`, entity: 'invoice', entityId: invoiceId, customerId: doc.customerId, ip: req.ip });
          return doc;
        });
        return sendDocument(reply, d);
      },
    );
  }

  app.post(
    '/api/staff/invoices/:invoiceId/corrections',
    {
      config: { access: BILLING },
      schema: { tags, summary: 'Issue a corrective invoice (KOR) with its reason: by default the engine recomputes the bill from the readings and tariffs as they are now (and corrected closing readings, if given); or the lines as they should have been, typed', params: S.InvoiceParams, body: S.CorrectionBody, response: { 200: S.CorrectionResult } },
    },
    async (req) => {
      const invoiceId = Number(req.params.invoiceId);
      const user = userOf(req);
      return inTenant(app, req, (tx) => issueCorrection(tx, { utilityId: utilityOf(req).id, invoiceId, staffId: user.id, ip: req.ip, now: new Date(), input: req.body as CorrectionInput }));
    },
  );

  app.post(
    '/api/staff/invoices/:invoiceId/corrections/preview',
    {
      config: { access: BILLING },
      schema: { tags, summary: 'A corrective invoice as it would be issued now (before, after, difference), nothing stored; without lines the engine recomputes the bill', params: S.InvoiceParams, body: S.CorrectionBody, response: { 200: S.CorrectionPreview } },
    },
    async (req) => {
      const invoiceId = Number(req.params.invoiceId);
      return inTenant(app, req, async (tx) => {
        const d = await previewCorrection(tx, { utilityId: utilityOf(req).id, invoiceId, now: new Date(), input: req.body as CorrectionInput });
        return { reason: d.reason, readings: d.readings, before: d.before, after: d.after, difference: d.difference };
      });
    },
  );
}
