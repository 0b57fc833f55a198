/**
 * `/staff/overview/meters?filter=all|radio|legalization` and
 * `/staff/overview/readings`: what a tile of the staff overview counts, as a
 * paged list (GET /api/staff/overview/meters, …/readings; the total is the
 * tile's figure).
 */
import { api } from '../../api/client.ts';
import { DataTable, PagedList, useApi, useListAddress } from '../../components/data.tsx';
import { Page } from '../../components/Page.tsx';
import type { PageProps } from '../../routes.tsx';
import { useLang } from '../../i18n/index.ts';
import { formatDate, formatDateTime, formatNumber, formatVolume } from '../../lib/format.ts';
import { Link, useLocation } from '../../router.tsx';
import './overview.css';

const LIMIT = 50;
const FILTERS = ['all', 'radio', 'legalization'] as const;

interface MeterItem {
  id: number;
  serialNumber: string;
  role: string;
  radio: boolean;
  legalizationValidUntil: string | null;
  installedOn: string;
  servicePoint: { code: string; address: string };
}

interface ReadingItem {
  id: number;
  readAt: string;
  valueM3: string;
  source: string;
  status: string;
  meterSerial: string;
  servicePoint: { code: string; address: string };
}

export function MeterList(_props: PageProps) {
  const { t, lang } = useLang();
  const { value, page, go, offset } = useListAddress('/staff/overview/meters', 'filter', LIMIT);
  const filter = (FILTERS as readonly string[]).includes(value) ? value : 'all';
  const loaded = useApi<{ items: MeterItem[]; total: number }>('/api/staff/overview/meters', { filter, limit: String(LIMIT), offset: String(offset) });
  const title = t(`a11y.lists.meters.${filter}`);
  return (
    <Page title={title}>
      <nav aria-label={t('a11y.lists.filters')}>
        <ul className="filter-links">
          {FILTERS.map((f) => (
            <li key={f}>
              <Link to={f === 'all' ? '/staff/overview/meters' : `/staff/overview/meters?filter=${f}`} aria-current={f === filter ? 'page' : undefined}>
                {t(`a11y.lists.meters.${f}`)}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <PagedList loaded={loaded} limit={LIMIT} page={page} onPage={(p) => go(filter === 'all' ? '' : filter, p)} status={(n) => t('a11y.lists.meterCount', { count: n, n: formatNumber(n, lang) })}>
        {(items) => (
          <DataTable
            caption={title}
            columns={[t('meter.serialNumber'), t('meter.role'), t('a11y.lists.servicePoint'), t('meter.legalization'), t('meter.radio')]}
            items={items}
            row={(m) => (
              <tr key={m.id}>
                <td data-label={t('meter.serialNumber')}>
                  {/* The meter's page: its readings and, for those who may, its exchange. */}
                  <Link to={`/staff/meters/${m.id}/readings`}>{m.serialNumber}</Link>
                </td>
                <td data-label={t('meter.role')}>{t(`meter.roles.${m.role}`, { defaultValue: m.role })}</td>
                <td data-label={t('a11y.lists.servicePoint')}>
                  {m.servicePoint.address} <span className="muted">({m.servicePoint.code})</span>
                </td>
                <td data-label={t('meter.legalization')}>{formatDate(m.legalizationValidUntil, lang)}</td>
                <td data-label={t('meter.radio')}>{m.radio ? t('a11y.lists.yes') : t('a11y.lists.no')}</td>
              </tr>
            )}
            ifEmpty={<p>{t('a11y.lists.none')}</p>}
          />
        )}
      </PagedList>
      <p>
        <a className="button button-secondary" href={api.url(`/api/staff/overview/meters/csv${filter === 'all' ? '' : `?filter=${filter}`}`)} download>
          {t('a11y.lists.csv')}
        </a>
      </p>
      <p>
        <Link to="/staff">{t('a11y.lists.back')}</Link>
      </p>
    </Page>
  );
}

export function ReadingList(_props: PageProps) {
  const { t, lang } = useLang();
  const { page, go, offset } = useListAddress('/staff/overview/readings', 'x', LIMIT);
  const loaded = useApi<{ items: ReadingItem[]; total: number }>('/api/staff/overview/readings', { limit: String(LIMIT), offset: String(offset) });
  const title = t('a11y.lists.readings');
  return (
    <Page title={title}>
      <p className="lead">{t('a11y.lists.readingsLead')}</p>
      <PagedList loaded={loaded} limit={LIMIT} page={page} onPage={(p) => go('', p)} status={(n) => t('a11y.lists.readingCount', { count: n, n: formatNumber(n, lang) })}>
        {(items) => (
          <DataTable
            caption={title}
            columns={[t('reading.readAt'), t('meter.serialNumber'), t('a11y.lists.servicePoint'), t('reading.value'), t('reading.source'), t('reading.status')]}
            items={items}
            row={(r) => (
              <tr key={r.id}>
                <td data-label={t('reading.readAt')}>{formatDateTime(r.readAt, lang)}</td>
                <td data-label={t('meter.serialNumber')}>{r.meterSerial}</td>
                <td data-label={t('a11y.lists.servicePoint')}>
                  {r.servicePoint.address} <span className="muted">({r.servicePoint.code})</span>
                </td>
                <td data-label={t('reading.value')}>{formatVolume(r.valueM3, lang)}</td>
                <td data-label={t('reading.source')}>{t(`reading.sources.${r.source}`, { defaultValue: r.source })}</td>
                <td data-label={t('reading.status')}>{t(`reading.statuses.${r.status}`, { defaultValue: r.status })}</td>
              </tr>
            )}
            ifEmpty={<p>{t('a11y.lists.none')}</p>}
          />
        )}
      </PagedList>
      <p>
        <Link to="/staff">{t('a11y.lists.back')}</Link>
      </p>
    </Page>
  );
}

/** The route's page: which list by the path. */
export default function OverviewList(props: PageProps) {
  const { path } = useLocation();
  return path.endsWith('/readings') ? <ReadingList {...props} /> : <MeterList {...props} />;
}
