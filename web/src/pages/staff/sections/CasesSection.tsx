/** The staff customer view's cases: the customer's latest cases of every status, linked to the case pages. */
import { mayAccess } from '../../../access.ts';
import { DataState, DataTable, useApi } from '../../../components/data.tsx';
import { useLang } from '../../../i18n/index.ts';
import { formatDate } from '../../../lib/format.ts';
import { Link } from '../../../router.tsx';
import { useSession } from '../../../session.tsx';
import { CaseCount, DueBadge, StatusBadge, type Inbox } from '../../cases/common.tsx';

export default function CasesSection({ customerId }: { customerId: string }) {
  const { user } = useSession();
  // Meter readers do not read customers' cases (the server refuses them too).
  if (!mayAccess('staff:customer_service,auditor,billing', user)) return null;
  return <CasesOfCustomer customerId={customerId} />;
}

function CasesOfCustomer({ customerId }: { customerId: string }) {
  const { t, lang } = useLang();
  const cases = useApi<Inbox>('/api/staff/cases', { customerId, status: 'all', limit: 20 });
  return (
    <section className="card" aria-labelledby="customer-cases">
      <h2 id="customer-cases">{t('cases.title')}</h2>
      <DataState loaded={cases}>
        {(d) => (
          <>
            <p>
              <CaseCount total={d.total} cap={d.countCap} />
            </p>
            <DataTable
              caption={t('cases.caption')}
              columns={[t('cases.number'), t('cases.subject'), t('cases.kind'), t('cases.status'), t('cases.due'), t('cases.created')]}
              items={d.items}
              ifEmpty={null}
              row={(c) => (
                <tr key={c.id}>
                  <td data-label={t('cases.number')}>
                    <Link to={`/staff/cases/${c.id}`}>{c.caseNumber}</Link>
                  </td>
                  <th scope="row" data-label={t('cases.subject')}>
                    {c.subject}
                  </th>
                  <td data-label={t('cases.kind')}>{t(`cases.kinds.${c.kind}`, c.kind)}</td>
                  <td data-label={t('cases.status')}>
                    <StatusBadge status={c.status} />
                  </td>
                  <td data-label={t('cases.due')}>
                    <DueBadge dueOn={c.dueOn} dueState={c.dueState} />
                  </td>
                  <td data-label={t('cases.created')}>{formatDate(c.createdAt, lang)}</td>
                </tr>
              )}
            />
          </>
        )}
      </DataState>
    </section>
  );
}
