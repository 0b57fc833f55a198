/** The customer's invoices and corrections (/portal/invoices), with their PDF and XML. */
import type { Page as ApiPage } from '../../api/types.ts';
import { PagedList, useApi, useListAddress } from '../../components/data.tsx';
import { Page } from '../../components/Page.tsx';
import { useLang } from '../../i18n/index.ts';
import type { Invoice } from './types.ts';
import { InvoiceTable } from './parts.tsx';
import { PayAllDue } from '../payments-online/PayAllDue.tsx';


const LIMIT = 24;

export default function CustomerInvoices() {
  const { t } = useLang();
  const { page, go, offset } = useListAddress('/portal/invoices', 'x', LIMIT);
  const list = useApi<ApiPage<Invoice>>('/api/portal/invoices', { limit: LIMIT, offset });
  return (
    <Page title={t('einvoice.invoices.title')} wide actions={<PayAllDue />}>
      <PagedList loaded={list} limit={LIMIT} page={page} onPage={(p) => go('', p)} status={(total) => t('einvoice.invoices.count', { count: total })}>
        {(items) => <InvoiceTable items={items} base="/api/portal/invoices" />}
      </PagedList>
    </Page>
  );
}
