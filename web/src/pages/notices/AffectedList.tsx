/** Whom an area concerns: the counts, then each service point with its customers (a table, also for screen readers). */
import { DataTable } from '../../components/data.tsx';
import { useLang } from '../../i18n/index.ts';
import type { Affected } from './types.ts';

export function AffectedList({ affected }: { affected: Affected }) {
  const { t } = useLang();
  return (
    <>
      <div role="status">
      <ul className="counts">
        <li>
          <strong>{affected.servicePoints}</strong> {t('notices.pointsCount', { count: affected.servicePoints })}
        </li>
        <li>
          <strong>{affected.customers}</strong> {t('notices.customersCount', { count: affected.customers })}
        </li>
        <li>
          <strong>{affected.customersWithoutEmail}</strong> {t('notices.noEmailCount', { count: affected.customersWithoutEmail })}
        </li>
      </ul>
      </div>
      {affected.items.length > 0 && (
        <DataTable
          caption={t('notices.affectedCaption')}
          columns={[t('notices.servicePoint'), t('notices.address'), t('notices.customers')]}
          items={affected.items}
          row={(p) => (
            <tr key={p.servicePointId}>
              <th scope="row" data-label={t('notices.servicePoint')}>
                {p.code}
              </th>
              <td data-label={t('notices.address')}>{p.address}</td>
              <td data-label={t('notices.customers')}>
                {p.customers.length === 0
                  ? t('notices.noContract')
                  : p.customers.map((c) => `${c.name} (${c.customerNumber})${c.email ? '' : ` – ${t('notices.noEmail')}`}`).join('; ')}
              </td>
            </tr>
          )}
        />
      )}
      {affected.truncated && <p className="muted">{t('notices.truncated')}</p>}
    </>
  );
}
