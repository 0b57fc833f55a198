/**
 * THE REVIEWED ROUTE TABLE: who may call each route of the HTTP API.
 *
 * Every route the app registers must be listed here with the same callers its
 * code declares (`config.access`, see access.ts); test/route-access.test.ts
 * fails when a route is missing, when a row names a route that does not
 * exist, or when code and table differ, and it calls every route as every
 * kind of caller to check that exactly these get past the access check.
 * A change of policy is therefore a change of this file, seen in review.
 *
 * Callers (the `who` column, separated by spaces):
 *   anyone            no session needed (a public route: `why` must say why)
 *   customer          a signed-in portal user
 *   admin customer_service billing meter_reader auditor
 *                     staff users holding that role (admin passes every staff
 *                     route, so it is listed wherever a staff role is)
 *   gateway           a fixed-network gateway with its bearer token
 *
 * Adding a route is one line. Not listed (public by construction, marked so
 * in app.ts): the web app's static files and the single-page fallback, and
 * the OpenAPI pages under /api/docs.
 */
import { STAFF_ROLES, type Access } from './access.ts';

export const CALLERS = ['anyone', 'customer', 'admin', 'customer_service', 'billing', 'meter_reader', 'auditor', 'gateway'] as const;
export type Caller = (typeof CALLERS)[number];

export interface RoutePolicy {
  /** Callers, separated by spaces (see above). */
  who: string;
  /** Why a public route is public (required for `anyone`). */
  why?: string;
}

const STAFF = 'admin customer_service billing meter_reader auditor';
const SIGNED_IN = `customer ${STAFF}`;
/** Staff who work with customers' personal data (GDPR: meter readers do not need it). */
const CUSTOMER_DATA = 'admin customer_service billing auditor';
/** Who plans reading routes and brings walk-by files: field work. */
const METERING = 'admin meter_reader';

export const ROUTE_POLICIES: Record<string, RoutePolicy> = {
  // Health
  'GET /healthz':                                              { who: 'anyone', why: 'liveness probe of load balancers and monitoring; answers only {status}' },
  'GET /readyz':                                               { who: 'anyone', why: 'readiness probe; says only whether the database answers' },

  // The utility and its terms, before anyone signs in
  'GET /api/utility':                                          { who: 'anyone', why: "the utility's public branding and address, shown on the sign-in page" },
  'GET /api/terms/current':                                    { who: 'anyone', why: 'the terms must be readable before registering' },

  // Signing in and out, registration, recovery
  'GET /api/auth/session':                                     { who: 'anyone', why: 'tells the web app who is signed in (null for a guest)' },
  'POST /api/auth/login':                                      { who: 'anyone', why: 'signing in: there is no session before it' },
  'POST /api/auth/logout':                                     { who: 'anyone', why: 'signing out must work with an expired session too; ends only the caller\'s own' },
  'POST /api/auth/register':                                   { who: 'anyone', why: 'a new portal user registers with the activation code from the letter' },
  'POST /api/auth/verify-email':                               { who: 'anyone', why: 'the e-mailed link carries the token; the link may open in another browser' },
  'POST /api/auth/verify-email/resend':                        { who: 'anyone', why: 'a guest who lost the link; same answer for every address' },
  'POST /api/auth/password-reset/request':                     { who: 'anyone', why: 'a guest who forgot the password; same answer for every address' },
  'POST /api/auth/password-reset/confirm':                     { who: 'anyone', why: 'the e-mailed link carries the token' },
  'POST /api/auth/totp':                                       { who: STAFF },
  'POST /api/auth/password':                                   { who: SIGNED_IN },
  'POST /api/auth/totp/setup':                                 { who: STAFF },
  'POST /api/auth/totp/enable':                                { who: STAFF },

  // Staff users and portal access
  'GET /api/staff/users':                                      { who: 'admin' },
  'POST /api/staff/users':                                     { who: 'admin' },
  'PATCH /api/staff/users/:userId':                            { who: 'admin' },
  'POST /api/staff/users/:userId/totp-reset':                  { who: 'admin' },
  'POST /api/staff/customers/:customerId/portal-users':        { who: 'admin customer_service' },
  'POST /api/staff/customers/:customerId/activation-letter':   { who: 'admin customer_service' },

  // Development only (404 in production, see notify/routes.ts)
  'GET /api/dev/outbox':                                       { who: 'anyone', why: 'developer outbox: no SMTP in development; refused in production' },
  'GET /dev/outbox':                                           { who: 'anyone', why: 'the same outbox as a page' },

  // Customers (staff side) and the portal
  'GET /api/portal/overview':                                  { who: 'customer' },
  'GET /api/customers/:customerId/readings':                   { who: 'customer' },
  'GET /api/staff/overview':                                   { who: STAFF },
  'GET /api/staff/customers':                                  { who: CUSTOMER_DATA },
  'GET /api/staff/customers/:customerId':                      { who: CUSTOMER_DATA },
  'GET /api/staff/meters/:meterId/readings':                   { who: STAFF },
  'GET /api/staff/meters/:meterId':                            { who: STAFF },
  'POST /api/staff/meters/:meterId/exchange':                  { who: 'admin customer_service meter_reader' },

  // Reading routes: everyone on staff sees progress; field staff plan them
  'GET /api/staff/routes':                                     { who: STAFF },
  'GET /api/staff/routes/streets':                             { who: STAFF },
  'GET /api/staff/routes/readers':                             { who: STAFF },
  'GET /api/staff/routes/:routeId':                            { who: STAFF },
  'POST /api/staff/routes/preview':                            { who: METERING },
  'POST /api/staff/routes':                                    { who: METERING },
  'DELETE /api/staff/routes/:routeId':                         { who: METERING },
  'POST /api/staff/routes/:routeId/assign':                    { who: METERING },
  'DELETE /api/staff/routes/:routeId/assignments/:assignmentId': { who: METERING },
  'GET /api/staff/readings/:readingId/photo':                  { who: STAFF },
  'GET /api/reader/routes':                                    { who: METERING },
  'GET /api/reader/routes/:routeId':                           { who: METERING },
  'POST /api/reader/routes/:routeId/readings':                 { who: METERING },

  // Remote reading
  'POST /api/staff/walkby-uploads':                            { who: METERING },
  'GET /api/staff/walkby-uploads':                             { who: STAFF },
  'GET /api/staff/quarantine':                                 { who: STAFF },
  'POST /api/staff/radio-keys':                                { who: 'admin' },
  'GET /api/staff/gateways':                                   { who: 'admin' },
  'POST /api/staff/gateways':                                  { who: 'admin' },
  'POST /api/gateways/telegrams':                              { who: 'gateway' },
  'GET /api/staff/tasks':                                      { who: STAFF },
  // Closing an alarm says it was dealt with on site: not the auditor (reads only), not billing.
  'POST /api/staff/tasks/:taskId/close':                       { who: METERING },

  // --- Tariffs and billing runs (billing: issue 14) ---
  // Everyone on the staff reads tariffs and runs; billing (and admin) write tariffs and preview, approve and issue runs.
  'GET /api/staff/tariffs':                                    { who: STAFF },
  'POST /api/staff/tariffs':                                   { who: 'admin billing' },
  'PUT /api/staff/tariffs/:tariffId':                          { who: 'admin billing' },
  'POST /api/staff/tariffs/:tariffId/end':                     { who: 'admin billing' },
  'GET /api/staff/billing-runs':                               { who: STAFF },
  'POST /api/staff/billing-runs':                              { who: 'admin billing' },
  'GET /api/staff/billing-runs/:runId':                        { who: STAFF },
  'GET /api/staff/billing-runs/:runId/lines':                  { who: STAFF },
  'POST /api/staff/billing-runs/:runId/approve':               { who: 'admin billing' },
  'POST /api/staff/billing-runs/:runId/issue':                 { who: 'admin billing' },

  // --- end of that section ---

  // --- Invoice documents: PDF, print batches, delivery, background jobs (issue 14) ---
  // Delivery failures and the print batch are the billing office's (admin passes every staff route).
  'GET /api/staff/jobs':                                       { who: 'admin billing' },
  'POST /api/staff/jobs/:jobId/retry':                         { who: 'admin billing' },
  'GET /api/staff/print-batch':                                { who: 'admin billing' },

  // --- end of that section ---

  // --- E-invoice consent, the portal's invoices, staff invoice search, corrections (issue 14) ---
  'GET /api/portal/customers/:customerId/einvoice':            { who: 'customer' },
  'POST /api/portal/customers/:customerId/einvoice':           { who: 'customer' },
  'PATCH /api/portal/customers/:customerId/einvoice':          { who: 'customer' },
  'POST /api/portal/customers/:customerId/einvoice/withdraw':  { who: 'customer' },
  'GET /api/portal/invoices':                                  { who: 'customer' },
  'GET /api/portal/invoices/:invoiceId/xml':                   { who: 'customer' },
  'GET /api/portal/invoices/:invoiceId/pdf':                   { who: 'customer' },
  'GET /api/staff/customers/:customerId/einvoice':             { who: CUSTOMER_DATA },
  // A signed paper form is recorded (or a withdrawal taken) at the customer service desk.
  'POST /api/staff/customers/:customerId/einvoice':            { who: 'admin customer_service' },
  'POST /api/staff/customers/:customerId/einvoice/withdraw':   { who: 'admin customer_service' },
  'GET /api/staff/einvoice-consents/:consentId/form':          { who: CUSTOMER_DATA },
  'GET /api/staff/invoices':                                   { who: CUSTOMER_DATA },
  'GET /api/staff/invoices/:invoiceId':                        { who: CUSTOMER_DATA },
  'GET /api/staff/invoices/:invoiceId/xml':                    { who: CUSTOMER_DATA },
  'GET /api/staff/invoices/:invoiceId/pdf':                    { who: CUSTOMER_DATA },
  'POST /api/staff/invoices/:invoiceId/corrections':           { who: 'admin billing' },

  // --- end of that section ---

  // --- Contracts, reading submission and verification, consumption analysis (issue 13) ---
  'GET /api/portal/contracts':                                  { who: 'customer' },
  'POST /api/customers/:customerId/meters/:meterId/readings':  { who: 'customer' },
  'GET /api/customers/:customerId/consumption':                { who: 'customer' },
  'GET /api/customers/:customerId/consumption/csv':            { who: 'customer' },
  'GET /api/staff/verification':                               { who: 'admin customer_service billing auditor' },
  'POST /api/staff/readings/:readingId/verification':          { who: 'admin customer_service billing' },

  // --- end of that section ---

  // --- Cases: complaints, failure reports, messages, the staff inbox (issue 13) ---
  // The customer's own cases (the case must be one of the login's customers; checked by the query).
  'GET /api/portal/cases':                                     { who: 'customer' },
  'POST /api/portal/cases':                                    { who: 'customer' },
  'GET /api/portal/cases/:caseId':                             { who: 'customer' },
  'GET /api/portal/case-invoices':                             { who: 'customer' },
  'POST /api/portal/cases/:caseId/messages':                   { who: 'customer' },
  'GET /api/portal/cases/:caseId/attachments/:fileId':         { who: 'customer' },
  // The inbox: customer service (and admin) act; the auditor and billing read.
  'GET /api/staff/cases':                                      { who: 'admin customer_service auditor billing' },
  'GET /api/staff/case-assignees':                             { who: 'admin customer_service auditor billing' },
  'GET /api/staff/cases/:caseId':                              { who: 'admin customer_service auditor billing' },
  'GET /api/staff/cases/:caseId/attachments/:fileId':          { who: 'admin customer_service auditor billing' },
  'POST /api/staff/cases/:caseId/assign':                      { who: 'admin customer_service' },
  'POST /api/staff/cases/:caseId/status':                      { who: 'admin customer_service' },
  'POST /api/staff/cases/:caseId/messages':                    { who: 'admin customer_service' },

  // --- end of that section ---

  // --- Customer data, change requests, GDPR export, portal accounts (issue 13) ---
  'GET /api/portal/customers/:customerId/account':             { who: 'customer' },
  'GET /api/portal/customers/:customerId/change-requests':     { who: 'customer' },
  'POST /api/portal/customers/:customerId/change-requests':    { who: 'customer' },
  'GET /api/portal/personal-data':                             { who: 'customer' },
  'GET /api/portal/personal-data/pdf':                         { who: 'customer' },
  'POST /api/portal/account/close':                            { who: 'customer' },
  // The auditor and billing read requests; customer service decides them.
  'GET /api/staff/change-requests':                            { who: CUSTOMER_DATA },
  'GET /api/staff/change-requests/:requestId/attachment':      { who: CUSTOMER_DATA },
  'POST /api/staff/change-requests/:requestId/approve':        { who: 'admin customer_service' },
  'POST /api/staff/change-requests/:requestId/reject':         { who: 'admin customer_service' },
  'GET /api/staff/customers/:customerId/account':              { who: CUSTOMER_DATA },
  'POST /api/staff/customers/:customerId/portal-users/:userId/password-reset': { who: 'admin customer_service' },
  'POST /api/staff/customers/:customerId/portal-users/:userId/lock':           { who: 'admin customer_service' },
  'POST /api/staff/customers/:customerId/portal-users/:userId/unlock':         { who: 'admin customer_service' },

  // --- end of that section ---

  // --- Notices, forms and terms versions (issue 13) ---
  'GET /api/notices':                                          { who: 'anyone', why: 'outage notices are public: residents without an account must see them' },
  'GET /api/portal/notices':                                   { who: 'customer' },
  'GET /api/staff/notices':                                    { who: STAFF },
  'GET /api/staff/notices/:noticeId':                          { who: CUSTOMER_DATA },
  'POST /api/staff/notices/preview':                           { who: 'admin customer_service' },
  'POST /api/staff/notices':                                   { who: 'admin customer_service' },
  'POST /api/staff/notices/:noticeId/publish':                 { who: 'admin customer_service' },
  'POST /api/staff/notices/:noticeId/end':                     { who: 'admin customer_service' },
  'GET /api/forms':                                            { who: 'anyone', why: "the utility's forms are for everyone, customers or not" },
  'GET /api/forms/:documentId/file':                           { who: 'anyone', why: 'a published form downloads without signing in' },
  'GET /api/staff/forms':                                      { who: STAFF },
  'POST /api/staff/forms':                                     { who: 'admin customer_service' },
  'POST /api/staff/forms/:documentId/publish':                 { who: 'admin customer_service' },
  'POST /api/staff/forms/:documentId/withdraw':                { who: 'admin customer_service' },
  'GET /api/staff/forms/:documentId/file':                     { who: STAFF },
  'GET /api/staff/terms':                                      { who: STAFF },
  'POST /api/staff/terms':                                     { who: 'admin' },
  'GET /api/portal/terms/pending':                             { who: 'customer' },
  'POST /api/portal/terms/accept':                             { who: 'customer' },

  // --- end of that section ---

  // --- Arrears (issue 15) ---
  'GET /api/staff/arrears/report':                             { who: 'admin billing auditor' },
  'GET /api/staff/arrears/report/csv':                         { who: 'admin billing auditor' },
  'GET /api/staff/arrears/rates':                              { who: 'admin billing auditor' },
  'POST /api/staff/arrears/rates':                             { who: 'admin billing' },
  'POST /api/staff/arrears/reminders/run':                     { who: 'admin billing' },
  'GET /api/staff/arrears/reminders':                          { who: 'admin billing auditor' },
  'GET /api/staff/arrears/reminders/:reminderId/pdf':          { who: 'admin billing auditor' },
  'GET /api/staff/customers/:customerId/arrears/interest-note': { who: 'admin billing auditor' },
  'GET /api/staff/customers/:customerId/arrears/reminder':     { who: 'admin billing auditor' },
  // --- end of that section ---

  // --- Billing runs pages, run resume, corrections from the engine (issue 14) ---
  'POST /api/staff/invoices/:invoiceId/corrections/preview':   { who: 'admin billing' },
  // --- end of that section ---

  // --- Payments: statements, ledger (issue 15) ---
  'GET /api/portal/customers/:customerId/balance':             { who: 'customer' },
  'GET /api/staff/customers/:customerId/ledger':               { who: 'admin billing auditor customer_service' },
  'POST /api/staff/customers/:customerId/allocations':         { who: 'admin billing' },
  'POST /api/staff/customers/:customerId/refunds':             { who: 'admin billing' },
  'POST /api/staff/customers/:customerId/adjustments':         { who: 'admin billing' },
  'POST /api/staff/payments/imports':                          { who: 'admin billing' },
  'GET /api/staff/payments/imports':                           { who: 'admin billing auditor customer_service' },
  'GET /api/staff/payments/unmatched':                         { who: 'admin billing auditor customer_service' },
  'POST /api/staff/payments/lines/:lineId/assign':             { who: 'admin billing' },
  // --- end of that section ---

  // --- Online payments (issue 15) ---
  'GET /api/portal/customers/:customerId/online-payments':     { who: 'customer' },
  'POST /api/portal/customers/:customerId/online-payments':    { who: 'customer' },
  'GET /api/portal/online-payments/status':                    { who: 'customer' },
  'POST /api/payments/online/p24/notify':                      { who: 'anyone', why: 'Przelewy24 calls it from its servers, without a session; authenticated by the SHA-384 sign of the body, then confirmed by our verify call' },
  'POST /api/payments/online/payu/notify':                     { who: 'anyone', why: 'PayU calls it from its servers, without a session; authenticated by the OpenPayu-Signature header over the body, then confirmed by reading the order back' },
  'GET /api/staff/online-payments/config':                     { who: 'admin' },
  'PUT /api/staff/online-payments/config':                     { who: 'admin' },
  'GET /api/staff/online-payments/notifications':              { who: 'admin billing auditor' },

  // --- end of that section ---

  // --- KSeF (issue 16) ---
  'GET /api/staff/ksef/settings':                              { who: 'admin billing customer_service auditor' },
  'PUT /api/staff/ksef/settings':                              { who: 'admin' },
  'POST /api/staff/ksef/check':                                { who: 'admin' },
  'POST /api/staff/ksef/send':                                 { who: 'admin billing' },
  'GET /api/staff/ksef/overview':                              { who: 'admin billing customer_service auditor' },
  'GET /api/staff/ksef/invoices/:invoiceId':                   { who: 'admin billing customer_service auditor' },
  'GET /api/staff/ksef/invoices/:invoiceId/upo':               { who: 'admin billing customer_service auditor' },
  'GET /api/portal/invoices/:invoiceId/ksef':                  { who: 'customer' },
  'GET /api/portal/invoices/:invoiceId/upo':                   { who: 'customer' },
  // --- end of that section ---

  // --- Accessibility statement (issue 13) ---
  'GET /api/accessibility-statement':                          { who: 'anyone', why: 'the law (Act of 4 April 2019, art. 10) requires the accessibility statement to be public, readable without an account' },


  // --- end of that section ---

  // --- Staff overview lists (issue 13) ---
  'GET /api/staff/overview/meters':                            { who: STAFF },
  'GET /api/staff/overview/meters/csv':                        { who: STAFF },
  'GET /api/staff/overview/readings':                          { who: STAFF },

  // --- end of that section ---
};

/** The callers a table row names, sorted; throws on a word that is not a caller. */
export function callersOf(key: string, policy: RoutePolicy): Caller[] {
  const words = policy.who.split(/\s+/).filter(Boolean);
  for (const w of words) if (!(CALLERS as readonly string[]).includes(w)) throw new Error(`route-policies: ${key} names an unknown caller "${w}"`);
  return [...new Set(words as Caller[])].sort();
}

/** The callers a declared policy lets past the access check (admin passes every staff policy). */
export function callersOfAccess(access: Access): Caller[] {
  const staff = [...STAFF_ROLES] as Caller[];
  const set: Caller[] =
    access === 'public' ? ['anyone']
    : access === 'gateway' ? ['gateway']
    : access === 'customer' ? ['customer']
    : access === 'signed-in' ? ['customer', ...staff]
    : access === 'staff' ? staff
    : ['admin', ...(access.slice(6).split(',') as Caller[])];
  return [...new Set(set)].sort();
}

/**
 * Where the app's declared policies and the table disagree: routes missing
 * from the table, rows naming no route, different callers, public rows
 * without a reason. Empty when they agree.
 */
export function policyMismatches(declared: ReadonlyArray<{ method: string; url: string; access: Access }>, table: Record<string, RoutePolicy>): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const r of declared) {
    const key = `${r.method} ${r.url}`;
    seen.add(key);
    const row = table[key];
    if (!row) {
      out.push(`${key} (${r.access}) is not in the route table (src/http/route-policies.ts)`);
      continue;
    }
    const want = callersOf(key, row).join(' ');
    const got = callersOfAccess(r.access).join(' ');
    if (want !== got) out.push(`${key}: the code lets in "${got}" (${r.access}), the table says "${want}"`);
  }
  for (const [key, row] of Object.entries(table)) {
    if (!seen.has(key)) out.push(`${key} is in the route table but the app has no such route`);
    const callers = callersOf(key, row);
    if (callers.includes('anyone') && callers.length > 1) out.push(`${key}: "anyone" already includes every caller; list it alone`);
    if (callers.includes('anyone') && !row.why?.trim()) out.push(`${key} is public without a reason (why)`);
  }
  return out;
}
