/** The back office's start page: the numbers a manager asks for each morning. */
import type { StaffOverview } from '../../api/types.ts';
import { DataState, useApi } from '../../components/data.tsx';
import { Page } from '../../components/Page.tsx';
import { useLang } from '../../i18n/index.ts';
import { formatNumber } from '../../lib/format.ts';
import { Link } from '../../router.tsx';

const FIGURES: (keyof StaffOverview)[] = ['customers', 'contracts', 'meters', 'radioMeters', 'legalizationDueIn90Days', 'openCases', 'readingsLast30Days'];

/** The list each figure counts, where the back office has one (a tile is then a link to it). */
const LISTS: Partial<Record<keyof StaffOverview, string>> = {
  customers: '/staff/customers',
  contracts: '/staff/customers',
  openCases: '/staff/inbox',
  meters: '/staff/overview/meters',
  radioMeters: '/staff/overview/meters?filter=radio',
  legalizationDueIn90Days: '/staff/overview/meters?filter=legalization',
  readingsLast30Days: '/staff/overview/readings',
};

export default function Overview() {
  const { t, lang } = useLang();
  const overview = useApi<StaffOverview>('/api/staff/overview');
  return (
    <Page title={t('staffOverview.title')}>
      <DataState loaded={overview}>
        {(o) => (
          <ul className="stats" aria-label={t('staffOverview.figures')}>
            {FIGURES.map((k) => (
              <li key={k} className="stat">
                {LISTS[k] ? (
                  <Link to={LISTS[k]!} className="stat-link">
                    <span className="stat-value">{formatNumber(o[k], lang)}</span>
                    <span className="stat-label">{t(`staffOverview.${k}`, { count: o[k] })}</span>
                  </Link>
                ) : (
                  <>
                    <span className="stat-value">{formatNumber(o[k], lang)}</span>
                    <span className="stat-label">{t(`staffOverview.${k}`, { count: o[k] })}</span>
                  </>
                )}
              </li>
            ))}
          </ul>
        )}
      </DataState>
      <p>
        <Link to="/staff/customers">{t('staffOverview.searchCustomers')}</Link>
      </p>
    </Page>
  );
}
