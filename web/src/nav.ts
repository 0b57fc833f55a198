/**
 * The navigation menus. Each item names a route of routes.tsx and the
 * policy that shows it (the same words as the route's `access`); a group
 * with no item the user may see is not shown.
 *
 * To add a page to a menu: add its route in routes.tsx, then one item below
 * in the group where it belongs (staff: customers, metering, billing,
 * payments, administration) with a label key from i18n/pl.json and en.json.
 */
import type { Access } from './access.ts';

export interface NavItem {
  to: string;
  /** translation key */
  label: string;
  access: Access;
  /** mark as current only on exactly this path (not its sub-pages) */
  exact?: boolean;
}

export interface NavGroup {
  /** translation key of the group's name (read by screen readers) */
  label: string;
  items: NavItem[];
}

export const customerNav: NavGroup[] = [
  {
    label: 'nav.portal',
    items: [
      { to: '/portal', label: 'nav.dashboard', access: 'customer', exact: true },
      { to: '/portal/contracts', label: 'readingsPortal.nav.contracts', access: 'customer' },
      { to: '/portal/consumption', label: 'readingsPortal.nav.consumption', access: 'customer' },
      { to: '/portal/account', label: 'custdata.nav.account', access: 'customer' },
      { to: '/portal/invoices', label: 'einvoice.nav.invoices', access: 'customer' },
      { to: '/portal/balance', label: 'payments.nav.balance', access: 'customer' },
      { to: '/portal/einvoice', label: 'einvoice.nav.einvoice', access: 'customer' },
      { to: '/portal/payments', label: 'onlinePay.nav.payments', access: 'customer' },
      { to: '/notices', label: 'notices.nav.notices', access: 'customer' },
      { to: '/forms', label: 'notices.nav.forms', access: 'customer' },
      { to: '/portal/cases', label: 'cases.nav', access: 'customer' },
    ],
  },
];

export const staffNav: NavGroup[] = [
  {
    label: 'nav.groupCustomers',
    items: [
      { to: '/staff', label: 'nav.overview', access: 'staff', exact: true },
      { to: '/staff/customers', label: 'nav.customers', access: 'staff' },
      { to: '/staff/verification', label: 'readingsPortal.nav.verification', access: 'staff:customer_service,billing,auditor' },
      { to: '/staff/change-requests', label: 'custdata.nav.changeRequests', access: 'staff:admin,customer_service,billing,auditor' },
      { to: '/staff/invoices', label: 'einvoice.nav.staffInvoices', access: 'staff:admin,customer_service,billing,auditor' },
      { to: '/staff/payments', label: 'payments.nav.statements', access: 'staff:billing,auditor,customer_service' },
      { to: '/staff/notices', label: 'notices.nav.staffNotices', access: 'staff' },
      { to: '/staff/forms', label: 'notices.nav.staffForms', access: 'staff' },
      { to: '/staff/inbox', label: 'cases.navInbox', access: 'staff:customer_service,auditor,billing' },
    ],
  },
  {
    // Remote reading: walk-by uploads, quarantine, gateways, alarm tasks, reading routes, the reader's view.
    label: 'nav.groupMetering',
    items: [
      { to: '/reader', label: 'nav.reader', access: 'staff:meter_reader' },
      { to: '/staff/routes', label: 'nav.routes', access: 'staff' },
      { to: '/staff/walkby', label: 'nav.walkby', access: 'staff' },
      { to: '/staff/quarantine', label: 'nav.quarantine', access: 'staff' },
      { to: '/staff/tasks', label: 'nav.tasks', access: 'staff' },
      { to: '/staff/gateways', label: 'nav.gateways', access: 'staff:admin' },
    ],
  },
  {
    label: 'runs.nav.group',
    items: [
      { to: '/staff/tariffs', label: 'runs.nav.tariffs', access: 'staff' },
      { to: '/staff/billing-runs', label: 'runs.nav.runs', access: 'staff' },
    ],
  },
  {
    label: 'nav.groupAdmin',
    items: [
      { to: '/staff/users', label: 'nav.users', access: 'staff:admin' },
      { to: '/staff/online-payments', label: 'onlinePay.nav.staffConfig', access: 'staff:admin' },
      { to: '/staff/terms', label: 'notices.nav.staffTerms', access: 'staff' },
      { to: '/staff/jobs', label: 'invoiceDocs.nav', access: 'staff:billing' },
      { to: '/staff/ksef', label: 'ksef.nav', access: 'staff:admin,billing,customer_service,auditor' },
    ],
  },
];

/** The menu for a user's kind. */
export const navFor = (kind: 'customer' | 'staff') => (kind === 'staff' ? staffNav : customerNav);
