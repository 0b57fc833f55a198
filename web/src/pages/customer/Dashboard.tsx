/** The customer's start page: each of their customers with contracts, service points and meters. */
import type { PortalOverview } from '../../api/types.ts';
import { DataState, useApi } from '../../components/data.tsx';
import { Page } from '../../components/Page.tsx';
import { useLang } from '../../i18n/index.ts';
import { useSession } from '../../session.tsx';
import { ContractCard, CustomerFacts } from '../shared/CustomerDetails.tsx';
import NoticesPanel from './panels/NoticesPanel.tsx';
import { MetersPanel } from './panels/MetersPanel.tsx';
import { ChangeRequestsPanel } from './panels/ChangeRequestsPanel.tsx';
import EinvoicePanel from './panels/EinvoicePanel.tsx';
import CasesPanel from './panels/CasesPanel.tsx';
import BalancePanel from '../payments/BalancePanel.tsx';

export default function Dashboard() {
  const { t } = useLang();
  const { user } = useSession();
  const overview = useApi<PortalOverview>('/api/portal/overview');
  return (
    <Page title={t('dashboard.title')}>
      <p className="lead">{t('dashboard.welcome', { name: user?.name || user?.email })}</p>
      <NoticesPanel />
      <BalancePanel />
      <MetersPanel />
      <ChangeRequestsPanel />
      <CasesPanel />
      <DataState loaded={overview}>
        {(o) =>
          o.customers.length === 0 ? (
            <p>{t('dashboard.noCustomers')}</p>
          ) : (
            o.customers.map((c) => (
              <section key={c.id} className="customer-block" aria-labelledby={`customer-${c.id}`}>
                <h2 id={`customer-${c.id}`}>{c.name}</h2>
                <CustomerFacts customer={c} />
                <EinvoicePanel customerId={c.id} />
                {c.contracts.length === 0 && <p className="muted">{t('contract.none')}</p>}
                {c.contracts.map((k) => (
                  <ContractCard key={k.id} contract={k} readingsLink={(m) => `/portal/customers/${c.id}/meters/${m.id}/readings`} />
                ))}
              </section>
            ))
          )
        }
      </DataState>
    </Page>
  );
}
