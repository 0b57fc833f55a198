/** `/staff/notices`: every notice, newest first, with its status and what its publishing sent. */
import { DataState, DataTable, useApi } from '../../components/data.tsx';
import { Page } from '../../components/Page.tsx';
import { mayAccess } from '../../access.ts';
import { useLang } from '../../i18n/index.ts';
import { formatDateTime } from '../../lib/format.ts';
import { Link } from '../../router.tsx';
import { useSession } from '../../session.tsx';
import type { StaffNoticeItem } from './types.ts';
import './notices.css';

export default function StaffNotices() {
  const { t, lang } = useLang();
  const { user } = useSession();
  const notices = useApi<{ items: StaffNoticeItem[] }>('/api/staff/notices');
  const mayWrite = mayAccess('staff:customer_service', user);
  const mayOpen = mayAccess('staff:customer_service,billing,auditor', user);
  return (
    <Page
      title={t('notices.staffTitle')}
      wide
      actions={
        mayWrite && (
          <Link className="button" to="/staff/notices/new">
            {t('notices.new')}
          </Link>
        )
      }
    >
      <DataState loaded={notices}>
        {(d) => (
          <DataTable
            caption={t('notices.staffTitle')}
            columns={[t('notices.title'), t('notices.kindLabel'), t('notices.when'), t('notices.area'), t('notices.statusLabel'), t('notices.emailed')]}
            items={d.items}
            ifEmpty={<p>{t('notices.noneStaff')}</p>}
            row={(n) => (
              <tr key={n.id}>
                <th scope="row" data-label={t('notices.title')}>
                  {mayOpen ? <Link to={`/staff/notices/${n.id}`}>{n.title}</Link> : n.title}
                </th>
                <td data-label={t('notices.kindLabel')}>{t(`notices.kind.${n.kind}`)}</td>
                <td data-label={t('notices.when')}>
                  {formatDateTime(n.startsAt, lang)} – {n.endsAt ? formatDateTime(n.endsAt, lang) : t('notices.untilFurther')}
                </td>
                <td data-label={t('notices.area')}>{n.areaText.join('; ') || '—'}</td>
                <td data-label={t('notices.statusLabel')}>{t(`notices.status.${n.status}`)}</td>
                <td data-label={t('notices.emailed')}>
                  {n.emailedCount === null ? '—' : t('notices.emailedCounts', { sent: n.emailedCount, skipped: n.noEmailCount ?? 0 })}
                </td>
              </tr>
            )}
          />
        )}
      </DataState>
    </Page>
  );
}
