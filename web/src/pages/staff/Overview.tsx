/** The back office's start page: the numbers a manager asks for each morning. */
import { mayAccess } from '../../access.ts';
import type { StaffOverview } from '../../api/types.ts';
import { DataState, useApi } from '../../components/data.tsx';
import { Page } from '../../components/Page.tsx';
import { useLang } from '../../i18n/index.ts';
import { formatNumber } from '../../lib/format.ts';
import { staffNav } from '../../nav.ts';
import { Link } from '../../router.tsx';
import { useSession } from '../../session.tsx';

type Figure = Exclude<keyof StaffOverview, 'todo'>;
type Todo = keyof StaffOverview['todo'];

const FIGURES: Figure[] = ['customers', 'contracts', 'meters', 'radioMeters', 'legalizationDueIn90Days', 'openCases', 'readingsLast30Days'];

/** The list each figure counts, where the back office has one (a tile is then a link to it). */
const LISTS: Partial<Record<Figure, string>> = {
  customers: '/staff/customers',
  contracts: '/staff/customers',
  openCases: '/staff/inbox',
  meters: '/staff/overview/meters',
  radioMeters: '/staff/overview/meters?filter=radio',
  legalizationDueIn90Days: '/staff/overview/meters?filter=legalization',
  readingsLast30Days: '/staff/overview/readings',
};

/** What waits for someone, and the page where it is dealt with (shown to those who may open that page). */
const TODO: [Todo, string][] = [
  ['readingsHeld', '/staff/verification'],
  ['changeRequestsPending', '/staff/change-requests'],
  ['paymentsUnmatched', '/staff/payments'],
  ['billingRunsOpen', '/staff/billing-runs'],
  ['ksefRejected', '/staff/ksef'],
  ['jobsFailed', '/staff/jobs'],
];
const accessOf = (path: string) => staffNav.flatMap((g) => g.items).find((i) => i.to === path)?.access ?? 'staff';

export default function Overview() {
  const { t, lang } = useLang();
  const { user } = useSession();
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
      <DataState loaded={overview}>
        {(o) => {
          const todo = TODO.filter(([, to]) => mayAccess(accessOf(to), user));
          return todo.length === 0 ? null : (
            <section aria-labelledby="todo-heading">
              <h2 id="todo-heading">{t('staffOverview.todo')}</h2>
              <ul className="stats">
                {todo.map(([k, to]) => (
                  <li key={k} className={o.todo[k] > 0 ? 'stat stat-attention' : 'stat'}>
                    <Link to={to} className="stat-link">
                      <span className="stat-value">{formatNumber(o.todo[k], lang)}</span>
                      <span className="stat-label">{t(`staffOverview.${k}`, { count: o.todo[k] })}</span>
                    </Link>
                  </li>
                ))}
              </ul>
            </section>
          );
        }}
      </DataState>
      <p>
        <Link to="/staff/customers">{t('staffOverview.searchCustomers')}</Link>
      </p>
    </Page>
  );
}
