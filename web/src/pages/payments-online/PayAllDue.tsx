/** "Zapłać wszystkie należne" for the customer chosen in the portal (for pages that list several customers' invoices). */
import { useActiveCustomer } from '../../lib/active-customer.ts';
import { PayButton } from './PayButton.tsx';

export function PayAllDue() {
  const { customerId } = useActiveCustomer();
  return customerId ? <PayButton customerId={customerId} /> : null;
}
