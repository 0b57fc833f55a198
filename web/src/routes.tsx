/**
 * The route table: every page of the app, its path (inside the tenant
 * prefix) and who may open it. The shell (App.tsx) finds the first route
 * whose path matches, checks `access` against the session (sending guests
 * to /login and users who must change their password to /change-password)
 * and renders the page with the path's parameters.
 *
 * To add a page: write `pages/<area>/<Name>.tsx` exporting a default
 * component `({ params }: PageProps) => ...`, add a row here with a lazy
 * import (each page is its own chunk, so the first load stays small), and
 * add it to a menu in nav.ts if it should be reachable from there.
 */
import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import type { Access } from './access.ts';
import Login from './pages/public/Login.tsx';

export interface PageProps {
  params: Record<string, string>;
}

export interface RouteDef {
  path: string;
  access: Access;
  page: ComponentType<PageProps> | LazyExoticComponent<ComponentType<PageProps>>;
}

const page = (load: () => Promise<{ default: ComponentType<PageProps> }>) => lazy(load);

export const routes: RouteDef[] = [
  // Public
  { path: '/', access: 'public', page: page(() => import('./pages/public/Home.tsx')) },
  { path: '/login', access: 'public', page: Login },
  { path: '/register', access: 'public', page: page(() => import('./pages/public/Register.tsx')) },
  { path: '/verify-email', access: 'public', page: page(() => import('./pages/public/VerifyEmail.tsx')) },
  { path: '/reset-password', access: 'public', page: page(() => import('./pages/public/ResetPassword.tsx')) },
  { path: '/change-password', access: 'signed-in', page: page(() => import('./pages/public/ChangePassword.tsx')) },
  // Notices, forms and terms (pages/notices)
  { path: '/notices', access: 'public', page: page(() => import('./pages/notices/PublicNotices.tsx')) },
  { path: '/forms', access: 'public', page: page(() => import('./pages/notices/PublicForms.tsx')) },
  { path: '/accept-terms', access: 'customer', page: page(() => import('./pages/notices/AcceptTerms.tsx')) },
  { path: '/staff/notices', access: 'staff', page: page(() => import('./pages/notices/StaffNotices.tsx')) },
  { path: '/staff/notices/new', access: 'staff:customer_service', page: page(() => import('./pages/notices/NoticeEditor.tsx')) },
  { path: '/staff/notices/:noticeId', access: 'staff:customer_service,billing,auditor', page: page(() => import('./pages/notices/NoticeDetail.tsx')) },
  { path: '/staff/forms', access: 'staff', page: page(() => import('./pages/notices/StaffForms.tsx')) },
  { path: '/staff/terms', access: 'staff', page: page(() => import('./pages/notices/StaffTerms.tsx')) },
  // Accessibility statement (pages/a11y), public as the law requires
  { path: '/dostepnosc', access: 'public', page: page(() => import('./pages/a11y/Statement.tsx')) },
  // Staff overview lists (pages/overview): what each overview tile counts
  { path: '/staff/overview/meters', access: 'staff', page: page(() => import('./pages/overview/OverviewList.tsx')) },
  { path: '/staff/overview/readings', access: 'staff', page: page(() => import('./pages/overview/OverviewList.tsx')) },

  // Customer portal
  { path: '/portal', access: 'customer', page: page(() => import('./pages/customer/Dashboard.tsx')) },
  {
    path: '/portal/customers/:customerId/meters/:meterId/readings',
    access: 'customer',
    page: page(() => import('./pages/customer/Readings.tsx')),
  },
  { path: '/portal/contracts', access: 'customer', page: page(() => import('./pages/readings/Contracts.tsx')) },
  { path: '/portal/consumption', access: 'customer', page: page(() => import('./pages/readings/Consumption.tsx')) },
  { path: '/portal/account', access: 'customer', page: page(() => import('./pages/customer/Account.tsx')) },

  // E-invoice consent and the customer's invoices (pages/einvoice)
  { path: '/portal/einvoice', access: 'customer', page: page(() => import('./pages/einvoice/CustomerEinvoice.tsx')) },
  { path: '/portal/invoices', access: 'customer', page: page(() => import('./pages/einvoice/CustomerInvoices.tsx')) },
  // Online payment (pages/payments-online, issue 15)
  { path: '/portal/payments', access: 'customer', page: page(() => import('./pages/payments-online/PortalPayments.tsx')) },
  { path: '/portal/payments/return', access: 'customer', page: page(() => import('./pages/payments-online/PaymentReturn.tsx')) },
  { path: '/staff/online-payments', access: 'staff:admin', page: page(() => import('./pages/payments-online/StaffConfig.tsx')) },

  // Cases (pages/cases): the customer's cases and the staff inbox
  { path: '/portal/cases', access: 'customer', page: page(() => import('./pages/cases/CustomerCases.tsx')) },
  { path: '/portal/cases/new', access: 'customer', page: page(() => import('./pages/cases/NewCase.tsx')) },
  { path: '/portal/cases/:caseId', access: 'customer', page: page(() => import('./pages/cases/CustomerCase.tsx')) },
  { path: '/staff/inbox', access: 'staff:customer_service,auditor,billing', page: page(() => import('./pages/cases/Inbox.tsx')) },
  { path: '/staff/cases/:caseId', access: 'staff:customer_service,auditor,billing', page: page(() => import('./pages/cases/StaffCase.tsx')) },

  // Payments and balance (pages/payments, issue 15)
  { path: '/portal/balance', access: 'customer', page: page(() => import('./pages/payments/CustomerBalance.tsx')) },
  { path: '/staff/payments', access: 'staff:billing,auditor,customer_service', page: page(() => import('./pages/payments/StaffPayments.tsx')) },

  // Staff back office
  { path: '/staff', access: 'staff', page: page(() => import('./pages/staff/Overview.tsx')) },
  { path: '/staff/customers', access: 'staff', page: page(() => import('./pages/staff/Customers.tsx')) },
  { path: '/staff/customers/:customerId', access: 'staff', page: page(() => import('./pages/staff/CustomerView.tsx')) },
  { path: '/staff/change-requests', access: 'staff:admin,customer_service,billing,auditor', page: page(() => import('./pages/staff/ChangeRequests.tsx')) },
  { path: '/staff/meters/:meterId/readings', access: 'staff', page: page(() => import('./pages/staff/MeterReadings.tsx')) },
  { path: '/staff/verification', access: 'staff:customer_service,billing,auditor', page: page(() => import('./pages/readings/Verification.tsx')) },
  { path: '/staff/security', access: 'staff', page: page(() => import('./pages/staff/Security.tsx')) },
  { path: '/staff/users', access: 'staff:admin', page: page(() => import('./pages/staff/Users.tsx')) },

  // Invoices: search, documents, corrections (pages/einvoice)
  { path: '/staff/invoices', access: 'staff:admin,customer_service,billing,auditor', page: page(() => import('./pages/einvoice/StaffInvoices.tsx')) },
  { path: '/staff/invoices/:invoiceId', access: 'staff:admin,customer_service,billing,auditor', page: page(() => import('./pages/einvoice/StaffInvoiceView.tsx')) },
  // KSeF: configuration, sessions, invoices waiting, rejected or offline (pages/ksef, issue 16)
  { path: '/staff/ksef', access: 'staff:admin,billing,customer_service,auditor', page: page(() => import('./pages/ksef/KsefPage.tsx')) },
  // Background jobs and the print batch of paper invoices (pages/jobs)
  { path: '/staff/jobs', access: 'staff:billing', page: page(() => import('./pages/jobs/FailedJobs.tsx')) },
  // Billing: tariffs (pages/billing)
  { path: '/staff/tariffs', access: 'staff', page: page(() => import('./pages/billing/Tariffs.tsx')) },
  // Billing runs: list, new run, preview, approve, issue (pages/billing)
  { path: '/staff/billing-runs', access: 'staff', page: page(() => import('./pages/billing/Runs.tsx')) },
  { path: '/staff/billing-runs/:runId', access: 'staff', page: page(() => import('./pages/billing/RunDetail.tsx')) },

  // Remote reading and reading routes (pages/metering)
  { path: '/staff/routes', access: 'staff', page: page(() => import('./pages/metering/RoutesList.tsx')) },
  { path: '/staff/routes/new', access: 'staff:admin,meter_reader', page: page(() => import('./pages/metering/RouteBuilder.tsx')) },
  { path: '/staff/routes/:routeId', access: 'staff', page: page(() => import('./pages/metering/RouteDetail.tsx')) },
  { path: '/staff/walkby', access: 'staff', page: page(() => import('./pages/metering/WalkbyUploads.tsx')) },
  { path: '/staff/quarantine', access: 'staff', page: page(() => import('./pages/metering/Quarantine.tsx')) },
  { path: '/staff/gateways', access: 'staff:admin', page: page(() => import('./pages/metering/Gateways.tsx')) },
  { path: '/staff/tasks', access: 'staff', page: page(() => import('./pages/metering/Tasks.tsx')) },
  // The meter reader's phone view
  { path: '/reader', access: 'staff:meter_reader', page: page(() => import('./pages/metering/reader/ReaderHome.tsx')) },
  { path: '/reader/routes/:routeId', access: 'staff:meter_reader', page: page(() => import('./pages/metering/reader/ReaderRoute.tsx')) },
  { path: '/reader/routes/:routeId/stops/:position', access: 'staff:meter_reader', page: page(() => import('./pages/metering/reader/ReaderStop.tsx')) },
];
