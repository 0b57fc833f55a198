/**
 * Where every module's routes are registered. A module exports one function
 * `routes(app, deps)`; adding a module is one line here.
 */
import type { App, AppDeps } from './context.ts';
import { routes as utilityRoutes } from '../modules/utilities/routes.ts';
import { routes as identityRoutes } from '../modules/identity/routes.ts';
import { routes as outboxRoutes } from '../modules/notify/routes.ts';
import { routes as readingRouteRoutes } from '../modules/metering/routes/routes.ts';
import { routes as ingestRoutes } from '../modules/metering/ingest/routes.ts';
import { routes as readingsRoutes } from '../modules/readings/routes.ts';
import { routes as customerRoutes } from '../modules/customers/routes.ts';
import { routes as changeRequestRoutes } from '../modules/change-requests/routes.ts';
import { routes as customerAccountRoutes } from '../modules/customer-account/routes.ts';
import { routes as einvoiceRoutes } from '../modules/einvoice/routes.ts';
import { routes as noticeRoutes } from '../modules/notices/routes.ts';
import { routes as documentRoutes } from '../modules/documents/routes.ts';
import { routes as caseRoutes } from '../modules/cases/routes.ts';
import { routes as jobRoutes } from '../jobs/routes.ts';
import { routes as billingRunRoutes, tariffRoutes } from '../modules/billing/runs/http.ts';
import { routes as arrearsRoutes } from '../modules/payments/arrears/routes.ts';
import { routes as paymentRoutes } from '../modules/payments/routes.ts';
import { routes as onlinePaymentRoutes } from '../modules/payments/online/routes.ts';
import { routes as ksefRoutes } from '../modules/ksef/routes.ts';
import { routes as accessibilityRoutes } from '../modules/accessibility/routes.ts';
import { routes as overviewListRoutes } from '../modules/overview-lists/routes.ts';
import { routes as meterRoutes } from '../modules/meters/routes.ts';

export async function registerModules(app: App, deps: AppDeps): Promise<void> {
  await utilityRoutes(app, deps);
  await identityRoutes(app, deps);
  await outboxRoutes(app, deps);
  await readingRouteRoutes(app, deps);
  await ingestRoutes(app, deps);
  await readingsRoutes(app, deps);
  await customerRoutes(app, deps);
  await changeRequestRoutes(app, deps);
  await customerAccountRoutes(app, deps);
  await einvoiceRoutes(app, deps);
  await noticeRoutes(app, deps);
  await documentRoutes(app, deps);
  await caseRoutes(app, deps);
  await jobRoutes(app, deps);
  await billingRunRoutes(app, deps);
  await tariffRoutes(app, deps);
  await arrearsRoutes(app, deps);
  await paymentRoutes(app, deps);
  await onlinePaymentRoutes(app, deps);
  await ksefRoutes(app, deps);
  await accessibilityRoutes(app, deps);
  await overviewListRoutes(app, deps);
  await meterRoutes(app, deps);
}
