/** One customer as staff see them: data, contracts, service points, meters. */
import type { StaffCustomer } from '../../api/types.ts';
import { DataState, useApi } from '../../components/data.tsx';
import { Page } from '../../components/Page.tsx';
import { useLang } from '../../i18n/index.ts';
import { Link } from '../../router.tsx';
import type { PageProps } from '../../routes.tsx';
import { ContractCard, CustomerFacts } from '../shared/CustomerDetails.tsx';
import { CustomerAccountSection } from './sections/CustomerAccountSection.tsx';
import StaffEinvoiceSection from '../einvoice/StaffEinvoiceSection.tsx';
import CasesSection from './sections/CasesSection.tsx';
import LedgerSection from '../payments/LedgerSection.tsx';

export default function CustomerView({ params }: PageProps) {
  const { t } = useLang();
  const customer = useApi<StaffCustomer>(`/api/staff/customers/${encodeURIComponent(params.customerId)}`);
  return (
    <Page title={customer.data?.name ?? t('customerView.title')} wide>
      <p>
        <Link to="/staff/customers">← {t('customerView.back')}</Link>
      </p>
      <DataState loaded={customer}>
        {(c) => (
          <>
            <section className="card" aria-labelledby="customer-data">
              <h2 id="customer-data">{t('customerView.data')}</h2>
              <CustomerFacts
                customer={c}
                extra={[
                  { label: t('fields.email'), value: c.email },
                  { label: t('fields.phone'), value: c.phone },
                  { label: 'NIP', value: c.nip },
                ]}
              />
            </section>
            <StaffEinvoiceSection customerId={c.id} onChange={customer.reload} />
            <h2>{t('customerView.contracts')}</h2>
            {c.contracts.length === 0 && <p className="muted">{t('contract.none')}</p>}
            {c.contracts.map((k) => (
              <ContractCard key={k.id} contract={k} readingsLink={(m) => `/staff/meters/${m.id}/readings`} />
            ))}
            <CustomerAccountSection customerId={params.customerId} />
            <CasesSection customerId={params.customerId} />
            <LedgerSection customerId={params.customerId} />
          </>
        )}
      </DataState>
    </Page>
  );
}
