/**
 * Faktury i saldo (/portal/balance): the balance at a glance (due, overdue,
 * overpaid, the next due date), each invoice's payment status and the
 * settlement history with a running balance and filters. `payAction` is the
 * slot the online payments add their "pay" buttons through.
 */
import type { ReactNode } from 'react';
import { DataState, useApi } from '../../components/data.tsx';
import { Page } from '../../components/Page.tsx';
import type { PageProps } from '../../routes.tsx';
import { useLang } from '../../i18n/index.ts';
import { useActiveCustomer } from '../../lib/active-customer.ts';
import { BalanceFigures, BalanceSentence, InvoiceStatuses, LedgerFilterForm, LedgerTable, useLedgerFilters } from './parts.tsx';
import type { ItemStatus, Ledger } from './types.ts';

export default function CustomerBalance({ payAction }: Partial<PageProps> & { payAction?: (item: ItemStatus, customerId: number) => ReactNode }) {
  const { t } = useLang();
  const { customerId } = useActiveCustomer();
  const { filters, setFilters, query } = useLedgerFilters();
  const ledger = useApi<Ledger>(customerId ? `/api/portal/customers/${customerId}/balance` : null, query);
  return (
    <Page title={t('payments.portal.title')} wide>
      <DataState loaded={ledger}>
        {(l) => (
          <>
            <section className="card" aria-labelledby="balance-glance">
              <h2 id="balance-glance">{t('payments.portal.glance')}</h2>
              <BalanceSentence summary={l.summary} />
              <BalanceFigures summary={l.summary} />
            </section>
            <section className="card" aria-labelledby="balance-invoices">
              <h2 id="balance-invoices">{t('payments.portal.invoices')}</h2>
              <InvoiceStatuses items={l.summary.items} actions={payAction && customerId ? (i) => payAction(i, customerId) : undefined} />
            </section>
            <section className="card" aria-labelledby="balance-history">
              <h2 id="balance-history">{t('payments.portal.history')}</h2>
              <LedgerFilterForm filters={filters} onChange={setFilters} />
              <LedgerTable entries={l.entries} />
            </section>
          </>
        )}
      </DataState>
    </Page>
  );
}
