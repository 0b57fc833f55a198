/** One route on the phone: the stops in walking order with what is heard, read, waiting or still to read. */
import type { PageProps } from '../../../routes.tsx';
import { Page } from '../../../components/Page.tsx';
import { useLang } from '../../../i18n/index.ts';
import { Link } from '../../../router.tsx';
import { address, type ReaderRoute as Route } from '../types.ts';
import { useCachedApi } from './cached.ts';
import { OfflineNote, StateBadge, stopState, useReaderScope, useReloadWhenSent } from './common.tsx';
import { useOutbox } from './outbox.ts';
import { SyncBar } from './SyncBar.tsx';
import '../metering.css';

export default function ReaderRoute({ params }: PageProps) {
  const { t, lang } = useLang();
  const { scope } = useReaderScope();
  const route = useCachedApi<Route>(`/api/reader/routes/${params.routeId}`, `${scope}|route|${params.routeId}`);
  const { items: queued } = useOutbox(scope);
  useReloadWhenSent(Number(params.routeId), queued, route.reload);
  const r = route.data;
  const left = r ? r.stops.filter((s) => stopState(s, queued) === 'toRead').length : 0;
  return (
    <Page title={r?.name ?? t('reader.route')}>
      <p>
        <Link to="/reader">{t('reader.backToRoutes')}</Link>
      </p>
      <SyncBar scope={scope} />
      <OfflineNote savedAt={route.savedAt} />
      {route.error && (
        <p className="alert alert-error" role="alert">
          {route.error.text(lang)}
        </p>
      )}
      {route.loading && !r && (
        <p className="loading" role="status">
          {t('common.loading')}
        </p>
      )}
      {r && (
        <>
          <p>{t('reader.leftToRead', { count: left, total: r.stops.length })}</p>
          <ol className="reader-list stops">
            {r.stops.map((s) => (
              <li key={s.position} className="reader-card">
                <Link to={`/reader/routes/${r.id}/stops/${s.position}`} className="reader-card-link">
                  <span className="reader-card-title">
                    <span className="stop-no">{s.position}.</span> {address(s)}
                  </span>
                  <span className="reader-card-sub">
                    {s.meters.map((m) => m.serialNumber).join(', ')} <StateBadge state={stopState(s, queued)} />
                  </span>
                </Link>
              </li>
            ))}
          </ol>
        </>
      )}
    </Page>
  );
}
