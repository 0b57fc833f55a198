/**
 * The Pulpit's note about data-change requests of the chosen customer: how
 * many wait, and the latest decision (so the customer sees the outcome
 * without opening Dane kontrahenta). Nothing when there is no request.
 */
import { useApi } from '../../../components/data.tsx';
import { useLang } from '../../../i18n/index.ts';
import { useActiveCustomer } from '../../../lib/active-customer.ts';
import { formatDate } from '../../../lib/format.ts';
import { Link } from '../../../router.tsx';
import type { ChangeRequest } from '../Account.tsx';

export function ChangeRequestsPanel() {
  const { t, lang } = useLang();
  const { customerId } = useActiveCustomer();
  const requests = useApi<{ items: ChangeRequest[] }>(customerId ? `/api/portal/customers/${customerId}/change-requests` : null);
  const items = requests.data?.items ?? [];
  if (items.length === 0) return null;
  const pending = items.filter((r) => r.status === 'pending').length;
  const decided = items.find((r) => r.decidedAt);
  return (
    <section className="card" aria-labelledby="panel-change-requests">
      <h2 id="panel-change-requests">{t('custdata.panel.title')}</h2>
      {pending > 0 && <p>{t('custdata.panel.pending', { count: pending })}</p>}
      {decided && (
        <p>
          {t('custdata.panel.latest', {
            field: t(`custdata.fields.${decided.field}`, decided.field),
            status: t(`custdata.status.${decided.status}`),
            date: formatDate(decided.decidedAt, lang),
          })}
        </p>
      )}
      <p>
        <Link to="/portal/account">{t('custdata.panel.link')}</Link>
      </p>
    </section>
  );
}
