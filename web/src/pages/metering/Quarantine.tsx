/** Telegrams that did not become readings, with the reason; filter by reason, page through. */
import { DataState, useApi } from '../../components/data.tsx';
import { Page } from '../../components/Page.tsx';
import { useLang } from '../../i18n/index.ts';
import { formatDateTime, formatNumber } from '../../lib/format.ts';
import { navigate, useLocation } from '../../router.tsx';
import type { QuarantineItem } from './types.ts';
import './metering.css';

const LIMIT = 50;
const REASONS = ['ingest.unknown_module', 'ingest.no_meter', 'ingest.no_volume', 'wmbus.no_key', 'wmbus.wrong_key', 'wmbus.crc', 'wmbus.truncated', 'wmbus.length', 'wmbus.unknown_ci', 'wmbus.malformed', 'wmbus.hex'];

export default function Quarantine() {
  const { t, lang } = useLang();
  const { search } = useLocation();
  const reason = search.get('reason') ?? '';
  const page = Math.max(1, Number(search.get('page')) || 1);
  const list = useApi<{ items: QuarantineItem[]; total: number }>('/api/staff/quarantine', { reason: reason || undefined, limit: LIMIT, offset: (page - 1) * LIMIT });
  const go = (r: string, p: number) => {
    const s = new URLSearchParams();
    if (r) s.set('reason', r);
    if (p > 1) s.set('page', String(p));
    navigate(`/staff/quarantine${s.size ? `?${s}` : ''}`);
  };
  return (
    <Page title={t('quarantine.title')} wide>
      <p>{t('quarantine.intro')}</p>
      <div className="field field-inline">
        <label htmlFor="q-reason">{t('quarantine.reason')}</label>
        <select id="q-reason" value={reason} onChange={(e) => go(e.target.value, 1)}>
          <option value="">{t('quarantine.allReasons')}</option>
          {REASONS.map((r) => (
            <option key={r} value={r}>
              {t(`quarantine.reasons.${r}`, r)}
            </option>
          ))}
        </select>
      </div>
      <DataState loaded={list}>
        {(d) => {
          const pages = Math.max(1, Math.ceil(d.total / LIMIT));
          return (
            <>
              <p role="status">{t('quarantine.count', { n: formatNumber(d.total, lang) })}</p>
              {d.items.length > 0 && (
                <div className="table-wrap">
                  <table>
                    <caption className="visually-hidden">{t('quarantine.title')}</caption>
                    <thead>
                      <tr>
                        <th scope="col">{t('quarantine.received')}</th>
                        <th scope="col">{t('quarantine.reason')}</th>
                        <th scope="col">{t('quarantine.module')}</th>
                        <th scope="col">{t('quarantine.source')}</th>
                        <th scope="col">{t('quarantine.telegram')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {d.items.map((q) => (
                        <tr key={q.id}>
                          <td data-label={t('quarantine.received')}>{formatDateTime(q.receivedAt, lang)}</td>
                          <th scope="row" data-label={t('quarantine.reason')}>
                            {t(`quarantine.reasons.${q.reason}`, q.reason)}
                            <div className="muted small" lang="en">{q.message}</div>
                          </th>
                          <td data-label={t('quarantine.module')}>{q.radioId ? `${q.manufacturer ?? '?'} ${q.radioId}` : '—'}</td>
                          <td data-label={t('quarantine.source')}>
                            {t(`quarantine.sources.${q.source}`, q.source)}
                            {q.sourceDetail && <div className="muted small">{q.sourceDetail}</div>}
                          </td>
                          <td data-label={t('quarantine.telegram')}>
                            <code className="hex">{q.hex}</code>
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
              {pages > 1 && (
                <nav className="pager" aria-label={t('common.pages')}>
                  <button type="button" className="button button-secondary" disabled={page <= 1} onClick={() => go(reason, page - 1)}>
                    {t('common.previous')}
                  </button>
                  <span>{t('common.pageOf', { page, pages })}</span>
                  <button type="button" className="button button-secondary" disabled={page >= pages} onClick={() => go(reason, page + 1)}>
                    {t('common.next')}
                  </button>
                </nav>
              )}
            </>
          );
        }}
      </DataState>
    </Page>
  );
}
