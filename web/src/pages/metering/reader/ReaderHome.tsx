/** The meter reader's start on the phone: today's routes with what is left to read. */
import { Page } from '../../../components/Page.tsx';
import { useLang } from '../../../i18n/index.ts';
import { formatDate } from '../../../lib/format.ts';
import { Link } from '../../../router.tsx';
import type { ReaderRouteSummary } from '../types.ts';
import { useCachedApi } from './cached.ts';
import { OfflineNote, useReaderScope } from './common.tsx';
import { SyncBar } from './SyncBar.tsx';
import '../metering.css';

export default function ReaderHome() {
  const { t, lang } = useLang();
  const { scope } = useReaderScope();
  const routes = useCachedApi<{ items: ReaderRouteSummary[] }>('/api/reader/routes', `${scope}|routes`);
  return (
    <Page title={t('reader.title')}>
      <SyncBar scope={scope} />
      <OfflineNote savedAt={routes.savedAt} />
      {routes.error && (
        <p className="alert alert-error" role="alert">
          {routes.error.text(lang)}
        </p>
      )}
      {routes.loading && !routes.data && (
        <p className="loading" role="status">
          {t('common.loading')}
        </p>
      )}
      {routes.data && routes.data.items.length === 0 && <p>{t('reader.noRoutes')}</p>}
      {routes.data && routes.data.items.length > 0 && (
        <ul className="reader-list">
          {routes.data.items.map((r) => (
            <li key={r.id} className="reader-card">
              <Link to={`/reader/routes/${r.id}`} className="reader-card-link">
                <span className="reader-card-title">{r.name}</span>
                <span className="reader-card-sub">
                  {formatDate(r.periodFrom, lang)} – {formatDate(r.periodTo, lang)}
                </span>
                <span className="reader-card-sub">
                  {t('reader.progressLine', { read: r.progress.read, total: r.progress.total })}
                  {r.progress.alarm > 0 && <> · {t('reader.alarms', { count: r.progress.alarm })}</>}
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </Page>
  );
}
