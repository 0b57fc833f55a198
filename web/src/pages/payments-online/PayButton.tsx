/**
 * "Zapłać online" for one invoice (or several) and "Zapłać wszystkie
 * należne" without invoiceIds: a self-contained component other pages
 * include (the balance page, the invoice list). It renders nothing when
 * online payment is off at the utility or nothing it would pay is due. The
 * amount is the server's (the invoices' open amounts); the browser only
 * names the invoices and then goes to the provider's page.
 */
import { useId, useState } from 'react';
import { api } from '../../api/client.ts';
import { useApiCall } from '../../api/useApiCall.ts';
import { useApi } from '../../components/data.tsx';
import { FormAlert } from '../../components/forms.tsx';
import { useLang } from '../../i18n/index.ts';
import { formatMoney } from '../../lib/format.ts';
import type { Options, Started } from './types.ts';

export function PayButton({ customerId, invoiceIds }: { customerId: number; invoiceIds?: number[] }) {
  const { t, lang } = useLang();
  const options = useApi<Options>(`/api/portal/customers/${customerId}/online-payments`);
  const { busy, failure, call } = useApiCall();
  const [blik, setBlik] = useState(false);
  const amountId = useId();
  const o = options.data;
  if (!o?.enabled) return null;
  const wanted = invoiceIds && invoiceIds.length > 0 ? o.dueInvoices.filter((d) => invoiceIds.includes(d.id)) : o.dueInvoices;
  if (wanted.length === 0) return null;
  const amount = wanted.reduce((s, d) => s + d.openGrosze, 0);
  const all = !invoiceIds || invoiceIds.length === 0;
  const pay = () =>
    call(async () => {
      const started = await api.post<Started>(`/api/portal/customers/${customerId}/online-payments`, { invoiceIds: all ? undefined : wanted.map((d) => d.id), method: blik ? 'blik' : 'any' });
      window.location.assign(started.redirectUrl);
    });
  return (
    <div className="online-pay">
      <button
        type="button"
        className="button"
        onClick={() => void pay()}
        disabled={busy}
        aria-label={all || wanted.length > 1 ? undefined : t('onlinePay.payInvoice', { number: wanted[0].number })}
        aria-describedby={amountId}
      >
        {all ? t('onlinePay.payAll') : t('onlinePay.pay')}
      </button>{' '}
      <span id={amountId} className="muted">
        {t('onlinePay.amount', { amount: formatMoney(amount, lang) })}
      </span>{' '}
      <label className="online-pay-blik">
        <input type="checkbox" checked={blik} onChange={(e) => setBlik(e.target.checked)} /> {t('onlinePay.blik')}
      </label>
      <FormAlert error={failure} />
    </div>
  );
}

export default PayButton;
