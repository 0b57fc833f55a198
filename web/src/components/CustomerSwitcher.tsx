/**
 * The customer switch in the header, for a login linked to several customers
 * (a landlord, a housing community's manager): a labelled select; nothing at
 * all for a login with one customer.
 */
import { useId } from 'react';
import type { PortalOverview } from '../api/types.ts';
import { useLang } from '../i18n/index.ts';
import { useActiveCustomer } from '../lib/active-customer.ts';
import { useApi } from './data.tsx';

export function CustomerSwitcher() {
  const { t } = useLang();
  const id = useId();
  const { customerId, customerIds, choose } = useActiveCustomer();
  const overview = useApi<PortalOverview>(customerIds.length > 1 ? '/api/portal/overview' : null);
  if (customerIds.length < 2) return null;
  const names = new Map((overview.data?.customers ?? []).map((c) => [c.id, `${c.name} (${c.customerNumber})`]));
  return (
    <li className="customer-switch">
      <label htmlFor={id}>{t('custdata.switch.label')}</label>{' '}
      <select id={id} value={customerId ?? ''} onChange={(e) => choose(Number(e.target.value))} style={{ width: 'auto', maxWidth: '20rem', minHeight: '2.25rem' }}>
        {customerIds.map((cid) => (
          <option key={cid} value={cid}>
            {names.get(cid) ?? t('custdata.switch.customer', { id: cid })}
          </option>
        ))}
      </select>
    </li>
  );
}
