/**
 * Where the provider sends the customer back (/portal/payments/return?session=…).
 * The provider's notification may arrive a moment after the browser: the page
 * asks again every 2 s for a minute while the payment is still registered.
 */
import { useEffect } from 'react';
import { DataState, useApi } from '../../components/data.tsx';
import { Notice } from '../../components/forms.tsx';
import { Page } from '../../components/Page.tsx';
import { useLang } from '../../i18n/index.ts';
import { formatMoney } from '../../lib/format.ts';
import { Link, useLocation } from '../../router.tsx';
import type { OrderStatus } from './types.ts';

const POLL_MS = 2000;
const POLL_FOR_MS = 60_000;

export default function PaymentReturn() {
  const { t, lang } = useLang();
  const session = useLocation().search.get('session') ?? '';
  const status = useApi<OrderStatus>(session ? '/api/portal/online-payments/status' : null, { session });
  const waiting = status.data?.status === 'registered';
  useEffect(() => {
    if (!waiting) return;
    const started = Date.now();
    const timer = setInterval(() => {
      if (Date.now() - started > POLL_FOR_MS) clearInterval(timer);
      else status.reload();
    }, POLL_MS);
    return () => clearInterval(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [waiting]);
  return (
    <Page title={t('onlinePay.returnTitle')}>
      {!session ? (
        <p>{t('onlinePay.noSession')}</p>
      ) : (
        <DataState loaded={status}>
          {(s) => (
            <>
              {s.status === 'confirmed' && <Notice kind="success">{t('onlinePay.statusConfirmed', { amount: formatMoney(s.amountGrosze, lang) })}</Notice>}
              {s.status === 'registered' && <Notice>{t('onlinePay.statusRegistered', { amount: formatMoney(s.amountGrosze, lang) })}</Notice>}
              {s.status === 'failed' && <Notice kind="warning">{t('onlinePay.statusFailed')}</Notice>}
              <p>{t('onlinePay.forInvoices', { numbers: s.invoiceNumbers.join(', ') })}</p>
              <p>
                <Link to="/portal/payments">{t('onlinePay.backToPayments')}</Link>
              </p>
            </>
          )}
        </DataState>
      )}
    </Page>
  );
}
