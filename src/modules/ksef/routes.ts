/**
 * KSeF over HTTP (issue 16). Thin: validate, check access, call service.ts.
 * The admin configures KSeF and runs the check; billing sends; customer
 * service and the auditor read; a portal user downloads the UPO of an
 * invoice of their own. Secrets go in and never come out.
 */
import { Type } from 'typebox';
import { inTenant, userOf, utilityOf, type App, type AppDeps } from '../../http/context.ts';
import { recordAudit } from '../identity/audit.ts';
import { KSEF_ENVIRONMENTS } from './environments.ts';
import { signOfflineCodes } from './offline-codes.ts';
import { boxOf, checkConnection, invoiceKsef, invoiceUpoBytes, overview, requestSend } from './service.ts';
import { loadSettings, publicSettings, saveSettings } from './settings.ts';

const tags = ['KSeF'];
const ADMIN = 'staff:admin' as const;
const SENDERS = 'staff:admin,billing' as const;
const READERS = 'staff:admin,billing,customer_service,auditor' as const;

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

const SettingsBody = Type.Object(
  {
    environment: Type.Union(KSEF_ENVIRONMENTS.map((e) => Type.Literal(e))),
    sellerNip: Type.String({ minLength: 10, maxLength: 10 }),
    authMethod: Type.Union([Type.Literal('token'), Type.Literal('certificate')]),
    token: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })),
    certificatePem: Type.Optional(Type.String({ minLength: 1, maxLength: 20_000 })),
    privateKeyPem: Type.Optional(Type.String({ minLength: 1, maxLength: 20_000 })),
    offlineCertificatePem: Type.Optional(Type.String({ minLength: 1, maxLength: 20_000 })),
    offlinePrivateKeyPem: Type.Optional(Type.String({ minLength: 1, maxLength: 20_000 })),
    removeOfflineCertificate: Type.Optional(Type.Boolean()),
    includeConsumers: Type.Boolean(),
    offline24: Type.Boolean(),
  },
  { additionalProperties: false },
);

const CertificateView = Type.Object({
  subject: Type.String(),
  validFrom: Type.String(),
  validTo: Type.String(),
  fingerprint256: Type.String(),
  nip: Nullable(Type.String()),
  keyType: Type.String(),
  serialNumber: Type.String(),
});

const SettingsView = Type.Object({
  configured: Type.Boolean(),
  environment: Type.Union([Type.String(), Type.Null()]),
  apiUrl: Nullable(Type.String()),
  sellerNip: Nullable(Type.String()),
  authMethod: Type.Union([Type.String(), Type.Null()]),
  hasToken: Type.Boolean(),
  certificate: Type.Union([CertificateView, Type.Null()]),
  offlineCertificate: Type.Union([CertificateView, Type.Null()]),
  includeConsumers: Type.Boolean(),
  offline24: Type.Boolean(),
  signedInUntil: Nullable(Type.String()),
  lastCheck: Type.Union([Type.Object({ at: Type.String(), code: Type.String(), text: Nullable(Type.String()) }), Type.Null()]),
});

const SendBody = Type.Object(
  {
    invoiceNumber: Type.Optional(Type.String({ minLength: 1, maxLength: 60 })),
    runId: Type.Optional(Type.Integer({ minimum: 1 })),
    mode: Type.Optional(Type.Union([Type.Literal('online'), Type.Literal('batch')])),
  },
  { additionalProperties: false },
);

const InvoiceParams = Type.Object({ invoiceId: Type.String({ pattern: '^[1-9][0-9]{0,17}$' }) }, { additionalProperties: false });

/** Why an accepted invoice has no UPO to serve: the code (ksef.upo_invalid), its text, and (staff only) the validator's first message. */
const UpoIssue = Type.Object({ code: Type.String(), pl: Type.String(), en: Type.String(), detail: Nullable(Type.String()) });

const InvoiceKsef = Type.Object({
  state: Nullable(Type.String()),
  ksefNumber: Nullable(Type.String()),
  statusCode: Type.Union([Type.Integer(), Type.Null()]),
  statusText: Nullable(Type.String()),
  hasUpo: Type.Boolean(),
  upoState: Type.Union([Type.Literal('valid'), Type.Literal('invalid'), Type.Literal('missing'), Type.Null()]),
  upoIssue: Type.Union([UpoIssue, Type.Null()]),
  acceptedAt: Nullable(Type.String()),
});

export async function routes(app: App, deps: AppDeps) {
  const box = () => boxOf(deps.config);

  app.get(
    '/api/staff/ksef/settings',
    { config: { access: READERS }, schema: { tags, summary: "The utility's KSeF configuration, without its secrets", response: { 200: SettingsView } } },
    async (req) => publicSettings(await inTenant(app, req, (tx) => loadSettings(tx))),
  );

  app.put(
    '/api/staff/ksef/settings',
    { config: { access: ADMIN }, schema: { tags, summary: 'Configure KSeF (a token, certificate or offline certificate given is stored sealed and never shown again)', body: SettingsBody, response: { 200: SettingsView } } },
    async (req) => {
      const user = userOf(req);
      return inTenant(app, req, async (tx) => {
        const out = await saveSettings(tx, box(), req.body);
        if (req.body.offlineCertificatePem !== undefined) {
          // Offline invoices still waiting for KSeF get their KOD II now (and new PDFs).
          await signOfflineCodes(tx, box(), (await loadSettings(tx))!);
        }
        await recordAudit(tx, {
          utilityId: utilityOf(req).id,
          actorId: user.id,
          actorKind: 'staff',
          action: 'ksef.settings',
          entity: 'ksef_settings',
          ip: req.ip,
          data: { environment: req.body.environment, authMethod: req.body.authMethod, newToken: req.body.token !== undefined, newCertificate: req.body.certificatePem !== undefined, newOfflineCertificate: req.body.offlineCertificatePem !== undefined, removedOfflineCertificate: req.body.removeOfflineCertificate === true },
        });
        return out;
      });
    },
  );

  app.post(
    '/api/staff/ksef/check',
    {
      config: { access: ADMIN },
      schema: { tags, summary: 'Sign in to KSeF now and report what it says', response: { 200: Type.Object({ ok: Type.Boolean(), code: Type.String(), text: Type.String() }) } },
    },
    async (req) => inTenant(app, req, (tx) => checkConnection(tx, box())),
  );

  app.post(
    '/api/staff/ksef/send',
    {
      config: { access: SENDERS },
      schema: {
        tags,
        summary: 'Queue invoices for KSeF (one by number, a billing run, or all not yet sent) and start the send job',
        body: SendBody,
        response: { 200: Type.Object({ queued: Type.Integer(), jobId: Type.Union([Type.Integer(), Type.Null()]) }) },
      },
    },
    async (req) => inTenant(app, req, (tx) => requestSend(tx, req.body)),
  );

  app.get(
    '/api/staff/ksef/overview',
    {
      config: { access: READERS },
      schema: { tags, summary: 'Invoices by KSeF state, recent sessions, the invoices waiting, rejected or offline, and those whose UPO did not validate', response: { 200: Type.Object({ counts: Type.Record(Type.String(), Type.Integer()), offlineWithoutCode: Type.Integer(), upoInvalid: Type.Integer(), sessions: Type.Array(Type.Any()), invoices: Type.Array(Type.Any()), upoInvalidInvoices: Type.Array(Type.Any()) }) } },
    },
    async (req) => inTenant(app, req, (tx) => overview(tx)),
  );

  app.get(
    '/api/staff/ksef/invoices/:invoiceId',
    { config: { access: READERS }, schema: { tags, summary: "An invoice's KSeF state and number", params: InvoiceParams, response: { 200: InvoiceKsef } } },
    async (req) => inTenant(app, req, (tx) => invoiceKsef(tx, Number(req.params.invoiceId))),
  );

  app.get(
    '/api/staff/ksef/invoices/:invoiceId/upo',
    { config: { access: READERS }, schema: { tags, summary: "The invoice's UPO (KSeF's receipt) as XML", params: InvoiceParams } },
    async (req, reply) => {
      const upo = await inTenant(app, req, (tx) => invoiceUpoBytes(tx, Number(req.params.invoiceId)));
      return reply.type('application/xml').header('content-disposition', `attachment; filename="UPO-${req.params.invoiceId}.xml"`).header('cache-control', 'private, no-store').send(upo);
    },
  );

  app.get(
    '/api/portal/invoices/:invoiceId/ksef',
    { config: { access: 'customer' }, schema: { tags, summary: "The KSeF number and state of one of the user's invoices", params: InvoiceParams, response: { 200: InvoiceKsef } } },
    async (req) => inTenant(app, req, (tx) => invoiceKsef(tx, Number(req.params.invoiceId), userOf(req).customerIds)),
  );

  app.get(
    '/api/portal/invoices/:invoiceId/upo',
    { config: { access: 'customer' }, schema: { tags, summary: "The UPO of one of the user's invoices, as XML", params: InvoiceParams } },
    async (req, reply) => {
      const upo = await inTenant(app, req, (tx) => invoiceUpoBytes(tx, Number(req.params.invoiceId), userOf(req).customerIds));
      return reply.type('application/xml').header('content-disposition', `attachment; filename="UPO-${req.params.invoiceId}.xml"`).header('cache-control', 'private, no-store').send(upo);
    },
  );
}
