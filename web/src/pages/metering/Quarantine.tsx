/** Telegrams that did not become readings, with the reason; filter by reason, page through. */
import { DataTable, PagedList, useApi, useListAddress } from '../../components/data.tsx';
import { Page } from '../../components/Page.tsx';
import { useLang } from '../../i18n/index.ts';
import { formatDateTime, formatNumber } from '../../lib/format.ts';
import type { QuarantineItem } from './types.ts';
import './metering.css';

const LIMIT = 50;
const REASONS = ['ingest.unknown_module', 'ingest.no_meter', 'ingest.no_volume', 'wmbus.no_key', 'wmbus.wrong_key', 'wmbus.crc', 'wmbus.truncated', 'wmbus.length', 'wmbus.unknown_ci', 'wmbus.malformed', 'wmbus.hex'];

export default function Quarantine() {
  const { t, lang } = useLang();
  const { value: reason, page, go, offset } = useListAddress('/staff/quarantine', 'reason', LIMIT);
  const list = useApi<{ items: QuarantineItem[]; total: number }>('/api/staff/quarantine', { reason: reason || undefined, limit: LIMIT, offset });
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
      <PagedList loaded={list} limit={LIMIT} page={page} onPage={(p) => go(reason, p)} status={(total) => t('quarantine.count', { n: formatNumber(total, lang) })}>
        {(items) => (
          <DataTable
            caption={t('quarantine.title')}
            columns={[t('quarantine.received'), t('quarantine.reason'), t('quarantine.module'), t('quarantine.source'), t('quarantine.telegram')]}
            items={items}
            ifEmpty={null}
            row={(q) => (
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
            )}
          />
        )}
      </PagedList>
    </Page>
  );
}
