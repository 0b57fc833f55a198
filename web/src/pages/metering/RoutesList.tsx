/** Reading routes: each with its stops, who walks it now and how far they got. */
import { DataState, DataTable, useApi } from '../../components/data.tsx';
import { Page } from '../../components/Page.tsx';
import { useLang } from '../../i18n/index.ts';
import { formatDate } from '../../lib/format.ts';
import { Link } from '../../router.tsx';
import { useSession } from '../../session.tsx';
import type { RouteSummary } from './types.ts';
import './metering.css';

export const canEditRoutes = (roles: readonly string[] | undefined) => !!roles && (roles.includes('admin') || roles.includes('meter_reader'));

export default function RoutesList() {
  const { t, lang } = useLang();
  const { user } = useSession();
  const routes = useApi<{ items: RouteSummary[] }>('/api/staff/routes');
  return (
    <Page
      title={t('routes.title')}
      wide
      actions={
        canEditRoutes(user?.roles) && (
          <Link to="/staff/routes/new" className="button">
            {t('routes.new')}
          </Link>
        )
      }
    >
      <DataState loaded={routes}>
        {(d) => (
          <DataTable
            caption={t('routes.title')}
            columns={[t('routes.name'), { label: t('routes.stops'), className: 'num' }, t('routes.assignedTo'), t('routes.progress')]}
            items={d.items}
            ifEmpty={<p>{t('routes.none')}</p>}
            row={(r) => (
              <tr key={r.id}>
                <th scope="row" data-label={t('routes.name')}>
                  <Link to={`/staff/routes/${r.id}`}>{r.name}</Link>
                </th>
                <td className="num" data-label={t('routes.stops')}>
                  {r.stopCount}
                </td>
                <td data-label={t('routes.assignedTo')}>
                  {r.currentAssignment
                    ? `${r.currentAssignment.readerName} (${formatDate(r.currentAssignment.periodFrom, lang)} – ${formatDate(r.currentAssignment.periodTo, lang)})`
                    : t('routes.unassigned')}
                </td>
                <td data-label={t('routes.progress')}>{r.progress ? <ProgressText counts={r.progress} /> : '—'}</td>
              </tr>
            )}
          />
        )}
      </DataState>
    </Page>
  );
}

export function ProgressText({ counts }: { counts: { total: number; read: number; missing: number; alarm: number } }) {
  const { t } = useLang();
  return (
    <>
      {t('routes.readOf', { read: counts.read, total: counts.total })}
      {counts.alarm > 0 && <span className="badge badge-danger">{t('routes.alarmCount', { count: counts.alarm })}</span>}
    </>
  );
}
