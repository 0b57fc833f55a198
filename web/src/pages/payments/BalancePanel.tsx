/** The Pulpit's balance panel: where the customer stands and a link to Faktury i saldo. */
import { DataState, useApi } from '../../components/data.tsx';
import { useLang } from '../../i18n/index.ts';
import { useActiveCustomer } from '../../lib/active-customer.ts';
import { Link } from '../../router.tsx';
import { BalanceFigures, BalanceSentence } from './parts.tsx';
import type { Ledger } from './types.ts';

export default function BalancePanel() {
  const { t } = useLang();
  const { customerId } = useActiveCustomer();
  const ledger = useApi<Ledger>(customerId ? `/api/portal/customers/${customerId}/balance` : null, { kind: 'payment' });
  return (
    <section className="card" aria-labelledby="balance-panel-title">
      <h2 id="balance-panel-title">{t('payments.panel.title')}</h2>
      <DataState loaded={ledger}>
        {(l) => (
          <>
            <BalanceSentence summary={l.summary} />
            <BalanceFigures summary={l.summary} />
          </>
        )}
      </DataState>
      <p>
        <Link to="/portal/balance">{t('payments.panel.link')}</Link>
      </p>
    </section>
  );
}
