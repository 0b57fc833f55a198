/** The customer's due invoices with "pay" for each and for all (/portal/payments). */
import { DataState, DataTable, useApi } from '../../components/data.tsx';
import { Notice } from '../../components/forms.tsx';
import { Page } from '../../components/Page.tsx';
import { useLang } from '../../i18n/index.ts';
import { useActiveCustomer } from '../../lib/active-customer.ts';
import { formatDate, formatMoney } from '../../lib/format.ts';
import { PayButton } from './PayButton.tsx';
import type { Options } from './types.ts';

export default function PortalPayments() {
  const { t } = useLang();
  const { customerId } = useActiveCustomer();
  return <Page title={t('onlinePay.title')}>{customerId ? <DueList customerId={customerId} /> : <p>{t('onlinePay.noCustomer')}</p>}</Page>;
}

function DueList({ customerId }: { customerId: number }) {
  const { t, lang } = useLang();
  const options = useApi<Options>(`/api/portal/customers/${customerId}/online-payments`);
  return (
    <DataState loaded={options}>
      {(o) =>
        o.dueInvoices.length === 0 ? (
          <Notice kind="success">{t('onlinePay.nothingDue')}</Notice>
        ) : (
          <>
            {!o.enabled && <Notice>{t('onlinePay.off')}</Notice>}
            <p>{t('onlinePay.totalDue', { amount: formatMoney(o.totalDueGrosze, lang) })}</p>
            <PayButton customerId={customerId} />
            <DataTable
              caption={t('onlinePay.dueCaption')}
              columns={[t('onlinePay.invoice'), t('onlinePay.dueDate'), { label: t('onlinePay.open'), className: 'num' }, t('onlinePay.action')]}
              items={o.dueInvoices}
              row={(d) => (
                <tr key={d.id}>
                  <th scope="row" data-label={t('onlinePay.invoice')}>
                    {d.number}
                  </th>
                  <td data-label={t('onlinePay.dueDate')}>{formatDate(d.dueDate, lang)}</td>
                  <td className="num" data-label={t('onlinePay.open')}>
                    {formatMoney(d.openGrosze, lang)}
                  </td>
                  <td data-label={t('onlinePay.action')}>
                    <PayButton customerId={customerId} invoiceIds={[d.id]} />
                  </td>
                </tr>
              )}
            />
          </>
        )
      }
    </DataState>
  );
}
